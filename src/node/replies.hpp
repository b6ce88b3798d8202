#pragma once
// The JSON answers of the control socket: status, the result of a command, an error. Every
// reply is dumped with invalid UTF-8 replaced, so no text can make serialising throw.

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/membership.hpp>

#include "activity.hpp"
#include "node_health.hpp"
#include "request.hpp"

namespace wha_node {

/// The status reply's "schema": raised when a field changes meaning or goes away (new fields
/// may appear without it). 2: in_flight, local_health, fencing, schema itself.
inline constexpr int kStatusSchema = 2;

/// What the control socket answers from: the daemon's parts.
struct Daemon {
  wholesale_ha::Controller& controller;
  const wholesale_ha::membership::Membership& membership;
  const Activity& activity;
  const NodeHealth& health;
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
