#pragma once
// Prediction rules: thresholds on a metric's latest value or on its trend over a sliding
// window, with hysteresis, and "sticky" rules whose red lasts until an operator clears it.
//
// evaluate() is a pure function of the samples (with their timestamps), the time and what
// the previous evaluation found: the monitor supplies time, tests supply it by hand.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <wholesale_ha/health/probe.hpp>
#include <wholesale_ha/health/value.hpp>
#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::health {

enum class Trend {
  none,      ///< the latest value
  increase,  ///< growth within the window: the sum of the rises between samples, so a
             ///< counter that resets (a reboot) is not read as a huge drop or rise
  slope,     ///< least-squares slope over the window, as change per window length
};

enum class Direction {
  above,  ///< a level is reached when the observed number is >= its threshold
  below,  ///< ... when it is <= its threshold (margins, spare capacity)
};

struct Rule {
  std::string metric;
  /// Only this subject ("sda"); every subject when unset.
  std::optional<std::string> subject;
  Trend trend = Trend::none;
  /// Trends only: how far back the rule looks.
  model::Duration window{0};
  Direction direction = Direction::above;
  std::optional<double> yellow;
  std::optional<double> red;
  /// A level, once reached, is kept until the number is this far back on the good side of
  /// its threshold (a sensor hovering around a threshold does not flap).
  double hysteresis = 0;
  /// Red from this rule stays until HealthMonitor::clear(); afterwards the rule counts only
  /// what happened since the clear.
  bool sticky = false;

  friend bool operator==(const Rule&, const Rule&) = default;
};

/// One probe run's measurements and when they were taken.
struct Sample {
  model::Timestamp time = 0;
  std::vector<Measurement> measurements;
};

/// What one rule found for one subject (only levels above green are kept).
struct Finding {
  std::size_t rule = 0;  ///< index into the rule list
  std::string subject;
  Colour level = Colour::green;
  /// The number compared with the thresholds: the value, the increase or the slope.
  double observed = 0;

  friend bool operator==(const Finding&, const Finding&) = default;
};

/// An operator's clear() of a sticky rule for one subject: afterwards the rule sees only
/// samples from `at` on, and threshold rules compare the value minus `baseline`.
struct Acknowledgement {
  std::size_t rule = 0;
  std::string subject;
  model::Timestamp at = 0;
  double baseline = 0;

  friend bool operator==(const Acknowledgement&, const Acknowledgement&) = default;
};

struct Evaluation {
  Colour level = Colour::green;
  /// A sticky rule found red: the monitor latches red until clear().
  bool sticky_red = false;
  std::vector<Finding> findings;
  /// "sda (ST4000DM000 S/N Z300ABCD): reallocated sectors 12 (+8 in 1h), pending sectors 3",
  /// or "ok: sda, sdb" when nothing was found.
  std::string evidence;
};

/// Evaluates `rules` against `history` (oldest first; the last sample is the current one).
/// Subjects absent from the last sample are not evaluated. `previous` is the previous
/// evaluation's findings, for hysteresis.
Evaluation evaluate(std::span<const Rule> rules, std::span<const Sample> history,
                    model::Timestamp now, std::span<const Finding> previous = {},
                    std::span<const Acknowledgement> acknowledged = {});

/// The acknowledgements clear() records: one per sticky rule and subject of `latest`.
std::vector<Acknowledgement> acknowledge(std::span<const Rule> rules, const Sample& latest,
                                         model::Timestamp now);

/// How far back samples must be kept for `rules`: their longest window (0 without trends).
model::Duration history_needed(std::span<const Rule> rules) noexcept;

}  // namespace wholesale_ha::health
