#include "control_socket.hpp"

#include <map>
#include <string_view>

#include <unistd.h>

#include <chrono>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wha_node {

namespace asio = boost::asio;
using nlohmann::json;
using Socket = asio::local::stream_protocol::socket;
namespace model = wholesale_ha::model;

void Recent::add(const wholesale_ha::executor::ActionResult& r) {
  if (r.skipped) return;
  const std::chrono::duration<double> now = std::chrono::system_clock::now().time_since_epoch();
  actions.push_back({{"time", now.count()},
                     {"action", wholesale_ha::policy::describe(r.action)},
                     {"ok", r.result.ok()},
                     {"reason", r.result.reason}});
  while (actions.size() > 20) actions.pop_front();
}

namespace {

json status(const wholesale_ha::Controller& c, const wholesale_ha::membership::Membership& membership,
            const Recent& recent) {
  const auto& state = c.state();
  json nodes = json::array();
  for (const auto& n : c.config().nodes) {
    json health = json::object();
    json attributes = json::object();
    model::NodeState s = model::NodeState::online;
    if (auto it = state.nodes.find(n.id); it != state.nodes.end()) {
      s = it->second.state;
      for (const auto& [k, v] : it->second.attributes) {
        (k.starts_with("#health-") ? health : attributes)[k] = v;
      }
    }
    nodes.push_back({{"id", n.id},
                     {"state", model::to_string(s)},
                     {"standby", n.standby},
                     {"health", health},
                     {"attributes", attributes}});
  }
  std::map<std::string_view, json> where;  // one pass over the placements, not one per resource
  for (const auto& p : state.resources) {
    where[p.resource].push_back({{"node", p.node}, {"state", model::to_string(p.state)}});
  }
  json resources = json::array();
  for (const auto& r : c.config().resources) {
    auto it = where.find(r.id);
    resources.push_back({{"id", r.id},
                         {"backend", r.backend},
                         {"placements", it == where.end() ? json::array() : std::move(it->second)}});
  }
  json failcounts = json::array();
  for (const auto& f : state.failcounts) {
    failcounts.push_back({{"resource", f.resource}, {"node", f.node}, {"count", f.count}});
  }
  return {{"ok", true},
          {"quorate", state.quorate},
          {"local", membership.local_node()},
          {"coordinator", membership.view().coordinator},
          {"idle", c.idle()},
          {"nodes", nodes},
          {"resources", resources},
          {"failcounts", failcounts},
          {"recent", json(recent.actions)}};
}

json result(const std::vector<model::Diagnostic>& problems) {
  if (problems.empty()) return {{"ok", true}};
  json errors = json::array();
  for (const auto& d : problems) errors.push_back(d.to_string());
  return {{"ok", false}, {"errors", errors}};
}

/// Reads requests and writes answers until the client goes away. Every complete request
/// already received is answered before the next read, in one write: a client that sends
/// many requests at once gets its answers at once, and their broadcasts leave as one batch.
void serve(std::shared_ptr<Socket> socket, std::shared_ptr<asio::streambuf> buffer,
           std::function<json(const json&)> answer) {
  asio::async_read_until(*socket, *buffer, '\n', [=](const boost::system::error_code& ec, std::size_t) {
    if (ec) return;
    auto replies = std::make_shared<std::string>();
    std::string data{asio::buffers_begin(buffer->data()), asio::buffers_end(buffer->data())};
    std::size_t used = 0;
    for (std::size_t eol; (eol = data.find('\n', used)) != std::string::npos; used = eol + 1) {
      json request = json::parse(data.substr(used, eol - used), nullptr, false);
      *replies += (request.is_discarded() ? json{{"ok", false}, {"errors", {"request is not JSON"}}} : answer(request))
                      .dump() +
                  "\n";
    }
    buffer->consume(used);
    asio::async_write(*socket, asio::buffer(*replies), [=](const boost::system::error_code& wec, std::size_t) {
      if (!wec) serve(socket, buffer, answer);
    });
  });
}

}  // namespace

ControlSocket::ControlSocket(asio::io_context& io, const std::string& path, wholesale_ha::Controller& controller,
                             const wholesale_ha::membership::Membership& membership, const Recent& recent)
    : path_(path), acceptor_(io), controller_(controller), membership_(membership), recent_(recent) {
  ::unlink(path.c_str());
  acceptor_.open();
  acceptor_.bind(asio::local::stream_protocol::endpoint{path});
  acceptor_.listen();
  accept();
}

ControlSocket::~ControlSocket() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  ::unlink(path_.c_str());
}

void ControlSocket::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, Socket socket) {
    if (ec) return;
    serve(std::make_shared<Socket>(std::move(socket)), std::make_shared<asio::streambuf>(),
          [this](const json& request) { return answer(request); });
    accept();
  });
}

json ControlSocket::answer(const json& request) {
  const auto cmd = request.value("cmd", std::string{});
  const auto str = [&](const char* key) { return request.value(key, std::string{}); };
  if (cmd == "status") return status(controller_, membership_, recent_);
  if (cmd == "attribute") {
    std::optional<std::string> value;
    if (request.contains("value") && request["value"].is_string()) value = request["value"].get<std::string>();
    return result(controller_.set_attribute(str("node"), str("name"), value));
  }
  if (cmd == "move") return result(controller_.move(str("resource"), str("node")));
  if (cmd == "standby") return result(controller_.standby(str("node"), request.value("on", true)));
  if (cmd == "clear") {
    std::optional<std::string> node;
    if (!str("node").empty()) node = str("node");
    return result(controller_.clear_failcount(str("resource"), node));
  }
  if (cmd == "role") {
    return result(controller_.set_target_role(
        str("resource"), str("role") == "stopped" ? model::TargetRole::stopped : model::TargetRole::started));
  }
  return {{"ok", false}, {"errors", {"unknown command \"" + cmd + "\""}}};
}

}  // namespace wha_node
