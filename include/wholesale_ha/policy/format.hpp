#pragma once
// Transitions and explanations for people (text, Graphviz) and programs (JSON).

#include <string>

#include <nlohmann/json_fwd.hpp>

#include <wholesale_ha/policy/planner.hpp>
#include <wholesale_ha/policy/survivability.hpp>
#include <wholesale_ha/policy/transition.hpp>

namespace wholesale_ha::policy {

/// {"actions": [{"id", "kind", "resource", "node", "target", "reason": {"code", "text"},
///   "after": [ids]}], "changes": [...], "notices": [...]}
nlohmann::json to_json(const Transition& transition);

/// The transition summary (one line per change with its reason), the actions in an order
/// that respects the edges with what each waits for, and the notices.
std::string format_transition(const Transition& transition);

/// A Graphviz digraph of the actions and their edges.
std::string to_dot(const Transition& transition);

nlohmann::json to_json(const Explanation& explanation);
/// Per node: total, eligibility and every contribution with its source.
std::string format_explanation(const Explanation& explanation);

/// {"k", "tolerated", "verdict", "cases_checked", "failing": [{"nodes": [...], "stranded":
///   [{"resource", "reason": {"code", "text"}}]}]}
nlohmann::json to_json(const Survivability& survivability);
/// The verdict, then each failing case (at most `max_cases` of them) with what it strands.
std::string format_survivability(const Survivability& survivability, std::size_t max_cases = 20);

}  // namespace wholesale_ha::policy
