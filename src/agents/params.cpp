#include "params.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include <fmt/format.h>

#include <wholesale_ha/utf8.hpp>

#include "../model/json_reader.hpp"
#include "process/health_checks.hpp"

namespace wholesale_ha::agents::detail {

std::vector<Diagnostic> check_params(const model::Resource& resource, const std::string& pointer,
                                            const std::vector<ParamSpec>& specs,
                                            const std::vector<std::string>& open_prefixes) {
  std::vector<Diagnostic> out;
  auto error = [&](Errc code, std::string where, std::string message) {
    out.push_back(Diagnostic::error(code, std::move(where), std::move(message)));
  };
  std::vector<std::string> names;
  for (const auto& spec : specs) names.push_back(spec.name);
  for (const auto& [name, value] : resource.params) {
    const std::string at = pointer + "/params/" + name;
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      const bool open = std::any_of(open_prefixes.begin(), open_prefixes.end(),
                                    [&](const std::string& p) { return name.starts_with(p); });
      if (open) continue;
      std::string hint = model::detail::suggestion(name, names);
      error(Errc::unknown_field, at, fmt::format("unknown parameter for backend \"{}\" ({})", resource.backend,
                            hint.empty() ? fmt::format("accepted: {}", fmt::join(names, ", ")) : hint));
      continue;
    }
    switch (spec->kind) {
      case ParamKind::duration:
        if (!model::parse_duration(value)) {
          error(Errc::invalid_value, at, fmt::format("expected a duration like \"30s\" or \"500ms\", got \"{}\"", value));
        }
        break;
      case ParamKind::address:
        if (!split_host_port(value)) error(Errc::invalid_value, at, fmt::format("expected host:port, got \"{}\"", value));
        break;
      case ParamKind::url:
        if (!value.starts_with("http://")) {
          error(Errc::invalid_value, at, fmt::format("expected an http:// URL, got \"{}\"", value));
        }
        break;
      case ParamKind::boolean:
        if (value != "true" && value != "false") {
          error(Errc::invalid_value, at, fmt::format("expected true or false, got \"{}\"", value));
        }
        break;
      case ParamKind::integer:
        // Within int64, so that converting it later (std::stoull and the like) cannot throw.
        if (std::int64_t n = 0; value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
                                std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc{}) {
          error(Errc::invalid_value, at, fmt::format("expected a non-negative integer of at most 9223372036854775807, got \"{}\"",
                                valid_utf8(value.substr(0, 40))));
        }
        break;
      case ParamKind::string:
        if (spec->required && value.empty()) error(Errc::invalid_value, at, "must not be empty");
        break;
    }
  }
  for (const auto& spec : specs) {
    if (spec.required && !resource.params.contains(spec.name)) {
      error(Errc::missing_field, pointer + "/params", fmt::format("missing required parameter \"{}\" for backend \"{}\"",
                                             spec.name, resource.backend));
    }
  }
  return out;
}

model::Duration duration_param(const model::Resource& resource, const std::string& name,
                               model::Duration fallback) {
  auto it = resource.params.find(name);
  if (it == resource.params.end()) return fallback;
  return model::parse_duration(it->second).value_or(fallback);
}

bool bool_param(const model::Resource& resource, const std::string& name, bool fallback) {
  auto it = resource.params.find(name);
  if (it == resource.params.end()) return fallback;
  return it->second == "true";
}

std::optional<std::string> string_param(const model::Resource& resource, const std::string& name) {
  auto it = resource.params.find(name);
  if (it == resource.params.end()) return std::nullopt;
  return it->second;
}

}  // namespace wholesale_ha::agents::detail
