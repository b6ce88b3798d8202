#pragma once
// Human text for what the rules found: the facts, not the rule that matched.

#include <span>
#include <string>
#include <string_view>

#include <wholesale_ha/health/rules.hpp>

namespace wholesale_ha::health::detail {

/// "12", "0.59", "-3.5": integers without decimals, others with at most two.
std::string format_number(double value);

/// "sda (ST4000DM000): reallocated sectors 12 (+8 in 1h), pending sectors 3; sdb: ...",
/// or "ok: sda, sdb" when there is nothing to report.
std::string describe_findings(std::span<const Rule> rules, const Sample& latest,
                              std::span<const Finding> findings);

}  // namespace wholesale_ha::health::detail
