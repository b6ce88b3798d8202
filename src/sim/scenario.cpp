#include "scenario.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <wholesale_ha/model/json.hpp>

#include "rng.hpp"

namespace wholesale_ha::sim {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::pair<Fault::Kind, std::string_view> kKindNames[] = {
    {Fault::Kind::crash_host, "crash_host"},
    {Fault::Kind::crash_daemon, "crash_daemon"},
    {Fault::Kind::corosync_restart, "corosync_restart"},
    {Fault::Kind::partition, "partition"},
    {Fault::Kind::heal, "heal"},
    {Fault::Kind::leave, "leave"},
    {Fault::Kind::crash_resource, "crash_resource"},
    {Fault::Kind::fail_next, "fail_next"},
    {Fault::Kind::hang_next, "hang_next"},
    {Fault::Kind::fence_fails, "fence_fails"},
    {Fault::Kind::health, "health"},
    {Fault::Kind::move, "move"},
    {Fault::Kind::standby, "standby"},
    {Fault::Kind::maintenance, "maintenance"},
};

std::string node_id(int i) { return fmt::format("n{}", i + 1); }

Millis seconds(std::int64_t s) { return Millis{s * 1000}; }

}  // namespace

model::Config generated_config(int nodes, int resources, std::uint64_t seed) {
  Rng rng(seed ^ 0xC0FFEEULL);
  model::Config c;
  c.options.cluster_name = "sim";
  c.options.health.strategy = model::HealthStrategy::migrate_on_red;
  for (int i = 0; i < nodes; ++i) c.nodes.push_back({node_id(i), node_id(i), false, false, {}, {}});
  for (int i = 0; i < resources; ++i) {
    model::Resource r;
    // VMs are driven from the coordinator and live-migrate; services run where they are.
    const bool vm = rng.chance(60);
    r.id = fmt::format("{}{}", vm ? "vm" : "svc", i + 1);
    r.backend = vm ? "vm" : "service";
    r.type = vm ? "kvm" : "daemon";
    if (vm) r.params["memory_mib"] = std::to_string(512 * rng.between(1, 16));
    r.meta.allow_migrate = vm;
    r.meta.stickiness = 100;
    r.meta.migration_threshold = 3;
    if (rng.chance(20)) r.meta.priority = static_cast<std::int32_t>(rng.between(1, 10));
    r.operations.monitor.interval = 10s;
    c.resources.push_back(std::move(r));
    if (rng.chance(25)) {
      c.constraints.emplace_back(model::LocationConstraint{fmt::format("prefer-{}", c.resources.back().id),
                                                           c.resources.back().id,
                                                           node_id(static_cast<int>(rng.below(static_cast<std::uint64_t>(nodes)))), 50, std::nullopt});
    }
  }
  return c;
}

Scenario random_scenario(std::uint64_t seed, const Shape& shape) {
  Rng rng(seed);
  Scenario s;
  s.seed = seed;
  s.name = fmt::format("seed {}", seed);
  const int nodes = static_cast<int>(rng.between(shape.min_nodes, shape.max_nodes));
  const int resources = static_cast<int>(rng.between(shape.min_resources, shape.max_resources));
  s.config = generated_config(nodes, resources, seed);
  // Every shutdown policy, cluster-wide and now and then per resource.
  static constexpr model::ShutdownPolicy kPolicies[] = {model::ShutdownPolicy::migrate, model::ShutdownPolicy::failover,
                                                        model::ShutdownPolicy::freeze, model::ShutdownPolicy::conditional};
  s.config.options.shutdown_policy = kPolicies[rng.below(4)];
  for (auto& r : s.config.resources) {
    if (rng.chance(15)) r.meta.shutdown_policy = kPolicies[rng.below(4)];
    // Now and then a recovery ladder: repairs in place before a restart (docs/libvirt.md).
    if (rng.chance(20)) {
      r.recovery = {{"restart_application", static_cast<std::int32_t>(rng.between(1, 3)), std::nullopt},
                    {"reset", 1, std::nullopt}};
    }
  }
  // Now and then memory is a capacity (VMs need their memory_mib; a node holds 1-2x its share),
  // sometimes with admission control keeping a part of it for failover.
  if (rng.chance(30)) {
    s.config.options.placement_strategy = model::PlacementStrategy::utilization;
    std::int64_t total = 0;
    for (auto& r : s.config.resources) {
      if (auto it = r.params.find("memory_mib"); it != r.params.end()) {
        r.utilization["memory"] = std::stoll(it->second);
        total += r.utilization["memory"];
      }
    }
    const auto share = total / nodes + 1;
    for (auto& n : s.config.nodes) n.capacity["memory"] = share + share * static_cast<std::int64_t>(rng.below(101)) / 100;
    if (rng.chance(50)) {
      model::FailoverCapacity f;
      if (rng.chance(50)) {
        f.percent = {{"memory", rng.between(10, 60)}};
      } else {
        f.hosts = static_cast<std::int32_t>(rng.between(1, 2));
      }
      s.config.options.failover_capacity = f;
    }
  }
  // Now and then the last node is a spare, failing back or not (docs/policy.md §11).
  if (!s.config.options.failover_capacity && nodes >= 3 && rng.chance(20)) {
    model::FailoverCapacity f;
    f.spare_nodes = {node_id(nodes - 1)};
    f.failback = rng.chance(50);
    s.config.options.failover_capacity = f;
  }
  s.duration = shape.duration;
  s.settle = shape.settle;
  const int faults = static_cast<int>(rng.between(shape.min_faults, shape.max_faults));
  auto any_node = [&] { return node_id(static_cast<int>(rng.below(static_cast<std::uint64_t>(nodes)))); };
  auto any_resource = [&] { return s.config.resources[rng.below(s.config.resources.size())].id; };
  const std::int64_t last = std::max<std::int64_t>(61, shape.duration.count() / 1000 - 60);
  for (int i = 0; i < faults; ++i) {
    Fault f;
    f.at = seconds(rng.between(60, last));
    const auto pick = rng.below(100);
    if (pick < 10) {
      f.kind = Fault::Kind::crash_host;
      f.node = any_node();
    } else if (pick < 18) {
      f.kind = Fault::Kind::crash_daemon;
      f.node = any_node();
    } else if (pick < 26) {
      f.kind = Fault::Kind::corosync_restart;
      f.node = any_node();
      f.duration = Millis{rng.between(300, 5000)};
    } else if (pick < 36) {
      f.kind = Fault::Kind::partition;
      std::vector<std::string> a, b;
      for (int n = 0; n < nodes; ++n) (rng.chance(50) ? a : b).push_back(node_id(n));
      if (a.empty() || b.empty()) {
        a.clear();
        b.clear();
        for (int n = 0; n < nodes; ++n) (n == 0 ? a : b).push_back(node_id(n));
      }
      f.groups = {a, b};
      Fault heal;
      heal.kind = Fault::Kind::heal;
      heal.at = f.at + seconds(rng.between(10, 180));
      s.faults.push_back(heal);
    } else if (pick < 46) {
      f.kind = Fault::Kind::leave;
      f.node = any_node();
      f.value = rng.chance(50) ? "reboot" : "poweroff";
    } else if (pick < 60) {
      f.kind = Fault::Kind::crash_resource;
      f.resource = any_resource();
    } else if (pick < 70) {
      f.kind = Fault::Kind::fail_next;
      f.resource = any_resource();
      static constexpr std::string_view ops[] = {"start", "stop", "migrate", "monitor", "repair"};
      f.op = ops[rng.below(5)];
    } else if (pick < 75) {
      f.kind = Fault::Kind::hang_next;
      f.resource = any_resource();
      static constexpr std::string_view ops[] = {"start", "stop", "migrate", "repair"};
      f.op = ops[rng.below(4)];
    } else if (pick < 80) {
      f.kind = Fault::Kind::fence_fails;
      f.node = any_node();
    } else if (pick < 90) {
      f.kind = Fault::Kind::health;
      f.node = any_node();
      f.value = "red";
      Fault back = f;
      back.at = f.at + seconds(rng.between(30, 600));
      back.value = "green";
      s.faults.push_back(back);
    } else if (pick < 95) {
      f.kind = Fault::Kind::move;
      f.resource = any_resource();
      f.node = rng.chance(70) ? any_node() : "";
      if (!f.node.empty() && rng.chance(30)) f.value = "offline";
    } else {
      f.kind = rng.chance(50) ? Fault::Kind::standby : Fault::Kind::maintenance;
      f.node = any_node();
      Fault back = f;
      back.at = f.at + seconds(rng.between(30, 600));
      back.on = false;
      s.faults.push_back(back);
    }
    s.faults.push_back(std::move(f));
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& a, const Fault& b) { return a.at < b.at; });
  // Faults paired with a later undo (heal, green, standby off) may land past the end: the
  // cluster then settles with them in place, which is allowed.
  return s;
}

std::string_view to_string(Fault::Kind kind) noexcept {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::string describe(const Fault& f) {
  std::string text = fmt::format("{:>8.3f}s {}", static_cast<double>(f.at.count()) / 1000, to_string(f.kind));
  if (!f.node.empty()) text += " node=" + f.node;
  if (!f.resource.empty()) text += " resource=" + f.resource;
  if (!f.op.empty()) text += " op=" + f.op;
  if (!f.value.empty()) text += " value=" + f.value;
  if (f.kind == Fault::Kind::standby || f.kind == Fault::Kind::maintenance) text += f.on ? " on" : " off";
  if (f.kind == Fault::Kind::move && f.node.empty()) text += " (clear)";
  if (f.duration.count() > 0) text += fmt::format(" for {}ms", f.duration.count());
  for (const auto& g : f.groups) text += fmt::format(" [{}]", fmt::join(g, " "));
  return text;
}

json to_json(const Scenario& s) {
  json faults = json::array();
  for (const auto& f : s.faults) {
    json j = {{"at_ms", f.at.count()}, {"kind", to_string(f.kind)}};
    if (!f.node.empty() || f.kind == Fault::Kind::move) j["node"] = f.node;
    if (!f.resource.empty()) j["resource"] = f.resource;
    if (!f.op.empty()) j["op"] = f.op;
    if (!f.value.empty()) j["value"] = f.value;
    if (f.kind == Fault::Kind::standby || f.kind == Fault::Kind::maintenance) j["on"] = f.on;
    if (f.duration.count() > 0) j["duration_ms"] = f.duration.count();
    if (!f.groups.empty()) j["groups"] = f.groups;
    faults.push_back(std::move(j));
  }
  return {{"name", s.name},
          {"seed", s.seed},
          {"cluster", model::to_json(model::Cluster{s.config, {}})},
          {"duration_ms", s.duration.count()},
          {"settle_ms", s.settle.count()},
          {"faults", std::move(faults)}};
}

ScenarioLoad parse_scenario(const json& d, const std::string& base_dir) {
  auto fail = [](std::string why) { return ScenarioLoad{std::nullopt, std::move(why)}; };
  if (!d.is_object()) return fail("a scenario is a JSON object");
  Scenario s;
  auto number = [&](const json& o, const char* key, std::int64_t fallback, std::int64_t lo, std::int64_t hi,
                    std::string& error) -> std::int64_t {
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi) {
      error = fmt::format("\"{}\" must be an integer in {}..{}", key, lo, hi);
      return fallback;
    }
    return it->get<std::int64_t>();
  };
  auto text = [](const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  std::string error;
  s.name = text(d, "name");
  s.seed = static_cast<std::uint64_t>(number(d, "seed", 1, 0, INT64_MAX, error));
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  s.duration = Millis{number(d, "duration_ms", s.duration.count(), 0, kDay, error)};
  s.settle = Millis{number(d, "settle_ms", s.settle.count(), 0, kDay, error)};
  if (auto it = d.find("cluster"); it != d.end()) {
    auto loaded = model::parse_cluster_document(*it);
    if (!loaded.ok()) {
      return fail("cluster: " + loaded.error().to_string());
    }
    s.config = std::move(loaded->config);
  } else if (auto file = d.find("cluster_file"); file != d.end() && file->is_string()) {
    const std::string path = base_dir + "/" + file->get<std::string>();
    auto loaded = model::load_cluster_file(path);
    if (!loaded.ok()) {
      return fail(path + ": " + loaded.error().to_string());
    }
    s.config = std::move(loaded->config);
  } else if (auto g = d.find("generate"); g != d.end() && g->is_object()) {
    const auto nodes = number(*g, "nodes", 3, 1, 1000, error);
    const auto resources = number(*g, "resources", 10, 0, 100'000, error);
    s.config = generated_config(static_cast<int>(nodes), static_cast<int>(resources), s.seed);
  } else {
    return fail("a scenario needs \"cluster\" or \"generate\"");
  }
  if (!error.empty()) return fail(error);
  auto faults = d.find("faults");
  if (faults != d.end() && !faults->is_array()) return fail("\"faults\" must be an array");
  if (faults != d.end()) {
    for (std::size_t i = 0; i < faults->size(); ++i) {
      const json& j = (*faults)[i];
      if (!j.is_object()) return fail(fmt::format("faults/{} must be an object", i));
      Fault f;
      const auto kind = text(j, "kind");
      auto known = std::find_if(std::begin(kKindNames), std::end(kKindNames), [&](const auto& k) { return k.second == kind; });
      if (known == std::end(kKindNames)) return fail(fmt::format("faults/{}: unknown kind \"{}\"", i, kind));
      f.kind = known->first;
      f.at = Millis{number(j, "at_ms", 0, 0, kDay, error)};
      f.node = text(j, "node");
      f.resource = text(j, "resource");
      f.op = text(j, "op");
      f.value = text(j, "value");
      f.duration = Millis{number(j, "duration_ms", 0, 0, kDay, error)};
      if (auto on = j.find("on"); on != j.end() && on->is_boolean()) f.on = on->get<bool>();
      if (auto groups = j.find("groups"); groups != j.end()) {
        if (!groups->is_array()) return fail(fmt::format("faults/{}/groups must be an array of arrays", i));
        for (const auto& g : *groups) {
          if (!g.is_array()) return fail(fmt::format("faults/{}/groups must be an array of arrays", i));
          std::vector<std::string> members;
          for (const auto& n : g) {
            if (!n.is_string()) return fail(fmt::format("faults/{}/groups holds a non-string", i));
            members.push_back(n.get<std::string>());
          }
          f.groups.push_back(std::move(members));
        }
      }
      if (!error.empty()) return fail(fmt::format("faults/{}: {}", i, error));
      if (!f.node.empty() && s.config.find_node(f.node) == nullptr) {
        return fail(fmt::format("faults/{}: unknown node \"{}\"", i, f.node));
      }
      if (!f.resource.empty() && s.config.find_resource(f.resource) == nullptr) {
        return fail(fmt::format("faults/{}: unknown resource \"{}\"", i, f.resource));
      }
      s.faults.push_back(std::move(f));
    }
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const Fault& a, const Fault& b) { return a.at < b.at; });
  return {std::move(s), {}};
}

}  // namespace wholesale_ha::sim
