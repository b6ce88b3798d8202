#include <wholesale_ha/policy/format.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wholesale_ha::policy {
namespace {

using nlohmann::json;

json reason_json(const Reason& reason) {
  return {{"code", to_string(reason.code)}, {"text", reason.text}};
}

/// For each action, the actions it waits for.
std::vector<std::vector<std::size_t>> predecessors(const Transition& t) {
  std::vector<std::vector<std::size_t>> before(t.actions.size());
  for (const auto& e : t.edges) before[e.after].push_back(e.before);
  return before;
}

/// Kahn's order with the lowest id first among the ready ones: stable and readable.
std::vector<std::size_t> execution_order(const Transition& t) {
  std::vector<std::vector<std::size_t>> next(t.actions.size());
  std::vector<std::size_t> waiting(t.actions.size(), 0);
  for (const auto& e : t.edges) {
    next[e.before].push_back(e.after);
    ++waiting[e.after];
  }
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < t.actions.size(); ++i) {
    if (waiting[i] == 0) ready.push_back(i);
  }
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    auto it = std::min_element(ready.begin(), ready.end());
    std::size_t i = *it;
    ready.erase(it);
    order.push_back(i);
    for (std::size_t j : next[i]) {
      if (--waiting[j] == 0) ready.push_back(j);
    }
  }
  return order;
}

std::string change_line(const ResourceChange& c) {
  std::string where;
  switch (c.kind) {
    case ChangeKind::start: where = fmt::format("( {} )", c.to.value_or("?")); break;
    case ChangeKind::stop: where = fmt::format("( {} )", c.from.value_or("?")); break;
    case ChangeKind::restart: where = fmt::format("( {} )", c.from.value_or("?")); break;
    case ChangeKind::migrate:
    case ChangeKind::move:
      where = fmt::format("( {} -> {} )", c.from.value_or("?"), c.to.value_or("?"));
      break;
  }
  std::string verb{to_string(c.kind)};
  verb[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(verb[0])));
  return fmt::format("  * {:<8} {:<16} {:<24} {}\n", verb, c.resource, where, c.reason.text);
}

}  // namespace

json to_json(const Transition& t) {
  const auto before = predecessors(t);
  json actions = json::array();
  for (const auto& a : t.actions) {
    json entry = {{"id", a.id}, {"kind", to_string(a.kind)}, {"node", a.node},
                  {"reason", reason_json(a.reason)}, {"after", before[a.id]}};
    if (!a.resource.empty()) entry["resource"] = a.resource;
    if (a.target) entry["target"] = *a.target;
    entry["text"] = describe(a);
    actions.push_back(std::move(entry));
  }
  json changes = json::array();
  for (const auto& c : t.changes) {
    json entry = {{"resource", c.resource}, {"kind", to_string(c.kind)},
                  {"reason", reason_json(c.reason)}};
    if (c.from) entry["from"] = *c.from;
    if (c.to) entry["to"] = *c.to;
    changes.push_back(std::move(entry));
  }
  json notices = json::array();
  for (const auto& n : t.notices) {
    json entry = {{"reason", reason_json(n.reason)}};
    if (!n.resource.empty()) entry["resource"] = n.resource;
    notices.push_back(std::move(entry));
  }
  return {{"actions", std::move(actions)}, {"changes", std::move(changes)},
          {"notices", std::move(notices)}};
}

std::string format_transition(const Transition& t) {
  std::string out = "Transition summary:\n";
  if (t.changes.empty() && t.actions.empty()) out += "  (nothing to do)\n";
  for (const auto& a : t.actions) {
    if (a.kind == ActionKind::fence) {
      out += fmt::format("  * {:<8} {:<16} {:<24} {}\n", "Fence", a.node, "", a.reason.text);
    }
  }
  for (const auto& c : t.changes) out += change_line(c);
  if (!t.actions.empty()) {
    out += "\nActions (in an order that respects every dependency):\n";
    const auto before = predecessors(t);
    for (std::size_t i : execution_order(t)) {
      const auto& a = t.actions[i];
      out += fmt::format("  [{}] {}", a.id, describe(a));
      if (!before[i].empty()) out += fmt::format("  (after {})", fmt::join(before[i], ", "));
      out += "\n";
    }
  }
  if (!t.notices.empty()) {
    out += "\nNotices:\n";
    for (const auto& n : t.notices) {
      out += fmt::format("  ! {}{}: {}\n", n.resource.empty() ? "" : n.resource + " ",
                         to_string(n.reason.code), n.reason.text);
    }
  }
  return out;
}

std::string to_dot(const Transition& t) {
  std::string out = "digraph transition {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& a : t.actions) {
    const char* colour = a.kind == ActionKind::fence     ? "red"
                         : a.kind == ActionKind::migrate ? "blue"
                         : a.kind == ActionKind::stop    ? "orange"
                                                         : "darkgreen";
    out += fmt::format("  a{} [label=\"{}\", color={}];\n", a.id, describe(a), colour);
  }
  for (const auto& e : t.edges) out += fmt::format("  a{} -> a{};\n", e.before, e.after);
  out += "}\n";
  return out;
}

json to_json(const Explanation& e) {
  json nodes = json::array();
  for (const auto& n : e.nodes) {
    json contributions = json::array();
    for (const auto& c : n.contributions) {
      contributions.push_back({{"source", c.source}, {"score", model::score_to_string(c.score)}});
    }
    nodes.push_back({{"node", n.node},
                     {"total", model::score_to_string(n.total)},
                     {"eligible", n.eligible},
                     {"blockers", n.blockers},
                     {"contributions", std::move(contributions)}});
  }
  json out = {{"resource", e.resource}, {"nodes", std::move(nodes)}, {"notes", e.notes}};
  out["placed_on"] = e.placed_on ? json(*e.placed_on) : json(nullptr);
  return out;
}

std::string format_explanation(const Explanation& e) {
  std::string out = fmt::format("Scores for {}", e.resource);
  out += e.placed_on ? fmt::format(" (placed on {}):\n", *e.placed_on) : std::string{":\n"};
  for (const auto& n : e.nodes) {
    out += fmt::format("  {:<14} {:>10}  {}\n", n.node, model::score_to_string(n.total),
                       n.eligible ? "eligible" : "NOT eligible: " + fmt::format("{}", fmt::join(n.blockers, "; ")));
    for (const auto& c : n.contributions) {
      out += fmt::format("      {:>10}  {}\n", model::score_to_string(c.score), c.source);
    }
  }
  for (const auto& note : e.notes) out += "  note: " + note + "\n";
  return out;
}

json to_json(const Survivability& s) {
  json failing = json::array();
  for (const auto& c : s.failing) {
    json stranded = json::array();
    for (const auto& r : c.stranded) stranded.push_back({{"resource", r.resource}, {"reason", reason_json(r.reason)}});
    failing.push_back({{"nodes", c.nodes}, {"stranded", std::move(stranded)}});
  }
  json spares = json::array();
  for (const auto& use : s.spares_in_use) spares.push_back({{"node", use.node}, {"resources", use.resources}});
  return {{"k", s.k},
          {"tolerated", s.tolerated()},
          {"verdict", s.verdict()},
          {"cases_checked", s.cases_checked},
          {"failing", std::move(failing)},
          {"spares_in_use", std::move(spares)}};
}

std::string format_survivability(const Survivability& s, std::size_t max_cases) {
  std::string out = fmt::format("Failure what-if: {}\n", s.verdict());
  for (std::size_t i = 0; i < s.failing.size() && i < max_cases; ++i) {
    const auto& c = s.failing[i];
    out += fmt::format("  losing {}:\n", fmt::join(c.nodes, " and "));
    for (const auto& r : c.stranded) {
      out += fmt::format("    ! {} {}: {}\n", r.resource, to_string(r.reason.code), r.reason.text);
    }
  }
  if (s.failing.size() > max_cases) out += fmt::format("  ... and {} more cases\n", s.failing.size() - max_cases);
  return out;
}

}  // namespace wholesale_ha::policy
