#include "value_rules.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

namespace wholesale_ha::model::detail {

std::string expected_integer(IntRange range) {
  if (range.min > kInt32Min && range.max >= kInt32Max) {
    return fmt::format("expected integer >= {}", range.min);
  }
  if (range.min > kInt32Min) return fmt::format("expected integer between {} and {}", range.min, range.max);
  return "expected integer";
}

bool is_valid_id(std::string_view id) noexcept {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '-';
  };
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), allowed);
}

std::string invalid_id_message(std::string_view id, std::string_view got) {
  if (id.size() > kMaxIdLength) {
    return fmt::format("id is {} bytes long; the limit is {} bytes", id.size(), kMaxIdLength);
  }
  return fmt::format("invalid id {}: use one or more letters, digits, '_', '.', ':' or '-'", got);
}

std::string unary_with_value_message(RuleOperator op) {
  return fmt::format("operator \"{}\" takes no value; remove \"value\"", to_string(op));
}

std::string missing_value_message(RuleOperator op) {
  return fmt::format("operator \"{}\" needs a \"value\" to compare with", to_string(op));
}

}  // namespace wholesale_ha::model::detail
