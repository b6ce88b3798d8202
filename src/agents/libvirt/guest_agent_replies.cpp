#include "guest_agent_replies.hpp"

#include <fmt/format.h>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::agents::libvirt {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxReplyBytes = 1 << 20;
constexpr std::size_t kMaxReplyDepth = 16;
constexpr std::size_t kMaxOutputBytes = 1024;
constexpr std::size_t kMaxAddresses = 64;

/// `object[key]` when `object` is an object holding a value of the wanted kind.
const json* member(const json& object, const char* key, json::value_t kind) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  const bool integer = kind == json::value_t::number_integer &&
                       (it->is_number_integer() || it->is_number_unsigned());
  return integer || it->type() == kind ? &*it : nullptr;
}

std::optional<std::int64_t> integer(const json& object, const char* key) {
  const json* v = member(object, key, json::value_t::number_integer);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return v->is_number_unsigned() ? static_cast<std::int64_t>(v->get<std::uint64_t>()) : v->get<std::int64_t>();
}

std::string text_of(const json& object, const char* key) {
  const json* v = member(object, key, json::value_t::string);
  return v == nullptr ? std::string{} : v->get<std::string>();
}

}  // namespace

AgentReturn parse_agent_reply(std::string_view text) {
  if (text.size() > kMaxReplyBytes) return {std::nullopt, fmt::format("a reply of {} bytes is too large", text.size())};
  if (json_too_deep(text, kMaxReplyDepth)) return {std::nullopt, "a reply nests too deep"};
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("return")) {
    return {std::nullopt, fmt::format("not a result: {}", valid_utf8(utf8_prefix(text, 200)))};
  }
  return {std::move(parsed["return"]), {}};
}

std::optional<std::int64_t> exec_pid(const json& value) {
  auto pid = integer(value, "pid");
  if (!pid || *pid < 0) return std::nullopt;
  return pid;
}

std::optional<ExecStatus> exec_status(const json& value) {
  if (!value.is_object()) return std::nullopt;
  ExecStatus out;
  if (const json* exited = member(value, "exited", json::value_t::boolean)) out.exited = exited->get<bool>();
  if (!out.exited) return out;
  const auto code = integer(value, "exitcode");
  out.exit_code = code && *code >= 0 && *code < 256 ? static_cast<int>(*code) : -1;
  std::string output;
  for (const char* key : {"out-data", "err-data"}) {
    if (auto decoded = decode_base64(text_of(value, key))) output += *decoded;
  }
  out.output = valid_utf8(utf8_prefix(output, kMaxOutputBytes));
  return out;
}

std::vector<std::string> ipv4_addresses(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& interface : value) {
    if (text_of(interface, "name") == "lo") continue;
    const json* addresses = member(interface, "ip-addresses", json::value_t::array);
    if (addresses == nullptr) continue;
    for (const auto& address : *addresses) {
      if (text_of(address, "ip-address-type") != "ipv4") continue;
      const std::string ip = text_of(address, "ip-address");
      if (ip.empty() || ip.size() > 15 || ip.starts_with("127.")) continue;
      if (ip.find_first_not_of("0123456789.") != std::string::npos) continue;  // only what an IPv4 address holds
      out.push_back(ip);
      if (out.size() == kMaxAddresses) return out;
    }
  }
  return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding > 0) return std::nullopt;  // a stray byte, or data after padding
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFU));
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

}  // namespace wholesale_ha::agents::libvirt
