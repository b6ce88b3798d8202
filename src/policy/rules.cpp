#include "rules.hpp"

#include <charconv>
#include <cstdint>
#include <optional>

namespace wholesale_ha::policy::detail {
namespace {

std::optional<std::int64_t> as_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

/// <0, 0, >0 like strcmp; numeric when both sides are integers.
int compare(std::string_view a, std::string_view b) {
  auto x = as_integer(a);
  auto y = as_integer(b);
  if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  return a.compare(b);
}

bool expression_matches(const model::RuleExpression& e, const model::Attributes& attributes) {
  auto it = attributes.find(e.attribute);
  using Op = model::RuleOperator;
  if (e.op == Op::defined) return it != attributes.end();
  if (e.op == Op::not_defined) return it == attributes.end();
  if (it == attributes.end()) return e.op == Op::ne;  // an absent attribute equals nothing
  const int c = compare(it->second, e.value.value_or(""));
  switch (e.op) {
    case Op::eq: return c == 0;
    case Op::ne: return c != 0;
    case Op::lt: return c < 0;
    case Op::lte: return c <= 0;
    case Op::gt: return c > 0;
    case Op::gte: return c >= 0;
    case Op::defined:
    case Op::not_defined: break;
  }
  return false;
}

}  // namespace

bool rule_matches(const model::Rule& rule, const model::Attributes& attributes) {
  if (rule.boolean_op == model::BooleanOperator::and_) {
    for (const auto& e : rule.expressions) {
      if (!expression_matches(e, attributes)) return false;
    }
    return !rule.expressions.empty();
  }
  for (const auto& e : rule.expressions) {
    if (expression_matches(e, attributes)) return true;
  }
  return false;
}

}  // namespace wholesale_ha::policy::detail
