#include "evidence.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace wholesale_ha::health::detail {
namespace {

/// Words for metrics whose name alone would read poorly; the rest read as their name with
/// spaces ("reallocated_sectors" → "reallocated sectors").
std::string metric_words(std::string_view metric) {
  if (metric == "ce_count") return "corrected errors";
  if (metric == "ue_count") return "uncorrected errors";
  if (metric == "offline_uncorrectable") return "offline uncorrectable sectors";
  std::string words{metric};
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

std::string base_fact(const Measurement& m) {
  if (!m.text.empty()) return m.text;
  return metric_words(m.metric) + " " + format_number(m.value) + m.unit;
}

std::string trend_fact(const Rule& rule, const Finding& finding, std::string_view unit) {
  const std::string window = model::duration_to_string(rule.window);
  if (rule.trend == Trend::increase) {
    return fmt::format("+{}{} in {}", format_number(finding.observed), unit, window);
  }
  const std::string sign = finding.observed >= 0 ? "+" : "";
  return fmt::format("{}{}{} per {}", sign, format_number(finding.observed), unit, window);
}

const Measurement* find_measurement(const Sample& sample, std::string_view subject,
                                    std::string_view metric) {
  for (const auto& m : sample.measurements) {
    if (m.subject == subject && m.metric == metric) return &m;
  }
  return nullptr;
}

std::vector<std::string> subjects_in_order(const Sample& sample) {
  std::vector<std::string> out;
  for (const auto& m : sample.measurements) {
    if (std::find(out.begin(), out.end(), m.subject) == out.end()) out.push_back(m.subject);
  }
  return out;
}

std::string all_clear(const Sample& latest) {
  const auto subjects = subjects_in_order(latest);
  if (subjects.empty()) return "nothing measured";
  constexpr std::size_t kListed = 6;
  if (subjects.size() <= kListed) return fmt::format("ok: {}", fmt::join(subjects, ", "));
  return fmt::format("ok: {} and {} more",
                     fmt::join(subjects.begin(), subjects.begin() + kListed, ", "),
                     subjects.size() - kListed);
}

/// One subject's facts: each metric a rule found something in, once, with its trends.
std::string subject_facts(std::span<const Rule> rules, const Sample& latest,
                          std::span<const Finding> findings, const std::string& subject) {
  std::vector<std::string> metrics;
  for (const auto& f : findings) {
    const auto& metric = rules[f.rule].metric;
    if (f.subject == subject && std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) {
      metrics.push_back(metric);
    }
  }
  std::vector<std::string> facts;
  std::string detail;
  for (const auto& metric : metrics) {
    const Measurement* m = find_measurement(latest, subject, metric);
    if (m == nullptr) continue;
    if (detail.empty()) detail = m->subject_detail;
    std::vector<std::string> trends;
    for (const auto& f : findings) {
      const Rule& rule = rules[f.rule];
      if (f.subject == subject && rule.metric == metric && rule.trend != Trend::none) {
        trends.push_back(trend_fact(rule, f, m->unit));
      }
    }
    std::string fact = base_fact(*m);
    if (!trends.empty()) fact += fmt::format(" ({})", fmt::join(trends, ", "));
    facts.push_back(std::move(fact));
  }
  std::string head = subject;
  if (!detail.empty()) head += " (" + detail + ")";
  return fmt::format("{}: {}", head, fmt::join(facts, ", "));
}

}  // namespace

std::string format_number(double value) {
  if (std::isfinite(value) && std::fabs(value) < 1e15 && value == std::floor(value)) {
    return fmt::format("{:.0f}", value);
  }
  std::string text = fmt::format("{:.2f}", value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string describe_findings(std::span<const Rule> rules, const Sample& latest,
                              std::span<const Finding> findings) {
  if (findings.empty()) return all_clear(latest);
  // Worst subjects first; among equals, the order the probe reported them in.
  auto subjects = subjects_in_order(latest);
  auto worst = [&](const std::string& subject) {
    Colour level = Colour::green;
    for (const auto& f : findings) {
      if (f.subject == subject) level = std::max(level, f.level);
    }
    return level;
  };
  std::stable_sort(subjects.begin(), subjects.end(),
                   [&](const auto& a, const auto& b) { return worst(a) > worst(b); });
  std::vector<std::string> parts;
  for (const auto& subject : subjects) {
    if (worst(subject) == Colour::green) break;
    parts.push_back(subject_facts(rules, latest, findings, subject));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace wholesale_ha::health::detail
