#include "node_config.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <set>

#include <grp.h>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/json_document.hpp>

#include "default_socket.hpp"
#include "socket_file.hpp"

namespace wha_node {

using nlohmann::json;

namespace {

/// Reads keys of one object, noting wrong types and unknown keys with their path.
class Reader {
 public:
  Reader(const json& object, std::string path, std::vector<std::string>& errors)
      : object_(object), path_(std::move(path)), errors_(errors) {
    if (!object_.is_object()) errors_.push_back(path_ + ": expected an object");
  }
  ~Reader() {
    if (!object_.is_object()) return;
    for (const auto& [key, value] : object_.items()) {
      if (!known_.contains(key)) errors_.push_back(path_ + "/" + key + ": unknown key");
    }
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void string(const char* key, std::string& out, bool required = false) {
    known_.insert(key);
    if (!object_.is_object() || !object_.contains(key)) {
      if (required) errors_.push_back(path_ + ": missing required key \"" + key + "\"");
      return;
    }
    if (!object_[key].is_string()) return errors_.push_back(path_ + "/" + key + ": expected a string");
    out = object_[key].get<std::string>();
  }
  void boolean(const char* key, bool& out) {
    known_.insert(key);
    if (!object_.is_object() || !object_.contains(key)) return;
    if (!object_[key].is_boolean()) return errors_.push_back(path_ + "/" + key + ": expected true or false");
    out = object_[key].get<bool>();
  }
  void duration(const char* key, std::chrono::milliseconds& out) {
    std::string text;
    known_.insert(key);
    if (!object_.is_object() || !object_.contains(key)) return;
    const json& v = object_[key];
    // Whole seconds that fit in milliseconds: a negative or huge count overflowed (undefined).
    constexpr auto kMaxSeconds = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 1000);
    if (v.is_number_integer() && (v.is_number_unsigned() || v.get<std::int64_t>() >= 0) &&
        v.get<std::uint64_t>() <= kMaxSeconds) {
      out = std::chrono::seconds{v.get<std::int64_t>()};
    } else if (v.is_string() && wholesale_ha::model::parse_duration(v.get<std::string>())) {
      out = *wholesale_ha::model::parse_duration(v.get<std::string>());
    } else {
      errors_.push_back(path_ + "/" + key + ": expected a duration like \"10s\"");
    }
  }
  void strings(const char* key, std::vector<std::string>& out) {
    known_.insert(key);
    if (!object_.is_object() || !object_.contains(key)) return;
    if (!object_[key].is_array()) return errors_.push_back(path_ + "/" + key + ": expected an array of strings");
    out.clear();
    for (const auto& v : object_[key]) {
      if (!v.is_string()) return errors_.push_back(path_ + "/" + key + ": expected an array of strings");
      out.push_back(v.get<std::string>());
    }
  }
  void string_map(const char* key, std::map<std::string, std::string>& out) {
    known_.insert(key);
    if (!object_.is_object() || !object_.contains(key)) return;
    const json& v = object_[key];
    if (!v.is_object()) return errors_.push_back(path_ + "/" + key + ": expected an object of strings");
    for (const auto& [k, item] : v.items()) {
      if (!item.is_string()) return errors_.push_back(path_ + "/" + key + "/" + k + ": expected a string");
      out[k] = item.get<std::string>();
    }
  }
  const json* child(const char* key) {
    known_.insert(key);
    return object_.is_object() && object_.contains(key) ? &object_[key] : nullptr;
  }

 private:
  const json& object_;
  std::string path_;
  std::vector<std::string>& errors_;
  std::set<std::string> known_;
};

/// "0660" (a string: JSON has no octal numbers) -> 0660.
std::optional<mode_t> parse_mode(const std::string& text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 8);
  if (text.empty() || text.size() > 4 || ec != std::errc{} || ptr != end || value > 0777) return std::nullopt;
  return static_cast<mode_t>(value);
}

/// A group name or number, looked up now so that a typo stops the daemon at startup.
std::optional<gid_t> parse_group(const std::string& text) {
  std::vector<char> scratch(16 * 1024);
  group g{};
  group* found = nullptr;
  if (::getgrnam_r(text.c_str(), &g, scratch.data(), scratch.size(), &found) == 0 && found) return found->gr_gid;
  unsigned long id = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (!text.empty() && ec == std::errc{} && ptr == end && id < static_cast<gid_t>(-1)) return static_cast<gid_t>(id);
  return std::nullopt;
}

}  // namespace

std::optional<NodeConfig::Listen> parse_listen(const std::string& text, std::string& error) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    error = "expected ADDRESS:PORT like \"127.0.0.1:9464\" or \"[::1]:9464\", got \"" + text + "\"";
    return std::nullopt;
  }
  std::string address = text.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  boost::system::error_code ec;
  boost::asio::ip::make_address(address, ec);
  if (ec || address.empty()) {
    error = "\"" + address + "\" is not an IP address (a name is not resolved: give the address)";
    return std::nullopt;
  }
  unsigned port = 0;
  const std::string digits = text.substr(colon + 1);
  auto [ptr, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || perr != std::errc{} || ptr != digits.data() + digits.size() || port == 0 || port > 65535) {
    error = "the port must be a number from 1 to 65535, got \"" + digits + "\"";
    return std::nullopt;
  }
  return NodeConfig::Listen{address, static_cast<std::uint16_t>(port)};
}

std::optional<NodeConfig> load_node_config(const std::string& path, std::vector<std::string>& errors) {
  // The cluster file's limits: size, nesting, NUL bytes, duplicate keys, located errors.
  auto loaded = wholesale_ha::model::load_json_document(path);
  if (!loaded.ok()) {
    for (const auto& d : loaded.errors()) {
      std::string text = d.pointer.empty() ? d.message : d.to_string();
      if (text.starts_with(path + ": ")) text.erase(0, path.size() + 2);  // the caller names it
      errors.push_back(std::move(text));
    }
    return std::nullopt;
  }
  const json& doc = *loaded;
  NodeConfig c;
  {
    Reader r{doc, "", errors};
    r.string("cluster", c.cluster_file, true);
    r.string("socket", c.socket);
    std::string mode, group;
    r.string("socket_mode", mode);
    r.string("socket_group", group);
    r.boolean("socket_readonly_others", c.socket_readonly_others);
    if (!mode.empty()) {
      if (auto m = parse_mode(mode)) {
        c.socket_mode = *m;
      } else {
        errors.push_back("/socket_mode: expected octal permission bits like \"0660\", got \"" + mode + "\"");
      }
    }
    if (!group.empty()) {
      c.socket_group = parse_group(group);
      if (!c.socket_group) errors.push_back("/socket_group: no group named \"" + group + "\"");
    }
    r.string("log_file", c.log_file);
    r.string("group", c.group);
    r.string("health", c.health_file);
    r.string("ocf_root", c.ocf_root);
    r.string("ocf_state_dir", c.ocf_state_dir);
    r.duration("startup_grace", c.startup_grace);
    r.duration("sync_timeout", c.sync_timeout);
    r.duration("leave_timeout", c.leave_timeout);
    r.string("shutdown_kind", c.shutdown_kind);
    std::string metrics;
    r.string("metrics_listen", metrics);
    if (!metrics.empty()) {
      std::string problem;
      c.metrics = parse_listen(metrics, problem);
      if (!c.metrics) errors.push_back("/metrics_listen: " + problem);
    }
    if (const json* f = r.child("fencing")) {
      Reader fr{*f, "/fencing", errors};
      fr.string("type", c.fencing.type);
      fr.string("program", c.fencing.program);
      fr.strings("args", c.fencing.args);
      fr.duration("deadline", c.fencing.deadline);
    }
    if (const json* l = r.child("libvirt")) {
      Reader lr{*l, "/libvirt", errors};
      c.libvirt.enabled = true;
      lr.string_map("node_uris", c.libvirt.node_uris);
      lr.string_map("peer_uris", c.libvirt.peer_uris);
    }
  }
  if (c.shutdown_kind != "auto" && c.shutdown_kind != "poweroff" && c.shutdown_kind != "reboot") {
    errors.push_back("/shutdown_kind: expected \"auto\", \"poweroff\" or \"reboot\", got \"" + c.shutdown_kind + "\"");
  }
  const std::set<std::string> types = {"command", "self", "none"};
  if (!types.contains(c.fencing.type)) {
    errors.push_back("/fencing/type: expected \"command\", \"self\" or \"none\", got \"" + c.fencing.type + "\"");
  }
  if (c.fencing.type == "command" && c.fencing.program.empty()) {
    errors.push_back("/fencing: type \"command\" needs \"program\"");
  }
  if (!c.socket.empty()) {
    if (auto problem = check_socket_path(c.socket)) errors.push_back("/socket: " + *problem);
  }
  if (!errors.empty()) return std::nullopt;
  return c;
}

}  // namespace wha_node
