#pragma once
// wha-node's Unix socket for wha-mon: one JSON request per line, one JSON answer per line.
//   {"cmd": "status"}
//   {"cmd": "attribute", "node": N, "name": "#health-disk", "value": "red" | null}
//   {"cmd": "move", "resource": R, "node": N | ""}
//   {"cmd": "standby", "node": N, "on": true | false}
//   {"cmd": "clear", "resource": R, "node": N?}
//   {"cmd": "role", "resource": R, "role": "started" | "stopped"}

#include <deque>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/membership.hpp>

namespace wha_node {

/// The last actions, for wha-mon's "recent actions".
struct Recent {
  std::deque<nlohmann::json> actions;
  void add(const wholesale_ha::executor::ActionResult& r);
};

class ControlSocket {
 public:
  ControlSocket(boost::asio::io_context& io, const std::string& path, wholesale_ha::Controller& controller,
                const wholesale_ha::membership::Membership& membership, const Recent& recent);
  ~ControlSocket();

 private:
  void accept();
  nlohmann::json answer(const nlohmann::json& request);

  std::string path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  wholesale_ha::Controller& controller_;
  const wholesale_ha::membership::Membership& membership_;
  const Recent& recent_;
};

}  // namespace wha_node
