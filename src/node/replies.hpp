#pragma once
// The JSON answers of the control socket: status, the result of a command, an error. Every
// reply is dumped with invalid UTF-8 replaced, so no text can make serialising throw.

#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/membership.hpp>

#include "request.hpp"

namespace wha_node {

/// The last actions, for wha-mon's "recent actions". Their text (agent output) is made valid
/// UTF-8 here, where it enters.
struct Recent {
  std::deque<nlohmann::json> actions;
  void add(const wholesale_ha::executor::ActionResult& r);
};

/// What the control socket answers from: the daemon's parts.
struct Daemon {
  wholesale_ha::Controller& controller;
  const wholesale_ha::membership::Membership& membership;
  const Recent& recent;
  /// Re-reads the configuration files; the reply says what was wrong or that it applied.
  std::function<nlohmann::json()> reload;
};

/// What `request` asks, done (commands) or read (status).
[[nodiscard]] nlohmann::json answer(const Request& request, const Daemon& daemon);

/// {"ok": false, "error": message, "errors": [message]} ("errors" is what wha-mon reads).
[[nodiscard]] nlohmann::json error_reply(std::string_view message);

/// One line: compact JSON and a newline; never throws on bad UTF-8 (last line of defence).
[[nodiscard]] std::string reply_line(const nlohmann::json& reply);

}  // namespace wha_node
