#include <wholesale_ha/health/rules.hpp>

#include <algorithm>
#include <utility>

#include "evidence.hpp"

namespace wholesale_ha::health {
namespace {

struct Point {
  double time;
  double value;
};

double seconds(model::Duration d) { return static_cast<double>(d.count()) / 1000.0; }

/// One subject's metric over the samples taken at or after `from`, oldest first.
std::vector<Point> series(std::span<const Sample> history, std::string_view subject,
                          std::string_view metric, model::Timestamp from) {
  std::vector<Point> out;
  for (const auto& sample : history) {
    if (sample.time < from) continue;
    for (const auto& m : sample.measurements) {
      if (m.subject == subject && m.metric == metric) {
        out.push_back({static_cast<double>(sample.time), m.value});
        break;
      }
    }
  }
  return out;
}

double increase(const std::vector<Point>& points) {
  double total = 0;
  for (std::size_t i = 1; i < points.size(); ++i) {
    total += std::max(0.0, points[i].value - points[i - 1].value);
  }
  return total;
}

/// Least-squares slope as change per `window`; none until the samples span half the window,
/// so two noisy samples a few seconds apart are not extrapolated to an hour.
std::optional<double> slope(const std::vector<Point>& points, double window) {
  if (points.size() < 2 || 2 * (points.back().time - points.front().time) < window) {
    return std::nullopt;
  }
  double mean_t = 0;
  double mean_v = 0;
  for (const auto& p : points) {
    mean_t += p.time;
    mean_v += p.value;
  }
  mean_t /= static_cast<double>(points.size());
  mean_v /= static_cast<double>(points.size());
  double covariance = 0;
  double variance = 0;
  for (const auto& p : points) {
    covariance += (p.time - mean_t) * (p.value - mean_v);
    variance += (p.time - mean_t) * (p.time - mean_t);
  }
  if (variance <= 0) return std::nullopt;
  return covariance / variance * window;
}

std::optional<double> observe(const Rule& rule, std::span<const Sample> history,
                              const Measurement& latest, model::Timestamp now,
                              const Acknowledgement* acknowledged) {
  if (rule.trend == Trend::none) {
    return latest.value - (acknowledged != nullptr ? acknowledged->baseline : 0.0);
  }
  model::Timestamp from = now - static_cast<model::Timestamp>(rule.window.count() / 1000);
  if (acknowledged != nullptr) from = std::max(from, acknowledged->at);
  const auto points = series(history, latest.subject, rule.metric, from);
  if (rule.trend == Trend::increase) return increase(points);
  return slope(points, seconds(rule.window));
}

bool reaches(const Rule& rule, double observed, double threshold, bool held) {
  const double margin = held ? rule.hysteresis : 0.0;
  return rule.direction == Direction::above ? observed >= threshold - margin
                                            : observed <= threshold + margin;
}

Colour level_of(const Rule& rule, double observed, Colour previous) {
  if (rule.red && reaches(rule, observed, *rule.red, previous == Colour::red)) return Colour::red;
  if (rule.yellow && reaches(rule, observed, *rule.yellow, previous >= Colour::yellow)) {
    return Colour::yellow;
  }
  return Colour::green;
}

Colour previous_level(std::span<const Finding> previous, std::size_t rule,
                      std::string_view subject) {
  for (const auto& f : previous) {
    if (f.rule == rule && f.subject == subject) return f.level;
  }
  return Colour::green;
}

const Acknowledgement* find_acknowledgement(std::span<const Acknowledgement> acknowledged,
                                            std::size_t rule, std::string_view subject) {
  for (const auto& a : acknowledged) {
    if (a.rule == rule && a.subject == subject) return &a;
  }
  return nullptr;
}

bool applies(const Rule& rule, const Measurement& m) {
  return m.metric == rule.metric && (!rule.subject || *rule.subject == m.subject);
}

}  // namespace

Evaluation evaluate(std::span<const Rule> rules, std::span<const Sample> history,
                    model::Timestamp now, std::span<const Finding> previous,
                    std::span<const Acknowledgement> acknowledged) {
  Evaluation out;
  if (history.empty()) {
    out.evidence = "nothing measured";
    return out;
  }
  const Sample& latest = history.back();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    for (const auto& m : latest.measurements) {
      if (!applies(rule, m)) continue;
      const Acknowledgement* ack =
          rule.sticky ? find_acknowledgement(acknowledged, i, m.subject) : nullptr;
      const auto observed = observe(rule, history, m, now, ack);
      if (!observed) continue;
      const Colour level = level_of(rule, *observed, previous_level(previous, i, m.subject));
      if (level == Colour::green) continue;
      out.findings.push_back({i, m.subject, level, *observed});
      out.level = std::max(out.level, level);
      if (level == Colour::red && rule.sticky) out.sticky_red = true;
    }
  }
  out.evidence = detail::describe_findings(rules, latest, out.findings);
  return out;
}

std::vector<Acknowledgement> acknowledge(std::span<const Rule> rules, const Sample& latest,
                                         model::Timestamp now) {
  std::vector<Acknowledgement> out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].sticky) continue;
    for (const auto& m : latest.measurements) {
      if (applies(rules[i], m)) out.push_back({i, m.subject, now, m.value});
    }
  }
  return out;
}

model::Duration history_needed(std::span<const Rule> rules) noexcept {
  model::Duration longest{0};
  for (const auto& rule : rules) {
    if (rule.trend != Trend::none) longest = std::max(longest, rule.window);
  }
  return longest;
}

}  // namespace wholesale_ha::health
