#include <wholesale_ha/health/probe.hpp>

namespace wholesale_ha::health {

ProbeResult ProbeResult::judged(HealthValue value, std::string evidence) {
  ProbeResult r;
  r.value = value;
  r.evidence = std::move(evidence);
  return r;
}

ProbeResult ProbeResult::unavailable(std::string reason) {
  ProbeResult r;
  r.status = Status::unavailable;
  r.reason = std::move(reason);
  return r;
}

ProbeResult ProbeResult::failure(std::string reason) {
  ProbeResult r;
  r.status = Status::failed;
  r.reason = std::move(reason);
  return r;
}

std::string_view to_string(ProbeResult::Status status) noexcept {
  switch (status) {
    case ProbeResult::Status::ok: return "ok";
    case ProbeResult::Status::unavailable: return "unavailable";
    case ProbeResult::Status::failed: return "failed";
  }
  return "?";
}

}  // namespace wholesale_ha::health
