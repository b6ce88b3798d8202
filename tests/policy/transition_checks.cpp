#include "transition_checks.hpp"

#include <vector>

namespace wha_test {

using wholesale_ha::policy::Transition;

std::set<std::string> action_set(const Transition& t) {
  std::set<std::string> out;
  for (const auto& a : t.actions) out.insert(wholesale_ha::policy::describe(a));
  return out;
}

namespace {

std::vector<std::vector<std::size_t>> successors(const Transition& t) {
  std::vector<std::vector<std::size_t>> next(t.actions.size());
  for (const auto& e : t.edges) next[e.before].push_back(e.after);
  return next;
}

}  // namespace

bool precedes(const Transition& t, const std::string& before, const std::string& after) {
  std::size_t from = t.actions.size();
  std::size_t to = t.actions.size();
  for (const auto& a : t.actions) {
    if (wholesale_ha::policy::describe(a) == before) from = a.id;
    if (wholesale_ha::policy::describe(a) == after) to = a.id;
  }
  if (from == t.actions.size() || to == t.actions.size()) return false;
  const auto next = successors(t);
  std::vector<bool> seen(t.actions.size(), false);
  std::vector<std::size_t> stack{from};
  while (!stack.empty()) {
    auto i = stack.back();
    stack.pop_back();
    for (auto j : next[i]) {
      if (j == to) return true;
      if (!seen[j]) {
        seen[j] = true;
        stack.push_back(j);
      }
    }
  }
  return false;
}

bool acyclic(const Transition& t) {
  const auto next = successors(t);
  std::vector<std::size_t> waiting(t.actions.size(), 0);
  for (const auto& e : t.edges) ++waiting[e.after];
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    if (waiting[i] == 0) ready.push_back(i);
  }
  std::size_t seen = 0;
  while (!ready.empty()) {
    auto i = ready.back();
    ready.pop_back();
    ++seen;
    for (auto j : next[i]) {
      if (--waiting[j] == 0) ready.push_back(j);
    }
  }
  return seen == t.actions.size();
}

std::string change_kind(const Transition& t, const std::string& resource) {
  for (const auto& c : t.changes) {
    if (c.resource == resource) return std::string{wholesale_ha::policy::to_string(c.kind)};
  }
  return "none";
}

std::string reason_code(const Transition& t, const std::string& action) {
  for (const auto& a : t.actions) {
    if (wholesale_ha::policy::describe(a) == action) {
      return std::string{wholesale_ha::policy::to_string(a.reason.code)};
    }
  }
  return "(no such action)";
}

bool has_notice(const Transition& t, const std::string& resource, const std::string& code) {
  for (const auto& n : t.notices) {
    if (n.resource == resource && wholesale_ha::policy::to_string(n.reason.code) == code) {
      return true;
    }
  }
  return false;
}

std::string dump(const Transition& t) {
  std::string out = "actions:\n";
  for (const auto& a : t.actions) {
    out += "  [" + std::to_string(a.id) + "] " + wholesale_ha::policy::describe(a) + "  (" +
           std::string{wholesale_ha::policy::to_string(a.reason.code)} + ": " + a.reason.text +
           ")\n";
  }
  out += "edges:";
  for (const auto& e : t.edges) {
    out += " " + std::to_string(e.before) + "->" + std::to_string(e.after);
  }
  out += "\nnotices:\n";
  for (const auto& n : t.notices) {
    out += "  " + n.resource + " " + std::string{wholesale_ha::policy::to_string(n.reason.code)} +
           ": " + n.reason.text + "\n";
  }
  return out;
}

}  // namespace wha_test
