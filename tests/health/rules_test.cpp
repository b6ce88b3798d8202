// Prediction rules as a pure function of timestamped samples and the time: thresholds,
// directions, trends, hysteresis, sticky rules with acknowledgements, and the evidence.

#include <gtest/gtest.h>

#include <wholesale_ha/health/rules.hpp>

namespace {

using namespace wholesale_ha::health;
using namespace std::chrono_literals;
using wholesale_ha::model::Timestamp;

constexpr Timestamp kT0 = 1'795'590'000;

Measurement m(std::string subject, std::string metric, double value, std::string unit = {}) {
  return {std::move(subject), {}, std::move(metric), value, std::move(unit), {}};
}

Rule threshold(std::string metric, std::optional<double> yellow, std::optional<double> red) {
  Rule r;
  r.metric = std::move(metric);
  r.yellow = yellow;
  r.red = red;
  return r;
}

Rule trend(std::string metric, Trend kind, wholesale_ha::model::Duration window,
           std::optional<double> yellow, std::optional<double> red) {
  Rule r = threshold(std::move(metric), yellow, red);
  r.trend = kind;
  r.window = window;
  return r;
}

/// One metric of one subject sampled at the given (seconds after kT0, value) points.
std::vector<Sample> series(const std::string& metric, std::vector<std::pair<int, double>> points,
                           const std::string& subject = "sda") {
  std::vector<Sample> out;
  for (auto [offset, value] : points) out.push_back({kT0 + offset, {m(subject, metric, value)}});
  return out;
}

TEST(Rules, ThresholdsAbove) {
  const std::vector<Rule> rules{threshold("pending_sectors", 1, 10)};
  EXPECT_EQ(evaluate(rules, series("pending_sectors", {{0, 0}}), kT0).level, Colour::green);
  EXPECT_EQ(evaluate(rules, series("pending_sectors", {{0, 1}}), kT0).level, Colour::yellow);
  EXPECT_EQ(evaluate(rules, series("pending_sectors", {{0, 10}}), kT0).level, Colour::red);
}

TEST(Rules, ThresholdsBelowForMargins) {
  Rule rule = threshold("crit_margin", 5, 0);
  rule.direction = Direction::below;
  const std::vector<Rule> rules{rule};
  EXPECT_EQ(evaluate(rules, series("crit_margin", {{0, 20}}), kT0).level, Colour::green);
  EXPECT_EQ(evaluate(rules, series("crit_margin", {{0, 5}}), kT0).level, Colour::yellow);
  EXPECT_EQ(evaluate(rules, series("crit_margin", {{0, -1}}), kT0).level, Colour::red);
}

TEST(Rules, OnlyTheNamedSubject) {
  Rule rule = threshold("state", 1, 2);
  rule.subject = "FAN2";
  const std::vector<Rule> rules{rule};
  const std::vector<Sample> history{{kT0, {m("CPU1 Temp", "state", 2), m("FAN2", "state", 0)}}};
  EXPECT_EQ(evaluate(rules, history, kT0).level, Colour::green);
}

TEST(Rules, WorstFindingWinsAndAllAreListed) {
  const std::vector<Rule> rules{threshold("reallocated_sectors", 1, std::nullopt),
                                threshold("pending_sectors", 1, 10)};
  const std::vector<Sample> history{
      {kT0,
       {m("sda", "reallocated_sectors", 3), m("sda", "pending_sectors", 0),
        m("sdb", "reallocated_sectors", 0), m("sdb", "pending_sectors", 12)}}};
  const auto e = evaluate(rules, history, kT0);
  EXPECT_EQ(e.level, Colour::red);
  ASSERT_EQ(e.findings.size(), 2U);
  EXPECT_EQ(e.evidence, "sdb: pending sectors 12; sda: reallocated sectors 3");
}

TEST(Rules, IncreaseOverTheWindowOnly) {
  const std::vector<Rule> rules{trend("ce_count", Trend::increase, 1h, 10, 100)};
  // Rises before the window (+5) and across its start (+4) do not count; +12 within it does.
  const auto history = series("ce_count", {{0, 0}, {2400, 5}, {4800, 9}, {7200, 21}});
  const auto e = evaluate(rules, history, kT0 + 7200);
  EXPECT_EQ(e.level, Colour::yellow);
  ASSERT_EQ(e.findings.size(), 1U);
  EXPECT_EQ(e.findings[0].observed, 12);
  EXPECT_EQ(e.evidence, "sda: corrected errors 21 (+12 in 1h)");
}

TEST(Rules, IncreaseSurvivesACounterReset) {
  // A reboot resets the counter: 50 → 0 is not a drop of 50, and 0 → 3 is a rise of 3.
  const std::vector<Rule> rules{trend("ce_count", Trend::increase, 1h, 5, std::nullopt)};
  const auto history = series("ce_count", {{0, 48}, {600, 50}, {1200, 0}, {1800, 3}});
  const auto e = evaluate(rules, history, kT0 + 1800);
  EXPECT_EQ(e.level, Colour::yellow);
  EXPECT_EQ(e.findings.at(0).observed, 5);
}

TEST(Rules, SlopeNeedsHalfTheWindowOfSamples) {
  const std::vector<Rule> rules{trend("temperature", Trend::slope, 10min, 5, 15)};
  // Two samples 60s apart with +3°C would extrapolate to +30°C per 10min: too little data.
  EXPECT_EQ(evaluate(rules, series("temperature", {{0, 60}, {60, 63}}), kT0 + 60).level,
            Colour::green);
  // Rising steadily by 1°C a minute over 6 minutes: +10°C per 10min.
  const auto rising = series("temperature", {{0, 60}, {120, 62}, {240, 64}, {360, 66}});
  const auto e = evaluate(rules, rising, kT0 + 360);
  EXPECT_EQ(e.level, Colour::yellow);
  EXPECT_NEAR(e.findings.at(0).observed, 10.0, 1e-9);
}

TEST(Rules, HysteresisHoldsALevelNearItsThreshold) {
  Rule rule = threshold("temperature", 80, 95);
  rule.hysteresis = 5;
  const std::vector<Rule> rules{rule};
  const auto hot = evaluate(rules, series("temperature", {{0, 81}}), kT0);
  ASSERT_EQ(hot.level, Colour::yellow);
  // 77 is below 80 but within 5 of it: still yellow, given what was found before.
  const auto cooling = evaluate(rules, series("temperature", {{30, 77}}), kT0 + 30, hot.findings);
  EXPECT_EQ(cooling.level, Colour::yellow);
  // Without that memory, 77 is simply green; and 74 is green either way.
  EXPECT_EQ(evaluate(rules, series("temperature", {{30, 77}}), kT0 + 30).level, Colour::green);
  EXPECT_EQ(evaluate(rules, series("temperature", {{60, 74}}), kT0 + 60, cooling.findings).level,
            Colour::green);
}

TEST(Rules, HysteresisOnABelowRule) {
  Rule rule = threshold("crit_margin", std::nullopt, 0);
  rule.direction = Direction::below;
  rule.hysteresis = 3;
  const std::vector<Rule> rules{rule};
  const auto red = evaluate(rules, series("crit_margin", {{0, -1}}), kT0);
  ASSERT_EQ(red.level, Colour::red);
  EXPECT_EQ(evaluate(rules, series("crit_margin", {{30, 2}}), kT0 + 30, red.findings).level,
            Colour::red);
  EXPECT_EQ(evaluate(rules, series("crit_margin", {{30, 4}}), kT0 + 30, red.findings).level,
            Colour::green);
}

TEST(Rules, StickyRulesCountFromTheirAcknowledgement) {
  Rule rule = threshold("ue_count", std::nullopt, 1);
  rule.sticky = true;
  const std::vector<Rule> rules{rule};
  auto history = series("ue_count", {{0, 1}}, "mc0");
  const auto before = evaluate(rules, history, kT0);
  EXPECT_EQ(before.level, Colour::red);
  EXPECT_TRUE(before.sticky_red);

  const auto acks = acknowledge(rules, history.back(), kT0 + 10);
  ASSERT_EQ(acks.size(), 1U);
  EXPECT_EQ(acks[0].baseline, 1);
  EXPECT_EQ(evaluate(rules, history, kT0 + 10, {}, acks).level, Colour::green);
  // A new uncorrected error after the clear is red again.
  history.push_back({kT0 + 60, {m("mc0", "ue_count", 2)}});
  EXPECT_TRUE(evaluate(rules, history, kT0 + 60, {}, acks).sticky_red);
}

TEST(Rules, AcknowledgementsApplyToStickyRulesOnly) {
  const std::vector<Rule> rules{threshold("ue_count", std::nullopt, 1)};
  const auto history = series("ue_count", {{0, 1}}, "mc0");
  const std::vector<Acknowledgement> acks{{0, "mc0", kT0, 1}};
  EXPECT_EQ(evaluate(rules, history, kT0, {}, acks).level, Colour::red);
  EXPECT_TRUE(acknowledge(rules, history.back(), kT0).empty());
}

TEST(Rules, EvidenceUsesTheProbesWordsAndDetail) {
  const std::vector<Rule> rules{threshold("smart_failed", std::nullopt, 1),
                                threshold("reallocated_sectors", 1, std::nullopt),
                                trend("reallocated_sectors", Trend::increase, 1h, std::nullopt, 5)};
  std::vector<Sample> history;
  for (auto [offset, count] : std::vector<std::pair<int, double>>{{0, 4}, {1800, 12}}) {
    history.push_back({kT0 + offset,
                       {{"sda", "ST4000DM004 S/N ZFN1", "smart_failed", 1, "", "SMART overall-health FAILED"},
                        {"sda", "ST4000DM004 S/N ZFN1", "reallocated_sectors", count, "", ""}}});
  }
  EXPECT_EQ(evaluate(rules, history, kT0 + 1800).evidence,
            "sda (ST4000DM004 S/N ZFN1): SMART overall-health FAILED, reallocated sectors 12 "
            "(+8 in 1h)");
}

TEST(Rules, GreenEvidenceNamesWhatWasChecked) {
  const std::vector<Rule> rules{threshold("temperature", 80, 95)};
  std::vector<Sample> history{{kT0, {m("coretemp/Core 0", "temperature", 44, "°C"),
                                     m("coretemp/Core 1", "temperature", 45, "°C")}}};
  EXPECT_EQ(evaluate(rules, history, kT0).evidence, "ok: coretemp/Core 0, coretemp/Core 1");
  EXPECT_EQ(evaluate(rules, std::vector<Sample>{}, kT0).evidence, "nothing measured");
}

TEST(Rules, HistoryNeededIsTheLongestWindow) {
  const std::vector<Rule> rules{threshold("a", 1, 2), trend("b", Trend::increase, 1h, 1, 2),
                                trend("c", Trend::slope, 24h, 1, 2)};
  EXPECT_EQ(history_needed(rules), std::chrono::hours{24});
  EXPECT_EQ(history_needed(std::vector<Rule>{threshold("a", 1, 2)}).count(), 0);
}

}  // namespace
