#include "json_validate.hpp"

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <wholesale_ha/model/enum_names.hpp>

#include "value_rules.hpp"

namespace wholesale_ha::model::detail {
namespace {

/// Where an id is defined: "/<list>/<index>/id". Pointers are built only for messages.
struct IdPlace {
  std::string_view list;
  std::size_t index;
};

std::string pointer_of(IdPlace place) {
  return fmt::format("/{}/{}/id", place.list, place.index);
}

/// The ids of one kind of object, with where each was first defined. Views into the
/// cluster being validated, which outlives the table.
class IdTable {
 public:
  IdTable(std::string_view noun, std::string_view plural, Diagnostics& d)
      : noun_(noun), plural_(plural), d_(d) {}

  /// Records `id` defined at `place`; a second definition is reported.
  void define(std::string_view id, IdPlace place, bool report_duplicate = true) {
    if (!is_valid_id(id)) return;  // a missing or invalid id was reported already
    auto [it, inserted] = first_.emplace(id, place);
    if (inserted) {
      names_.push_back(id);
    } else if (report_duplicate) {
      d_.error(Errc::duplicate, pointer_of(place), fmt::format("duplicate {} id \"{}\" (first defined at {})", noun_,
                                              id, pointer_of(it->second)));
    }
  }

  [[nodiscard]] bool contains(std::string_view id) const { return first_.contains(id); }

  /// Reports `id` at `at` unless it is defined. Missing and invalid ids were reported
  /// already, except where `syntax_checked` says the id was not read as one (a key).
  bool check(const std::string& id, const Path& at, bool syntax_checked = true) const {
    if (contains(id) || (syntax_checked && !is_valid_id(id))) return true;
    std::string message = fmt::format("unknown {} \"{}\"", noun_, id);
    if (auto hint = suggestion(id, names_); !hint.empty()) {
      message += " (" + hint + ")";
    } else if (names_.empty()) {
      message += fmt::format(" (no {} are defined)", plural_);
    } else {
      constexpr std::size_t kShown = 5;
      std::span<const std::string_view> shown{names_.data(), std::min(kShown, names_.size())};
      message += fmt::format(" (defined: {}{})", fmt::join(shown, ", "),
                             names_.size() > kShown ? ", ..." : "");
    }
    d_.error(Errc::unknown_reference, at, std::move(message));
    return false;
  }

 private:
  std::string_view noun_;
  std::string_view plural_;
  Diagnostics& d_;
  std::unordered_map<std::string_view, IdPlace> first_;
  std::vector<std::string_view> names_;
};

class Validator {
 public:
  Validator(const Cluster& cluster, Diagnostics& d)
      : cluster_(cluster),
        config_(cluster.config),
        d_(d),
        nodes_("node", "nodes", d),
        resources_("resource", "resources", d),
        placeable_("resource or group", "resources or groups", d),
        constraints_("constraint", "constraints", d) {}

  void run(const std::vector<std::size_t>& constraint_index) {
    define_ids();
    check_groups();
    for (std::size_t i = 0; i < config_.constraints.size(); ++i) {
      check_constraint(config_.constraints[i], constraint_index.at(i));
    }
    check_status();
    check_options();
  }

 private:
  void define_ids() {
    for (std::size_t i = 0; i < config_.nodes.size(); ++i) {
      nodes_.define(config_.nodes[i].id, {"nodes", i});
    }
    // Resources and groups share one namespace: constraints may name either.
    for (std::size_t i = 0; i < config_.resources.size(); ++i) {
      resource_by_id_.emplace(config_.resources[i].id, &config_.resources[i]);
      resources_.define(config_.resources[i].id, {"resources", i});
      placeable_.define(config_.resources[i].id, {"resources", i},
                        /*report_duplicate=*/false);
    }
    for (std::size_t i = 0; i < config_.groups.size(); ++i) {
      placeable_.define(config_.groups[i].id, {"groups", i});
    }
  }

  void check_groups() {
    std::unordered_map<std::string, std::string> member_of;
    Path root;
    Path groups{root, "groups"};
    for (std::size_t i = 0; i < config_.groups.size(); ++i) {
      const auto& group = config_.groups[i];
      Path group_at{groups, i};
      Path list_at{group_at, "resources"};
      if (group.resources.empty()) {
        d_.error(Errc::invalid_value, list_at, "a group needs at least one resource");
      }
      for (std::size_t j = 0; j < group.resources.size(); ++j) {
        const auto& member = group.resources[j];
        Path member_at{list_at, j};
        if (!resources_.check(member, member_at)) continue;
        if (auto [it, inserted] = member_of.emplace(member, group.id); !inserted) {
          d_.error(Errc::duplicate, member_at, fmt::format("resource \"{}\" is already a member of group \"{}\"; "
                                          "a resource belongs to at most one group",
                                          member, it->second));
        }
        if (auto r = resource_by_id_.find(member); r != resource_by_id_.end() && r->second->clone) {
          d_.error(Errc::invalid_value, member_at, fmt::format("resource \"{}\" is a clone; clones cannot be group "
                                          "members",
                                          member));
        }
      }
    }
  }

  void check_pair(const std::string& a, const Path& a_at, const std::string& b,
                  const Path& b_at, std::string_view relation) {
    placeable_.check(a, a_at);
    placeable_.check(b, b_at);
    if (!a.empty() && a == b) {
      d_.error(Errc::invalid_value, b_at, fmt::format("\"{}\" cannot {} itself", a, relation));
    }
  }

  void check_constraint(const Constraint& constraint, std::size_t index) {
    Path root;
    Path list{root, "constraints"};
    Path at{list, index};
    constraints_.define(constraint_id(constraint), {"constraints", index});
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, LocationConstraint>) {
            check_location(c, at);
          } else if constexpr (std::is_same_v<T, ColocationConstraint>) {
            check_pair(c.resource, Path{at, "resource"}, c.with, Path{at, "with"},
                       "be colocated with");
          } else if constexpr (std::is_same_v<T, OrderConstraint>) {
            check_pair(c.first, Path{at, "first"}, c.then, Path{at, "then"}, "be ordered after");
          } else {
            check_pair(c.resource, Path{at, "resource"}, c.on, Path{at, "on"}, "depend on");
          }
        },
        constraint);
  }

  void check_location(const LocationConstraint& c, const Path& at) {
    placeable_.check(c.resource, Path{at, "resource"});
    if (c.node.has_value() == c.rule.has_value()) {
      d_.error(Errc::invalid_value, at, "a location constraint needs exactly one of \"node\" (with \"score\") or "
                   "\"rule\"");
    }
    if (c.node) nodes_.check(*c.node, Path{at, "node"});
    if (c.offline && (!c.node || c.score <= 0)) {
      d_.error(Errc::invalid_value, Path{at, "offline"}, "an offline move needs a \"node\" and a positive \"score\": it says how the "
                                    "resource gets to that node");
    }
  }

  void check_status() {
    Path root;
    Path status{root, "status"};
    Path nodes{status, "nodes"};
    for (const auto& [id, node] : cluster_.state.nodes) {
      nodes_.check(id, Path{nodes, id}, /*syntax_checked=*/false);
    }

    check_records(Path{status, "resources"}, cluster_.state.resources);
    check_records(Path{status, "failcounts"}, cluster_.state.failcounts);
    Path pending{status, "pending"};
    for (std::size_t i = 0; i < cluster_.state.pending.size(); ++i) {
      const auto& op = cluster_.state.pending[i];
      Path at{pending, i};
      resources_.check(op.resource, Path{at, "resource"});
      nodes_.check(op.node, Path{at, "node"});
      if (op.target) nodes_.check(*op.target, Path{at, "target"});
    }
    check_records(Path{status, "frozen"}, cluster_.state.frozen);
    check_records(Path{status, "returns"}, cluster_.state.returns);
    Path last_node{status, "last_node"};
    for (const auto& [resource, node] : cluster_.state.last_node) {
      resources_.check(resource, Path{last_node, resource}, /*syntax_checked=*/false);
      nodes_.check(node, Path{last_node, resource}, /*syntax_checked=*/false);
    }
  }

  /// Status entries naming a resource and a node name configured ones.
  template <class Record>
  void check_records(const Path& list, const std::vector<Record>& records) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      Path at{list, i};
      resources_.check(records[i].resource, Path{at, "resource"});
      nodes_.check(records[i].node, Path{at, "node"});
    }
  }

  void check_options() {
    Path root;
    Path options{root, "options"};
    const auto& health = config_.options.health;
    const bool fixed_colours = health.strategy == HealthStrategy::migrate_on_red ||
                               health.strategy == HealthStrategy::only_green;
    const HealthOptions defaults;
    if (fixed_colours && (health.red != defaults.red || health.yellow != defaults.yellow ||
                          health.green != defaults.green)) {
      d_.warning(Errc::conflict, Path{options, "health"},
                 fmt::format("colour scores are fixed under strategy \"{}\" and are ignored; use "
                             "\"custom\" or \"progressive\" to set them",
                             to_string(health.strategy)));
    }
    if (health.strategy != HealthStrategy::progressive && health.base != 0) {
      d_.warning(Errc::conflict, Path{options, "health"}, "\"base\" is used only by strategy \"progressive\"");
    }
    if (config_.options.failover_capacity) check_failover_capacity(*config_.options.failover_capacity, Path{options, "failover_capacity"});
    if (config_.options.placement_strategy != PlacementStrategy::default_) return;
    if (const auto& f = config_.options.failover_capacity; f && f->spare_nodes.empty()) {
      d_.warning(Errc::conflict, Path{options, "failover_capacity"},
                 "admission control counts utilization, which placement_strategy \"default\" ignores: it has no "
                 "effect; set /options/placement_strategy to \"utilization\", \"balanced\" or \"minimal\"");
    }
    Path resources{root, "resources"};
    for (std::size_t i = 0; i < config_.resources.size(); ++i) {
      if (config_.resources[i].utilization.empty()) continue;
      d_.warning(Errc::conflict, Path{Path{resources, i}, "utilization"},
                 "utilization is ignored under placement_strategy \"default\"; set "
                 "/options/placement_strategy to \"utilization\", \"balanced\" or \"minimal\"");
      break;  // once is enough to make the point
    }
  }

  /// Exactly one mode; shares at most 100 %; spares are configured nodes, and not all of them.
  void check_failover_capacity(const FailoverCapacity& f, const Path& at) {
    const int modes = int{!f.percent.empty()} + int{f.hosts != 0} + int{!f.spare_nodes.empty()};
    if (modes != 1) {
      d_.error(Errc::invalid_value, at, fmt::format("admission control takes exactly one of \"percent\", \"hosts\" or \"spare_nodes\", got {}",
                               modes));
    }
    for (const auto& [key, value] : f.percent) {
      if (value > 100) d_.error(Errc::invalid_value, Path{Path{at, "percent"}, key}, fmt::format("a share of the capacity, at most 100, got {}", value));
    }
    if (f.hosts < 0) d_.error(Errc::invalid_value, Path{at, "hosts"}, fmt::format("a number of hosts, at least 1, got {}", f.hosts));
    if (f.hosts > 0 && static_cast<std::size_t>(f.hosts) >= config_.nodes.size()) {
      d_.warning(Errc::conflict, Path{at, "hosts"}, fmt::format("room for {} host failures among {} nodes leaves no room for new resources",
                                                f.hosts, config_.nodes.size()));
    }
    Path spares{at, "spare_nodes"};
    for (std::size_t i = 0; i < f.spare_nodes.size(); ++i) nodes_.check(f.spare_nodes[i], Path{spares, i});
    if (!f.spare_nodes.empty() && f.spare_nodes.size() >= config_.nodes.size()) {
      d_.error(Errc::invalid_value, spares, "every node is a spare: nothing could run in normal operation");
    }
    if (f.failback && f.spare_nodes.empty()) {
      d_.error(Errc::invalid_value, Path{at, "failback"}, "failback applies to spare nodes only: set \"spare_nodes\"");
    }
  }

  const Cluster& cluster_;
  const Config& config_;
  Diagnostics& d_;
  IdTable nodes_;
  IdTable resources_;
  IdTable placeable_;
  IdTable constraints_;
  std::unordered_map<std::string_view, const Resource*> resource_by_id_;  // first definition
};

}  // namespace

void validate_references(const Cluster& cluster, const std::vector<std::size_t>& constraint_index,
                         Diagnostics& diagnostics) {
  Validator{cluster, diagnostics}.run(constraint_index);
}

}  // namespace wholesale_ha::model::detail
