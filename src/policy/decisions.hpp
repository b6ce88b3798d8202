#pragma once
// From placement to actions (docs/policy.md §4–§7): per resource, what to stop, start or
// migrate, then restarts forced by dependencies and the migration limit.

#include <vector>

#include <boost/container/small_vector.hpp>

#include <wholesale_ha/policy/transition.hpp>

#include "compiled.hpp"
#include "placement.hpp"
#include "reasons.hpp"

namespace wholesale_ha::policy::detail {

/// An action before it gets an id.
struct Proto {
  ActionKind kind = ActionKind::start;
  Index resource = kNone;  ///< kNone for fence
  Index node = kNone;
  Index target = kNone;  ///< migrate destination
  Reason reason;
};

/// One resource's actions: nearly always one or two, kept inline so that deciding a move
/// allocates nothing (an allocation per moving resource was 3% of a plan).
using ProtoList = boost::container::small_vector<Proto, 2>;

struct Decisions {
  std::vector<ProtoList> by_resource;
  std::vector<Proto> fences;
  std::vector<Notice> notices;
};

/// Everything the placement implies, with dependency restarts and migration staging applied.
Decisions decide(const Compiled& c, const Placement& p, const ReasonWriter& reasons);

/// The no-quorum path (docs/policy.md §6): placement is skipped entirely.
Decisions decide_without_quorum(const Compiled& c);

/// Replaces `r`'s migration with stop on the source + start on the target, keeping `why`.
void migration_to_move(ProtoList& protos, const Reason& why);

}  // namespace wholesale_ha::policy::detail
