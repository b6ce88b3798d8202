#pragma once
// Assertion helpers over a Transition, shared by the scenario and property tests.

#include <set>
#include <string>

#include <wholesale_ha/policy/transition.hpp>

namespace wha_test {

std::set<std::string> action_set(const wholesale_ha::policy::Transition& t);
/// True when action `before` reaches action `after` through the edges.
bool precedes(const wholesale_ha::policy::Transition& t, const std::string& before,
              const std::string& after);
bool acyclic(const wholesale_ha::policy::Transition& t);
/// The change kind of `resource`, or "none".
std::string change_kind(const wholesale_ha::policy::Transition& t, const std::string& resource);
/// The reason code of an action, or "(no such action)".
std::string reason_code(const wholesale_ha::policy::Transition& t, const std::string& action);
bool has_notice(const wholesale_ha::policy::Transition& t, const std::string& resource,
                const std::string& code);
/// Actions with reasons, edges and notices, for failure messages.
std::string dump(const wholesale_ha::policy::Transition& t);

}  // namespace wha_test
