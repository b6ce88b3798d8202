#pragma once
// Declared parameters of a backend, checked against a resource's params at config load.

#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/result.hpp>
#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/resource.hpp>

namespace wholesale_ha::agents::detail {

enum class ParamKind { string, duration, address, url, boolean, integer };

struct ParamSpec {
  std::string name;
  bool required = false;
  ParamKind kind = ParamKind::string;
};

/// Unknown parameters (with a did-you-mean), missing required ones, and values of the wrong
/// form. Parameters named `<prefix>*` for a prefix in `open_prefixes` are always accepted
/// ("env." for environment variables).
std::vector<Diagnostic> check_params(const model::Resource& resource, const std::string& pointer,
                                            const std::vector<ParamSpec>& specs,
                                            const std::vector<std::string>& open_prefixes = {});

/// A duration parameter, or `fallback` when unset (values were validated at load).
model::Duration duration_param(const model::Resource& resource, const std::string& name,
                               model::Duration fallback);

std::optional<std::string> string_param(const model::Resource& resource, const std::string& name);

/// "true"/"yes"/"1"/"on" (any case) → true; anything else, or unset, → `fallback`.
bool bool_param(const model::Resource& resource, const std::string& name, bool fallback);

}  // namespace wholesale_ha::agents::detail
