#pragma once
// The invariants of every probe output parser: what it reports is finite and printable
// (wha-health --json and the node's status serialise all of it).

#include <cmath>

#include <wholesale_ha/health/probe.hpp>

#include "fuzz_check.hpp"

namespace wholesale_ha::fuzz {

inline void check_probe_result(const health::ProbeResult& result) {
  for (const auto& m : result.measurements) {
    check(std::isfinite(m.value), "measurement is not finite", m.metric);
    check_utf8(m.subject, "measurement subject");
    check_utf8(m.subject_detail, "measurement subject_detail");
    check_utf8(m.metric, "measurement metric");
    check_utf8(m.unit, "measurement unit");
    check_utf8(m.text, "measurement text");
  }
  check_utf8(result.evidence, "evidence");
  check_utf8(result.reason, "reason");
  for (const auto& note : result.notes) check_utf8(note, "note");
  if (result.status != health::ProbeResult::Status::ok) {
    check(!result.reason.empty(), "a failed or unavailable result gives no reason");
  }
}

}  // namespace wholesale_ha::fuzz
