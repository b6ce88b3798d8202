#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wholesale_ha::model {

/// One problem found in an input document, located by JSON pointer (RFC 6901).
struct Diagnostic {
  enum class Severity { error, warning };

  Severity severity = Severity::error;
  std::string pointer;  ///< "" is the whole document
  std::string message;  ///< what is wrong and, where it helps, how to fix it

  /// "/resources/3/meta/stickiness: expected integer or \"INFINITY\", got \"high\""
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// The outcome of loading: a value when there were no errors, and every diagnostic found
/// (loading does not stop at the first problem).
template <class T>
struct LoadResult {
  std::optional<T> value;
  std::vector<Diagnostic> diagnostics;

  [[nodiscard]] bool ok() const noexcept { return value.has_value(); }

  [[nodiscard]] std::vector<Diagnostic> errors() const {
    return filtered(Diagnostic::Severity::error);
  }
  [[nodiscard]] std::vector<Diagnostic> warnings() const {
    return filtered(Diagnostic::Severity::warning);
  }

 private:
  [[nodiscard]] std::vector<Diagnostic> filtered(Diagnostic::Severity severity) const {
    std::vector<Diagnostic> out;
    for (const auto& d : diagnostics) {
      if (d.severity == severity) out.push_back(d);
    }
    return out;
  }
};

}  // namespace wholesale_ha::model
