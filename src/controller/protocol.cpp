#include "protocol.hpp"

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>
#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/score.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::protocol {
namespace {

using nlohmann::json;
using executor::Operation;

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json encode_result(const agents::Outcome& r) {
  return {{"status", static_cast<int>(r.status)}, {"reason", r.reason}, {"elapsed_ms", r.elapsed.count()}};
}

/// Reads one message's fields; the first problem is kept and every later read returns a default.
class Fields {
 public:
  Fields(const json& body, const Known& known) : body_(body), known_(known) {
    if (!body.is_object()) error_ = "the body is not an object";
  }

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

  const json* find(const char* key, bool required = true) {
    if (!ok()) return nullptr;
    auto it = body_.find(key);
    if (it == body_.end()) {
      if (required) fail(fmt::format("\"{}\" is missing", key));
      return nullptr;
    }
    return &*it;
  }

  std::string text(const char* key, std::size_t max = kMaxTextBytes) {
    const json* v = find(key);
    if (v == nullptr) return {};
    return checked_text(*v, key, max);
  }

  std::optional<std::string> nullable_text(const char* key, std::size_t max = kMaxTextBytes) {
    const json* v = find(key, false);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return checked_text(*v, key, max);
  }

  std::string node(const char* key) { return known(key, text(key), true); }
  std::string resource(const char* key) { return known(key, text(key), false); }

  std::string known(const char* key, std::string id, bool is_node) {
    if (!ok()) return id;
    const bool found = is_node ? known_.node(id) : known_.resource(id);
    if (!found) fail(fmt::format("\"{}\" names an unknown {} \"{}\"", key, is_node ? "node" : "resource", id));
    return id;
  }

  /// An integer in [lo, hi]; floats and out-of-range values are rejected, never converted.
  std::int64_t integer(const char* key, std::int64_t lo, std::int64_t hi) {
    const json* v = find(key);
    if (v == nullptr) return lo;
    return checked_integer(*v, key, lo, hi);
  }

  std::uint64_t id(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return 0;
    if (v->is_number_unsigned()) return v->get<std::uint64_t>();
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v->get<std::int64_t>());
    fail(fmt::format("\"{}\" must be a non-negative integer", key));
    return 0;
  }

  agents::Outcome result() {
    agents::Outcome r;
    const auto status = integer("status", 0, 1001);
    if (ok() && agents::to_string(static_cast<agents::Status>(status)) == "?") {
      fail(fmt::format("\"status\" {} is not an OCF status", status));
    }
    r.status = static_cast<agents::Status>(status);
    r.reason = text("reason");
    const json* elapsed = find("elapsed_ms", false);
    if (elapsed != nullptr) r.elapsed = std::chrono::milliseconds{checked_integer(*elapsed, "elapsed_ms", 0, kMaxTimeoutMs * 10)};
    return r;
  }

  std::string checked_text(const json& v, const char* key, std::size_t max) {
    if (!v.is_string()) {
      fail(fmt::format("\"{}\" must be a string", key));
      return {};
    }
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > max) {
      fail(fmt::format("\"{}\" is {} bytes long, more than the {} allowed", key, s.size(), max));
      return {};
    }
    return valid_utf8(s);
  }

  std::int64_t checked_integer(const json& v, const char* key, std::int64_t lo, std::int64_t hi) {
    std::int64_t n = 0;
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(hi)) return out_of_range(key, lo, hi);
      n = static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
      n = v.get<std::int64_t>();
    } else {
      fail(fmt::format("\"{}\" must be an integer", key));
      return lo;
    }
    if (n < lo || n > hi) return out_of_range(key, lo, hi);
    return n;
  }

 private:
  std::int64_t out_of_range(const char* key, std::int64_t lo, std::int64_t hi) {
    fail(fmt::format("\"{}\" is outside {}..{}", key, lo, hi));
    return lo;
  }

  const json& body_;
  const Known& known_;
  std::string error_;
};

/// Seconds since the epoch, up to year 10000.
constexpr std::int64_t kMaxTimestamp = 253'402'300'800;

std::optional<model::ResourceState> resource_state(Fields& f, const json* v) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    f.fail("\"state\" must be a string or null");
    return std::nullopt;
  }
  auto s = model::enum_from_string<model::ResourceState>(v->get_ref<const std::string&>());
  if (!s) f.fail(fmt::format("\"state\" \"{}\" is not a resource state", valid_utf8(v->get_ref<const std::string&>())));
  return s;
}

Decoded decode_op_request(Fields& f) {
  OpRequest m;
  m.id = f.id("id");
  m.to = f.node("to");
  const auto kind = f.text("kind");
  bool known = false;
  for (auto k : {Operation::Kind::start, Operation::Kind::stop, Operation::Kind::monitor, Operation::Kind::migrate_to,
                 Operation::Kind::migrate_from, Operation::Kind::repair}) {
    if (executor::to_string(k) == kind) {
      m.op.kind = k;
      known = true;
    }
  }
  if (f.ok() && !known) f.fail(fmt::format("\"kind\" \"{}\" is not an operation", kind));
  m.op.resource = f.text("resource");  // may be a removed resource that still runs
  m.op.node = f.node("node");
  if (f.ok() && m.op.node != m.to) f.fail("\"node\" must be the node the request is addressed to");
  const auto peer = f.text("peer");
  if (!peer.empty()) m.op.peer = f.known("peer", peer, true);
  if (f.ok() && (m.op.kind == Operation::Kind::migrate_to || m.op.kind == Operation::Kind::migrate_from) &&
      m.op.peer.empty()) {
    f.fail("a migration needs a \"peer\"");
  }
  if (m.op.kind == Operation::Kind::repair) {
    m.op.action = f.text("action");
    if (f.ok() && m.op.action.empty()) f.fail("a repair needs an \"action\"");
  }
  m.op.timeout = std::chrono::milliseconds{f.integer("timeout_ms", 1, kMaxTimeoutMs)};
  return {std::move(m), {}};
}

/// "kind": "poweroff" or "reboot"; absent means poweroff (the only kind before it existed).
model::ShutdownKind shutdown_kind(Fields& f) {
  const json* v = f.find("kind", false);
  if (v == nullptr) return model::ShutdownKind::poweroff;
  const auto kind = v->is_string() ? model::enum_from_string<model::ShutdownKind>(v->get_ref<const std::string&>())
                                   : std::nullopt;
  if (!kind) f.fail("\"kind\" must be \"poweroff\" or \"reboot\"");
  return kind.value_or(model::ShutdownKind::poweroff);
}

Decoded decode_node_report(Fields& f, const Known& config) {
  NodeReport m;
  m.round = f.id("round");
  m.coordinator = f.node("coordinator");
  m.node = f.node("node");
  for (auto [key, list] : {std::pair{"placements", &m.placements}, std::pair{"elsewhere", &m.elsewhere}}) {
    const json* placements = f.find(key);
    if (placements != nullptr && !placements->is_array()) f.fail(fmt::format("\"{}\" must be an array", key));
    if (!f.ok()) break;
    for (const auto& p : *placements) {
      Fields item(p, config);
      model::ResourcePlacement placement;
      placement.resource = item.resource("resource");
      placement.node = item.node("node");
      const auto s = resource_state(item, item.find("state"));
      if (item.ok() && !s) item.fail("\"state\" must name a state");
      placement.state = s.value_or(model::ResourceState::failed);
      if (!item.ok()) return {std::nullopt, fmt::format("{}: {}", key, item.error())};
      list->push_back(std::move(placement));
    }
  }
  if (const json* probed = f.find("probed", false); probed != nullptr) {
    if (!probed->is_array()) f.fail("\"probed\" must be an array");
    m.probed.emplace();
    for (std::size_t i = 0; f.ok() && i < probed->size(); ++i) {
      m.probed->push_back(f.known("probed", f.checked_text((*probed)[i], "probed", 256), true));
    }
  }
  if (const json* departed = f.find("departed", false); departed != nullptr) {
    if (!departed->is_array()) f.fail("\"departed\" must be an array");
    for (std::size_t i = 0; f.ok() && i < departed->size(); ++i) {
      m.departed.push_back(f.known("departed", f.checked_text((*departed)[i], "departed", 256), true));
    }
  }
  const json* attributes = f.find("attributes", false);
  if (attributes != nullptr && !attributes->is_object()) f.fail("\"attributes\" must be an object");
  if (f.ok() && attributes != nullptr) {
    for (const auto& [name, value] : attributes->items()) {
      if (!value.is_string() || name.size() > 256 || value.get_ref<const std::string&>().size() > kMaxTextBytes) {
        return {std::nullopt, fmt::format("attribute \"{}\" must be a string of at most {} bytes", valid_utf8(name),
                                          kMaxTextBytes)};
      }
      m.attributes[valid_utf8(name)] = valid_utf8(value.get_ref<const std::string&>());
    }
  }
  if (const json* shutting = f.find("shutting_down", false); shutting != nullptr) {
    if (!shutting->is_array()) f.fail("\"shutting_down\" must be an array");
    for (std::size_t i = 0; f.ok() && i < shutting->size(); ++i) {
      Fields item((*shutting)[i], config);
      auto node = item.node("node");
      const auto kind = shutdown_kind(item);
      if (!item.ok()) return {std::nullopt, "shutting_down: " + item.error()};
      m.shutting_down.emplace_back(std::move(node), kind);
    }
  }
  // {resource, node} records; the first bad one rejects the report.
  auto records = [&](const char* key, auto& list) -> std::optional<std::string> {
    const json* found = f.find(key, false);
    if (found == nullptr) return std::nullopt;
    if (!found->is_array()) f.fail(fmt::format("\"{}\" must be an array", key));
    for (std::size_t i = 0; f.ok() && i < found->size(); ++i) {
      Fields item((*found)[i], config);
      auto resource = item.resource("resource");
      auto node = item.node("node");
      if (!item.ok()) return fmt::format("{}: {}", key, item.error());
      list.push_back({std::move(resource), std::move(node)});
    }
    return std::nullopt;
  };
  for (auto error : {records("frozen", m.frozen), records("returns", m.returns)}) {
    if (error) return {std::nullopt, std::move(*error)};
  }
  // Advisory (admission control reads it): an entry a reload has since made unknown is
  // dropped rather than costing the coordinator the whole report.
  if (const json* last_ran = f.find("last_ran", false); last_ran != nullptr) {
    if (!last_ran->is_array()) return {std::nullopt, "\"last_ran\" must be an array"};
    for (const auto& entry : *last_ran) {
      Fields item(entry, config);
      auto resource = item.text("resource");
      auto node = item.text("node");
      if (!item.ok()) return {std::nullopt, "last_ran: " + item.error()};
      if (config.resource(resource) && config.node(node)) m.last_ran.push_back({std::move(resource), std::move(node)});
    }
  }
  if (const json* maintenance = f.find("maintenance", false); maintenance != nullptr) {
    if (!maintenance->is_array()) f.fail("\"maintenance\" must be an array");
    for (std::size_t i = 0; f.ok() && i < maintenance->size(); ++i) {
      m.maintenance.push_back(f.known("maintenance", f.checked_text((*maintenance)[i], "maintenance", 256), true));
    }
  }
  const json* failcounts = f.find("failcounts", false);
  if (failcounts != nullptr && !failcounts->is_array()) f.fail("\"failcounts\" must be an array");
  if (f.ok() && failcounts != nullptr) {
    for (const auto& c : *failcounts) {
      Fields item(c, config);
      NodeReport::Failcount fc;
      fc.resource = item.resource("resource");
      fc.node = item.node("node");
      fc.count = static_cast<std::int32_t>(item.integer("count", 0, model::kInfinity));
      fc.last_failure = item.integer("last_failure", 0, kMaxTimestamp);
      if (!item.ok()) return {std::nullopt, "failcounts: " + item.error()};
      m.failcounts.push_back(std::move(fc));
    }
  }
  return {std::move(m), {}};
}

Decoded decode_checked(std::string_view type, const json& body, const Known& config) {
  Fields f(body, config);
  if (!f.ok()) return {std::nullopt, f.error()};
  Decoded d;
  if (type == "placement") {
    Placement m;
    m.resource = f.text("resource");
    m.node = f.node("node");
    m.state = resource_state(f, f.find("state"));
    // Only the end of a removed resource may be named once it is gone from the configuration.
    if (m.state) f.known("resource", m.resource, false);
    if (auto from = f.nullable_text("from")) m.from = f.known("from", *from, true);
    d.message = std::move(m);
  } else if (type == "failure") {
    Failure m;
    m.resource = f.resource("resource");
    m.node = f.node("node");
    m.count = static_cast<std::int32_t>(f.integer("count", 0, model::kInfinity));
    m.last_failure = f.integer("last_failure", 0, kMaxTimestamp);
    d.message = std::move(m);
  } else if (type == "failures_cleared") {
    FailuresCleared m;
    m.resource = f.resource("resource");
    auto node = f.nullable_text("node");
    if (node && !node->empty()) m.node = f.known("node", *node, true);
    d.message = std::move(m);
  } else if (type == "attribute") {
    Attribute m;
    m.node = f.node("node");
    m.name = f.text("name", 256);
    if (f.ok() && m.name.empty()) f.fail("\"name\" is empty");
    m.value = f.nullable_text("value");
    d.message = std::move(m);
  } else if (type == "fence_request") {
    d.message = FenceRequest{f.node("node")};
  } else if (type == "fenced") {
    d.message = Fenced{f.node("node")};
  } else if (type == "leaving") {
    Leaving m;
    m.node = f.node("node");
    m.kind = shutdown_kind(f);
    d.message = std::move(m);
  } else if (type == "left") {
    d.message = Left{f.node("node")};
  } else if (type == "maintenance") {
    Maintenance m;
    m.node = f.node("node");
    if (const json* on = f.find("on"); on != nullptr) {
      if (!on->is_boolean()) f.fail("\"on\" must be true or false");
      m.on = on->is_boolean() && on->get<bool>();
    }
    d.message = std::move(m);
  } else if (type == "config") {
    auto loaded = model::parse_cluster_document(body);
    if (!loaded.ok()) return {std::nullopt, loaded.error().to_string()};
    d.message = ConfigChange{std::move(loaded->config)};
  } else if (type == "monitor_failed") {
    MonitorFailed m;
    m.resource = f.resource("resource");
    m.node = f.node("node");
    m.result = f.result();
    d.message = std::move(m);
  } else if (type == "op_request") {
    d = decode_op_request(f);
  } else if (type == "op_result") {
    OpResult m;
    m.id = f.id("id");
    m.to = f.node("to");
    m.result = f.result();
    d.message = std::move(m);
  } else if (type == "sync_request") {
    d.message = SyncRequest{f.id("round")};
  } else if (type == "sync_busy") {
    SyncBusy m;
    m.round = f.id("round");
    m.node = f.node("node");
    d.message = std::move(m);
  } else if (type == "node_report") {
    d = decode_node_report(f, config);
  } else {
    return {std::nullopt, fmt::format("unknown message kind \"{}\"", valid_utf8(type))};
  }
  if (!f.ok()) return {std::nullopt, f.error()};
  return d;
}

}  // namespace

std::string_view type_name(const Message& message) noexcept {
  return std::visit(Overloaded{
                        [](const Placement&) { return std::string_view{"placement"}; },
                        [](const Failure&) { return std::string_view{"failure"}; },
                        [](const FailuresCleared&) { return std::string_view{"failures_cleared"}; },
                        [](const Attribute&) { return std::string_view{"attribute"}; },
                        [](const FenceRequest&) { return std::string_view{"fence_request"}; },
                        [](const Fenced&) { return std::string_view{"fenced"}; },
                        [](const ConfigChange&) { return std::string_view{"config"}; },
                        [](const MonitorFailed&) { return std::string_view{"monitor_failed"}; },
                        [](const OpRequest&) { return std::string_view{"op_request"}; },
                        [](const OpResult&) { return std::string_view{"op_result"}; },
                        [](const SyncRequest&) { return std::string_view{"sync_request"}; },
                        [](const SyncBusy&) { return std::string_view{"sync_busy"}; },
                        [](const NodeReport&) { return std::string_view{"node_report"}; },
                        [](const Leaving&) { return std::string_view{"leaving"}; },
                        [](const Left&) { return std::string_view{"left"}; },
                        [](const Maintenance&) { return std::string_view{"maintenance"}; },
                    },
                    message);
}

json encode_body(const Message& message) {
  return std::visit(
      Overloaded{
          [](const Placement& m) -> json {
            json j = {{"resource", m.resource},
                      {"node", m.node},
                      {"state", m.state ? json(model::to_string(*m.state)) : json(nullptr)}};
            if (m.from) j["from"] = *m.from;
            return j;
          },
          [](const Failure& m) -> json {
            return {{"resource", m.resource}, {"node", m.node}, {"count", m.count}, {"last_failure", m.last_failure}};
          },
          [](const FailuresCleared& m) -> json { return {{"resource", m.resource}, {"node", optional_text(m.node)}}; },
          [](const Attribute& m) -> json {
            return {{"node", m.node}, {"name", m.name}, {"value", optional_text(m.value)}};
          },
          [](const FenceRequest& m) -> json { return {{"node", m.node}}; },
          [](const Fenced& m) -> json { return {{"node", m.node}}; },
          [](const ConfigChange& m) -> json { return model::to_json(model::Cluster{m.config, {}}); },
          [](const MonitorFailed& m) -> json {
            json j = encode_result(m.result);
            j["resource"] = m.resource;
            j["node"] = m.node;
            return j;
          },
          [](const OpRequest& m) -> json {
            json j = {{"id", m.id},
                      {"to", m.to},
                      {"kind", executor::to_string(m.op.kind)},
                      {"resource", m.op.resource},
                      {"node", m.op.node},
                      {"peer", m.op.peer},
                      {"timeout_ms", m.op.timeout.count()}};
            if (m.op.kind == Operation::Kind::repair) j["action"] = m.op.action;
            return j;
          },
          [](const OpResult& m) -> json {
            json j = encode_result(m.result);
            j["id"] = m.id;
            j["to"] = m.to;
            return j;
          },
          [](const SyncRequest& m) -> json { return {{"round", m.round}}; },
          [](const SyncBusy& m) -> json { return {{"round", m.round}, {"node", m.node}}; },
          [](const NodeReport& m) -> json {
            auto list = [](const std::vector<model::ResourcePlacement>& from) {
              json out = json::array();
              for (const auto& p : from) {
                out.push_back({{"resource", p.resource}, {"node", p.node}, {"state", model::to_string(p.state)}});
              }
              return out;
            };
            json failcounts = json::array();
            for (const auto& f : m.failcounts) {
              failcounts.push_back(
                  {{"resource", f.resource}, {"node", f.node}, {"count", f.count}, {"last_failure", f.last_failure}});
            }
            json shutting = json::array();
            for (const auto& [node, kind] : m.shutting_down) {
              shutting.push_back({{"node", node}, {"kind", model::to_string(kind)}});
            }
            auto records = [](const auto& from) {
              json out = json::array();
              for (const auto& r : from) out.push_back({{"resource", r.resource}, {"node", r.node}});
              return out;
            };
            json j = {{"round", m.round},
                     {"coordinator", m.coordinator},
                     {"node", m.node},
                     {"placements", list(m.placements)},
                     {"elsewhere", list(m.elsewhere)},
                     {"departed", m.departed},
                     {"attributes", m.attributes},
                     {"failcounts", std::move(failcounts)},
                     {"shutting_down", std::move(shutting)},
                     {"frozen", records(m.frozen)},
                     {"maintenance", m.maintenance},
                     {"returns", records(m.returns)},
                     {"last_ran", records(m.last_ran)}};
            if (m.probed) j["probed"] = *m.probed;
            return j;
          },
          [](const Leaving& m) -> json { return {{"node", m.node}, {"kind", model::to_string(m.kind)}}; },
          [](const Left& m) -> json { return {{"node", m.node}}; },
          [](const Maintenance& m) -> json { return {{"node", m.node}, {"on", m.on}}; },
      },
      message);
}

Known::Known(const model::Config& config) {
  nodes_.reserve(config.nodes.size());
  for (const auto& n : config.nodes) nodes_.insert(n.id);
  resources_.reserve(config.resources.size());
  for (const auto& r : config.resources) resources_.insert(r.id);
}

Decoded decode(std::string_view type, const json& body, const Known& known) noexcept {
  try {
    return decode_checked(type, body, known);
  } catch (const std::exception& e) {  // allocation failure; every field access above is checked
    return {std::nullopt, fmt::format("cannot decode: {}", e.what())};
  }
}

Decoded decode(std::string_view type, const json& body, const model::Config& config) noexcept {
  try {
    return decode(type, body, Known(config));
  } catch (const std::exception& e) {
    return {std::nullopt, fmt::format("cannot decode: {}", e.what())};
  }
}

}  // namespace wholesale_ha::protocol
