#pragma once
// Limits on single values. The JSON reader and validate() (clusters built in code) both apply
// them, so a file and a cluster built in code are held to the same rules.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <wholesale_ha/model/constraint.hpp>
#include <wholesale_ha/model/score.hpp>

namespace wholesale_ha::model::detail {

struct IntRange {
  std::int64_t min;
  std::int64_t max;
};

inline constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
inline constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

inline constexpr IntRange kMigrationThreshold{0, kInfinity};
inline constexpr IntRange kMaxRestart{0, kInfinity};
inline constexpr IntRange kMaxRelocate{-1, kInfinity};
inline constexpr IntRange kPriority{kInt32Min, kInt32Max};
inline constexpr IntRange kMigrationLimit{-1, kInt32Max};
/// failover_capacity.hosts: 0 is "mode not chosen", so a file that names it asks for at least 1.
inline constexpr IntRange kFailoverHosts{1, kInt32Max};
inline constexpr IntRange kCloneMax{0, kInt32Max};
inline constexpr IntRange kCloneNodeMax{1, kInt32Max};
inline constexpr IntRange kRecoveryAttempts{1, 1000};
inline constexpr IntRange kFailCount{0, kInfinity};
inline constexpr IntRange kTimestamp{0, kInt64Max};
/// Capacity and utilization amounts.
inline constexpr IntRange kAmount{0, kInt64Max};

[[nodiscard]] constexpr bool in_range(std::int64_t value, IntRange range) noexcept {
  return value >= range.min && value <= range.max;
}

/// "expected integer >= 0", "expected integer between 0 and 1000000", "expected integer".
std::string expected_integer(IntRange range);

/// Ids name things in logs, events, messages between nodes and the CIB: longer ones are
/// refused rather than carried everywhere.
inline constexpr std::size_t kMaxIdLength = 256;

/// Ids: letters, digits and _ . : - ; not empty, at most kMaxIdLength bytes.
[[nodiscard]] bool is_valid_id(std::string_view id) noexcept;
/// Why `id` is not valid; `got` is the value as the message shows it ("\"n 1\"").
std::string invalid_id_message(std::string_view id, std::string_view got);

inline constexpr std::string_view kZeroInterval = "a monitor interval must be greater than 0";
inline constexpr std::string_view kZeroTimeout = "a timeout must be greater than 0";
inline constexpr std::string_view kEmptyRule = "a rule needs at least one expression";
/// Unary operators (defined, not_defined) take no value, the others need one.
[[nodiscard]] constexpr bool is_unary(RuleOperator op) noexcept {
  return op == RuleOperator::defined || op == RuleOperator::not_defined;
}
std::string unary_with_value_message(RuleOperator op);
std::string missing_value_message(RuleOperator op);

}  // namespace wholesale_ha::model::detail
