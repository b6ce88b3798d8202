#include "request.hpp"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wha_node {

using nlohmann::json;

namespace {

/// Outside text shown back in a message: short and valid UTF-8.
std::string excerpt(std::string_view text) {
  constexpr std::size_t shown = 64;
  std::string out = "\"" + wholesale_ha::valid_utf8(text.substr(0, shown));
  return out + (text.size() > shown ? "...\"" : "\"");
}

/// "a number", "an array", ... for messages.
std::string describe(const json& v) {
  const std::string name = v.type_name();
  return (name == "array" || name == "object" ? "an " : "a ") + name;
}

/// Reads the keys of one request object; remembers the first problem and every key read,
/// so that keys no command knows can be reported.
class Decoder {
 public:
  explicit Decoder(const json& object) : object_(object) {}

  std::string text(const char* key) {
    if (const json* v = find(key, true)) return check_text(key, *v).value_or("");
    return {};
  }
  std::optional<std::string> optional_text(const char* key) {
    const json* v = find(key, false);
    return v ? check_text(key, *v) : std::nullopt;
  }
  /// A required key whose value is a string or null.
  std::optional<std::string> text_or_null(const char* key) {
    const json* v = find(key, true);
    return v && !v->is_null() ? check_text(key, *v, " or null") : std::nullopt;
  }
  bool flag(const char* key, bool fallback) {
    const json* v = find(key, false);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(fmt::format("\"{}\" must be true or false, got {}", key, describe(*v)));
    return v->is_boolean() ? v->get<bool>() : fallback;
  }

  /// The first problem, unknown keys included; nullopt when the request is well-formed.
  std::optional<RequestError> finish() {
    for (const auto& [key, value] : object_.items()) {
      if (!known_.contains(key)) fail(fmt::format("unknown key {}", excerpt(key)));
    }
    if (error_.empty()) return std::nullopt;
    return RequestError{error_};
  }
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  const json* find(const char* key, bool required) {
    known_.insert(key);
    auto it = object_.find(key);
    if (it != object_.end()) return &*it;
    if (required) fail(fmt::format("missing key \"{}\"", key));
    return nullptr;
  }
  std::optional<std::string> check_text(const char* key, const json& v, const char* alternative = "") {
    if (!v.is_string()) {
      fail(fmt::format("\"{}\" must be a string{}, got {}", key, alternative, describe(v)));
      return std::nullopt;
    }
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > max_field_bytes) {
      fail(fmt::format("\"{}\" is {} bytes long, the limit is {}", key, s.size(), max_field_bytes));
      return std::nullopt;
    }
    if (s.find('\0') != std::string::npos) {
      fail(fmt::format("\"{}\" contains a NUL character", key));
      return std::nullopt;
    }
    return s;  // the parser has already checked that it is valid UTF-8
  }
  const json& object_;
  std::set<std::string, std::less<>> known_;
  std::string error_;
};

std::variant<Request, RequestError> decode(const json& doc) {
  if (!doc.is_object()) {
    return RequestError{"a request must be a JSON object, got " + describe(doc)};
  }
  auto cmd_it = doc.find("cmd");
  if (cmd_it == doc.end()) return RequestError{"missing key \"cmd\""};
  if (!cmd_it->is_string()) return RequestError{"\"cmd\" must be a string, got " + describe(*cmd_it)};
  const auto& cmd = cmd_it->get_ref<const std::string&>();

  Decoder d{doc};
  d.optional_text("cmd");
  Request request;
  if (cmd == "status") {
    request = StatusRequest{};
  } else if (cmd == "attribute") {
    AttributeRequest r;
    r.node = d.text("node");
    r.name = d.text("name");
    r.value = d.text_or_null("value");
    request = std::move(r);
  } else if (cmd == "move") {
    MoveRequest r;
    r.resource = d.text("resource");
    r.node = d.text("node");
    r.offline = d.flag("offline", false);
    request = std::move(r);
  } else if (cmd == "standby") {
    StandbyRequest r;
    r.node = d.text("node");
    r.on = d.flag("on", true);
    request = std::move(r);
  } else if (cmd == "maintenance") {
    MaintenanceRequest r;
    r.node = d.text("node");
    r.on = d.flag("on", true);
    request = std::move(r);
  } else if (cmd == "clear") {
    ClearRequest r;
    r.resource = d.text("resource");
    r.node = d.optional_text("node");
    if (r.node && r.node->empty()) r.node.reset();  // "" has always meant every node
    request = std::move(r);
  } else if (cmd == "role") {
    RoleRequest r;
    r.resource = d.text("resource");
    const auto role = d.text("role");
    if (role == "stopped") {
      r.role = wholesale_ha::model::TargetRole::stopped;
    } else if (role != "started") {
      d.fail(fmt::format("\"role\" must be \"started\" or \"stopped\", got {}", excerpt(role)));
    }
    request = std::move(r);
  } else if (cmd == "reload") {
    request = ReloadRequest{};
  } else {
    return RequestError{fmt::format("unknown command {} (expected status, attribute, move, standby, maintenance, clear, role or reload)",
                                    excerpt(cmd))};
  }
  if (auto error = d.finish()) return *error;
  return request;
}

}  // namespace

std::variant<Request, RequestError> parse_request(std::string_view line) {
  if (line.size() >= max_request_bytes) {
    return RequestError{fmt::format("request is {} bytes long, the limit is {} bytes", line.size() + 1,
                                    max_request_bytes)};
  }
  // A request is one flat object. Deeper values are refused before parsing: nlohmann's
  // parser callback below rescans an array each time one of its elements closes.
  if (wholesale_ha::json_too_deep(line, 2)) {
    return RequestError{"request nests arrays or objects; it is one object of strings, numbers, booleans or null"};
  }
  // A duplicate key would otherwise silently keep its last value.
  std::set<std::string, std::less<>> keys;
  std::string duplicate;
  const json::parser_callback_t note_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && parsed.is_string() &&
        !keys.insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json doc;
  try {
    doc = json::parse(line.begin(), line.end(), note_keys);
  } catch (const json::exception& e) {
    std::string_view what = e.what();
    if (auto end = what.find("] "); what.starts_with("[json.exception.") && end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return RequestError{"request is not JSON: " + wholesale_ha::valid_utf8(what)};
  }
  if (!duplicate.empty()) return RequestError{fmt::format("key {} appears twice", excerpt(duplicate))};
  return decode(doc);
}

bool is_command(const Request& request) { return !std::holds_alternative<StatusRequest>(request); }

}  // namespace wha_node
