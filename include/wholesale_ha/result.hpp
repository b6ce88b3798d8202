#pragma once
// The library's one error vocabulary: every public function that can fail returns a
// Result<T> — a value, or the diagnostics that explain why there is none. Each diagnostic
// has a stable code a program can branch on, where the problem is, and a message for people.
//
// Why not std::expected: GCC 12 (Debian 12) has none in C++20, and loading needs what
// expected<T, E> cannot hold — warnings beside a value (a CIB import that dropped a feature
// still yields a cluster). The interface follows std::expected where the two overlap.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace wholesale_ha {

/// Stable codes: their names (to_string) appear in JSON output and never change meaning.
enum class Errc {
  io,                 ///< a file cannot be opened or read
  too_large,          ///< beyond a size, depth or count limit
  syntax,             ///< not well-formed (JSON, XML, a "node:attr=value" spec)
  invalid_value,      ///< the wrong type, form or range for its field
  missing_field,      ///< a required field is absent
  unknown_field,      ///< a field this version does not know
  duplicate,          ///< an id, key or name used twice
  unknown_reference,  ///< names a node, resource, probe or device that does not exist
  conflict,           ///< settings (or a request and the cluster's state) contradict each other
  unsupported,        ///< valid input this library does not implement (dropped, with a warning)
  unavailable,        ///< a service or peer cannot be reached (libvirt, corosync, a fence device)
  failed,             ///< an external program or operation failed
  internal,           ///< an unexpected failure inside the library (a bug: please report it)
};

/// "invalid-value", ... (kebab-case, as in JSON output).
[[nodiscard]] std::string_view to_string(Errc code) noexcept;
/// The code named by to_string(), or nullopt.
[[nodiscard]] std::optional<Errc> errc_from_string(std::string_view name) noexcept;

/// One problem, located by JSON pointer (RFC 6901) in JSON inputs, by an XPath-like location
/// in a CIB, or by the name of what a command was about.
struct Diagnostic {
  enum class Severity { error, warning };

  Severity severity = Severity::error;
  Errc code = Errc::invalid_value;
  std::string pointer;  ///< "" is the whole input
  std::string message;  ///< what is wrong and, where it helps, how to fix it

  [[nodiscard]] static Diagnostic error(Errc code, std::string pointer, std::string message) {
    return {Severity::error, code, std::move(pointer), std::move(message)};
  }
  [[nodiscard]] static Diagnostic warning(Errc code, std::string pointer, std::string message) {
    return {Severity::warning, code, std::move(pointer), std::move(message)};
  }
  [[nodiscard]] bool is_error() const noexcept { return severity == Severity::error; }

  /// "/resources/3/meta/stickiness: expected integer or \"INFINITY\", got \"high\""
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Thrown by Result::value() when there is none (as std::bad_expected_access).
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const std::vector<Diagnostic>& diagnostics);
};

/// Diagnostics shared by Result<T> and Result<void>.
class ResultBase {
 public:
  /// Every diagnostic, errors and warnings, in the order found.
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const& noexcept { return diagnostics_; }
  /// By value: `for (auto& d : f().diagnostics())` must not dangle.
  [[nodiscard]] std::vector<Diagnostic> diagnostics() && noexcept { return std::move(diagnostics_); }
  [[nodiscard]] std::vector<Diagnostic> errors() const { return filtered(Diagnostic::Severity::error); }
  [[nodiscard]] std::vector<Diagnostic> warnings() const { return filtered(Diagnostic::Severity::warning); }
  /// The first error. Precondition: there is one (the result has no value).
  [[nodiscard]] const Diagnostic& error() const;
  /// Every diagnostic, one per line ("pointer: message").
  [[nodiscard]] std::string to_string() const;
  /// Adds warnings found after the value was made (a value with errors is not allowed).
  void add_warnings(const std::vector<Diagnostic>& warnings);
  /// Puts `prefix` (say, the file's name) before the message of each diagnostic `which`
  /// selects.
  template <class Pred>
  void prefix_messages(const std::string& prefix, Pred which) {
    for (auto& d : diagnostics_) {
      if (which(std::as_const(d))) d.message.insert(0, prefix);
    }
  }

 protected:
  ResultBase() = default;
  explicit ResultBase(std::vector<Diagnostic> diagnostics) : diagnostics_(std::move(diagnostics)) {}
  [[nodiscard]] std::vector<Diagnostic> filtered(Diagnostic::Severity severity) const;
  [[nodiscard]] static bool has_error(const std::vector<Diagnostic>& diagnostics) noexcept;
  /// Adds an internal error when a result would otherwise have neither value nor error.
  static void ensure_error(std::vector<Diagnostic>& diagnostics);

  std::vector<Diagnostic> diagnostics_;
};

/// A T, or why there is none. Never both a value and an error.
template <class T>
class [[nodiscard]] Result : public ResultBase {
 public:
  using value_type = T;

  /// A value (with warnings, if any were found).
  Result(T value, std::vector<Diagnostic> warnings = {})  // NOLINT: implicit, as expected<T>
      : ResultBase(std::move(warnings)), value_(std::move(value)) {
    if (has_error(diagnostics_)) value_.reset();
  }
  /// What a loader collected: the value is dropped when there is any error, and a missing
  /// value without an error is an internal error.
  Result(std::optional<T> value, std::vector<Diagnostic> diagnostics)
      : ResultBase(std::move(diagnostics)), value_(std::move(value)) {
    if (has_error(diagnostics_)) value_.reset();
    if (!value_) ensure_error(diagnostics_);
  }
  /// A failure with one error.
  Result(Diagnostic error)  // NOLINT: implicit, as std::unexpected
      : ResultBase({std::move(error)}) {
    ensure_error(diagnostics_);
  }
  [[nodiscard]] static Result failure(std::vector<Diagnostic> diagnostics) {
    return Result(std::optional<T>{}, std::move(diagnostics));
  }

  [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
  [[nodiscard]] bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return value_.has_value(); }

  [[nodiscard]] T& value() & { check(); return *value_; }
  [[nodiscard]] const T& value() const& { check(); return *value_; }
  [[nodiscard]] T&& value() && { check(); return std::move(*value_); }
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return value_ ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

  // Unchecked, as std::expected's: precondition ok().
  [[nodiscard]] T& operator*() & noexcept { return *value_; }
  [[nodiscard]] const T& operator*() const& noexcept { return *value_; }
  [[nodiscard]] T&& operator*() && noexcept { return std::move(*value_); }
  [[nodiscard]] T* operator->() noexcept { return &*value_; }
  [[nodiscard]] const T* operator->() const noexcept { return &*value_; }

  /// The value as an optional (the diagnostics stay here).
  [[nodiscard]] std::optional<T> take() && { return std::move(value_); }

  /// f(T) -> U applied to the value; the diagnostics carried over.
  template <class F>
  [[nodiscard]] auto transform(F&& f) && -> Result<std::invoke_result_t<F, T&&>> {
    using U = std::invoke_result_t<F, T&&>;
    if (!value_) return Result<U>::failure(std::move(diagnostics_));
    return Result<U>(std::forward<F>(f)(std::move(*value_)), std::move(diagnostics_));
  }

 private:
  void check() const {
    if (!value_) throw BadResultAccess(diagnostics_);
  }

  std::optional<T> value_;
};

/// Success (perhaps with warnings), or why not.
template <>
class [[nodiscard]] Result<void> : public ResultBase {
 public:
  using value_type = void;

  Result() = default;
  /// Success when `diagnostics` has no error.
  explicit Result(std::vector<Diagnostic> diagnostics) : ResultBase(std::move(diagnostics)) {}
  /// A failure, or (given a warning) a success with that warning.
  Result(Diagnostic diagnostic)  // NOLINT: implicit, as std::unexpected
      : ResultBase({std::move(diagnostic)}) {}
  [[nodiscard]] static Result failure(std::vector<Diagnostic> diagnostics) {
    ensure_error(diagnostics);
    return Result(std::move(diagnostics));
  }

  [[nodiscard]] bool ok() const noexcept { return !has_error(diagnostics_); }
  [[nodiscard]] bool has_value() const noexcept { return ok(); }
  explicit operator bool() const noexcept { return ok(); }
  /// Throws BadResultAccess on failure.
  void value() const;
};

}  // namespace wholesale_ha
