#include "settings.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "../params.hpp"

namespace wholesale_ha::agents::openvz {
namespace {

using detail::ParamKind;

constexpr const char* kAddressPrefix = "target_address.";

const std::vector<detail::ParamSpec>& specs() {
  static const std::vector<detail::ParamSpec> s = {
      {"ctid", true, ParamKind::string},         {"migrate_online", false, ParamKind::boolean},
      {"migration", false, ParamKind::string},   {"chkpnt_dir", false, ParamKind::string},
      {"stop_timeout", false, ParamKind::duration},
  };
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Names reach the tools as one argument each: a leading '-' would read as an option, and
/// anything beyond these characters is not a valid container name or UUID anyway.
bool name_like(const std::string& s, bool braces) {
  if (s.empty() || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-';
    return plain || (braces && (c == '{' || c == '}'));
  });
}

/// Host names, IPv4/IPv6 addresses, user@host and host:port, as the tools accept them.
bool address_like(const std::string& s) {
  if (s.empty() || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view{"_.-:@[]"}.find(c) != std::string_view::npos;
  });
}

/// vzctl(8): "CT ID <= 100 are reserved for OpenVZ internal purposes. A numeric ID should not
/// be more than 2147483644."
std::optional<std::string> numeric_ctid_problem(const std::string& ctid) {
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(ctid.data(), ctid.data() + ctid.size(), value);
  if (ec != std::errc{} || end != ctid.data() + ctid.size() || value > 2147483644ULL) {
    return fmt::format("CT ID {} is out of range (at most 2147483644)", ctid);
  }
  if (value <= 100) return fmt::format("CT IDs up to 100 are reserved by OpenVZ, got {}", ctid);
  return std::nullopt;
}

}  // namespace

std::vector<Diagnostic> validate(const model::Resource& resource, const std::string& pointer,
                                        OpenvzFlavour flavour) {
  auto out = detail::check_params(resource, pointer, specs(), {kAddressPrefix});
  auto error = [&](Errc code, const std::string& param, std::string message) {
    out.push_back(Diagnostic::error(code, pointer + "/params/" + param, std::move(message)));
  };
  const bool virtuozzo = flavour == OpenvzFlavour::virtuozzo;
  if (auto ctid = detail::string_param(resource, "ctid"); ctid && !ctid->empty()) {
    if (all_digits(*ctid)) {
      if (!virtuozzo) {
        if (auto problem = numeric_ctid_problem(*ctid)) error(Errc::invalid_value, "ctid", *problem);
      }
    } else if (!name_like(*ctid, virtuozzo)) {
      error(Errc::invalid_value, "ctid", fmt::format("expected a numeric CT ID or a container name (letters, digits, '_', '.', '-'{}), "
                                "got \"{}\"",
                                virtuozzo ? ", or a {UUID}" : "", *ctid));
    }
  }
  const auto migration = detail::string_param(resource, "migration").value_or("vzmigrate");
  if (migration == "checkpoint") {
    if (virtuozzo) {
      error(Errc::invalid_value, "migration", "migration \"checkpoint\" uses vzctl chkpnt/restore and needs the openvz flavour");
    }
    if (detail::string_param(resource, "chkpnt_dir").value_or("").empty()) {
      error(Errc::invalid_value, "migration", "migration \"checkpoint\" needs chkpnt_dir: a dump directory every node shares");
    }
  } else if (migration != "vzmigrate") {
    error(Errc::invalid_value, "migration", fmt::format("expected \"vzmigrate\" or \"checkpoint\", got \"{}\"", migration));
  }
  for (const auto& [name, value] : resource.params) {
    if (!name.starts_with(kAddressPrefix)) continue;
    if (name.size() == std::string_view{kAddressPrefix}.size()) {
      error(Errc::invalid_value, name, "expected target_address.<node>");
    } else if (!address_like(value)) {
      error(Errc::invalid_value, name, fmt::format("expected a host name or address, got \"{}\"", value));
    } else if (!virtuozzo && value.find('@') != std::string::npos) {
      // vzmigrate logs in as root@<destination> itself.
      error(Errc::invalid_value, name, fmt::format("vzmigrate connects as root@<address>: give the host only, got \"{}\"", value));
    }
  }
  return out;
}

Settings settings_of(const model::Resource& resource) {
  Settings s;
  s.ctid = resource.params.at("ctid");
  s.numeric_ctid = all_digits(s.ctid);
  s.online = detail::bool_param(resource, "migrate_online", true);
  s.migration = detail::string_param(resource, "migration").value_or("vzmigrate") == "checkpoint"
                    ? Migration::checkpoint
                    : Migration::tool;
  s.chkpnt_dir = detail::string_param(resource, "chkpnt_dir").value_or("");
  if (resource.params.contains("stop_timeout")) {
    s.stop_timeout = detail::duration_param(resource, "stop_timeout", model::Duration{0});
  }
  const std::string_view prefix{kAddressPrefix};
  for (const auto& [name, value] : resource.params) {
    if (name.starts_with(prefix)) s.target_addresses[name.substr(prefix.size())] = value;
  }
  return s;
}

std::string dump_file(const Settings& settings) {
  // vzctl's own dump files are named Dump.<CTID> (vzmigrate(8) copies $DUMPDIR/Dump.$VEID).
  return settings.chkpnt_dir + "/Dump." + settings.ctid;
}

}  // namespace wholesale_ha::agents::openvz
