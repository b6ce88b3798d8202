#include <wholesale_ha/health/stability.hpp>

namespace wholesale_ha::health {
namespace {

bool held_for(model::Timestamp since, model::Timestamp now, model::Duration duration) {
  return (now - since) * 1000 >= duration.count();
}

}  // namespace

StableValue stabilise(StableValue state, const HealthValue& raw, bool sticky_red,
                      model::Timestamp now, const Stability& stability) {
  if (state.latched) {
    state.pending.reset();
    return state;
  }
  if (sticky_red) {
    if (state.published != HealthValue{Colour::red}) {
      state.published = Colour::red;
      state.since = now;
    }
    state.latched = true;
    state.pending.reset();
    return state;
  }
  // Before the first value, "green" is the baseline: a good first verdict is published at
  // once, a bad one must be confirmed like any other worsening.
  const HealthValue current = state.published.value_or(Colour::green);
  if (!state.published && !worse(raw, current)) {
    state.published = raw;
    state.since = now;
    return state;
  }
  if (state.published && raw == current) {
    state.pending.reset();
    return state;
  }
  const bool getting_worse = worse(raw, current);
  const bool same_streak = state.pending && worse(*state.pending, current) == getting_worse;
  if (!same_streak) state.pending_since = now;
  state.pending = raw;
  if (held_for(state.pending_since, now, getting_worse ? stability.confirm : stability.min_dwell)) {
    state.published = raw;
    state.since = now;
    state.pending.reset();
  }
  return state;
}

StableValue reset_to(const HealthValue& raw, model::Timestamp now) {
  StableValue state;
  state.published = raw;
  state.since = now;
  return state;
}

}  // namespace wholesale_ha::health
