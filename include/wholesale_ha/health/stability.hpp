#pragma once
// Keeps a published health value steady: a worse value may have to persist for `confirm`
// before it is published, a better one for `min_dwell`, so a flapping sensor does not move
// VMs back and forth. A sticky red stays until an operator clears it.
//
// stabilise() is a pure step function: the state after one more verdict at time `now`.

#include <optional>

#include <wholesale_ha/health/value.hpp>
#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::health {

struct Stability {
  /// How long a worse value must be seen continuously before it is published.
  model::Duration confirm{0};
  /// How long a better value must be seen continuously before it is published.
  model::Duration min_dwell{0};

  friend bool operator==(const Stability&, const Stability&) = default;
};

struct StableValue {
  /// What the attribute holds; unset until the first verdict.
  std::optional<HealthValue> published;
  /// When `published` took its value.
  model::Timestamp since = 0;
  /// A different value seen since `pending_since`, waiting for confirm / min_dwell.
  std::optional<HealthValue> pending;
  model::Timestamp pending_since = 0;
  /// Red held until clear().
  bool latched = false;

  friend bool operator==(const StableValue&, const StableValue&) = default;
};

/// The state after the verdict `raw` at `now`. `sticky_red` latches red at once.
StableValue stabilise(StableValue state, const HealthValue& raw, bool sticky_red,
                      model::Timestamp now, const Stability& stability);

/// An operator's clear(): publishes `raw` at once, without latch or pending value.
StableValue reset_to(const HealthValue& raw, model::Timestamp now);

}  // namespace wholesale_ha::health
