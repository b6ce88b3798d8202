#include "activity.hpp"

#include <algorithm>
#include <chrono>

#include <wholesale_ha/policy/format.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wha_node {

using nlohmann::json;
namespace policy = wholesale_ha::policy;

namespace {

bool same(const policy::Action& a, const policy::Action& b) {
  return a.kind == b.kind && a.resource == b.resource && a.node == b.node && a.target == b.target;
}

}  // namespace

Activity::Activity(Clock clock) : clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); };
  }
}

void Activity::started(const policy::Action& action) { running_.push_back({action, clock_(), nullptr}); }

void Activity::finished(const wholesale_ha::executor::ActionResult& r) {
  auto it = std::find_if(running_.begin(), running_.end(), [&](const auto& x) { return same(x.action, r.action); });
  if (it != running_.end()) running_.erase(it);
  if (r.skipped) return;
  const double now = clock_();
  const std::string reason = wholesale_ha::valid_utf8(r.result.reason);
  recent_.push_back({{"time", now},
                     {"action", wholesale_ha::valid_utf8(policy::describe(r.action))},
                     {"ok", r.result.ok()},
                     {"reason", reason}});
  while (recent_.size() > kRecent) recent_.pop_front();
  if (r.action.kind == policy::ActionKind::fence) {
    fencing_.push_back({{"time", now}, {"node", r.action.node}, {"ok", r.result.ok()}, {"reason", reason}});
    while (fencing_.size() > kFencing) fencing_.pop_front();
  }
}

void Activity::migration_progress(const std::string& resource, double percent, std::uint64_t remaining_bytes,
                                  std::uint64_t total_bytes) {
  for (auto& r : running_) {
    if (r.action.kind == policy::ActionKind::migrate && r.action.resource == resource) {
      r.progress = {{"percent", percent}, {"remaining_bytes", remaining_bytes}, {"total_bytes", total_bytes}};
    }
  }
}

json Activity::in_flight() const {
  json out = json::array();
  for (const auto& r : running_) {
    out.push_back({{"action", wholesale_ha::valid_utf8(policy::describe(r.action))},
                   {"kind", policy::to_string(r.action.kind)},
                   {"resource", r.action.resource},
                   {"node", r.action.node},
                   {"target", r.action.target ? json(*r.action.target) : json(nullptr)},
                   {"since", r.since},
                   {"progress", r.progress}});
  }
  return out;
}

}  // namespace wha_node
