#include <wholesale_ha/result.hpp>

#include <algorithm>
#include <array>

namespace wholesale_ha {

namespace {

constexpr std::array<std::pair<Errc, std::string_view>, 13> kNames{{
    {Errc::io, "io"},
    {Errc::too_large, "too-large"},
    {Errc::syntax, "syntax"},
    {Errc::invalid_value, "invalid-value"},
    {Errc::missing_field, "missing-field"},
    {Errc::unknown_field, "unknown-field"},
    {Errc::duplicate, "duplicate"},
    {Errc::unknown_reference, "unknown-reference"},
    {Errc::conflict, "conflict"},
    {Errc::unsupported, "unsupported"},
    {Errc::unavailable, "unavailable"},
    {Errc::failed, "failed"},
    {Errc::internal, "internal"},
}};

std::string joined(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

}  // namespace

std::string_view to_string(Errc code) noexcept {
  for (const auto& [value, name] : kNames) {
    if (value == code) return name;
  }
  return "internal";
}

std::optional<Errc> errc_from_string(std::string_view name) noexcept {
  for (const auto& [value, spelled] : kNames) {
    if (spelled == name) return value;
  }
  return std::nullopt;
}

std::string Diagnostic::to_string() const {
  return (pointer.empty() ? std::string{"(document)"} : pointer) + ": " + message;
}

BadResultAccess::BadResultAccess(const std::vector<Diagnostic>& diagnostics)
    : std::logic_error("no value: " + joined(diagnostics)) {}

bool ResultBase::has_error(const std::vector<Diagnostic>& diagnostics) noexcept {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.is_error(); });
}

void ResultBase::ensure_error(std::vector<Diagnostic>& diagnostics) {
  if (!has_error(diagnostics)) {
    diagnostics.push_back(Diagnostic::error(Errc::internal, "", "failed without saying why"));
  }
}

const Diagnostic& ResultBase::error() const {
  for (const auto& d : diagnostics_) {
    if (d.is_error()) return d;
  }
  throw std::logic_error("Result::error() called on a result without an error");
}

std::string ResultBase::to_string() const { return joined(diagnostics_); }

void ResultBase::add_warnings(const std::vector<Diagnostic>& warnings) {
  for (const auto& w : warnings) {
    if (!w.is_error()) diagnostics_.push_back(w);
  }
}

std::vector<Diagnostic> ResultBase::filtered(Diagnostic::Severity severity) const {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics_) {
    if (d.severity == severity) out.push_back(d);
  }
  return out;
}

void Result<void>::value() const {
  if (!ok()) throw BadResultAccess(diagnostics_);
}

}  // namespace wholesale_ha
