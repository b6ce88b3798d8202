#pragma once
// Building blocks for reading a JSON document into the model while collecting every
// problem with its JSON pointer. Pointers are built only when a diagnostic needs one.

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <wholesale_ha/result.hpp>
#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/node.hpp>
#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/model/score.hpp>

#include <wholesale_ha/utf8.hpp>

#include "enum_tables.hpp"
#include "json_text.hpp"

namespace wholesale_ha::model::detail {

using nlohmann::json;

/// A location in the document: a chain of object keys / array indices back to the root.
class Path {
 public:
  Path() = default;
  Path(const Path& parent, std::string_view key) : parent_(&parent), key_(key) {}
  Path(const Path& parent, std::size_t index) : parent_(&parent), index_(index), is_index_(true) {}

  /// RFC 6901 pointer ("/resources/3/meta/stickiness").
  [[nodiscard]] std::string pointer() const;

 private:
  const Path* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  bool is_index_ = false;
};

class Diagnostics {
 public:
  void error(Errc code, const Path& at, std::string message);
  void error(Errc code, std::string pointer, std::string message);
  void warning(Errc code, const Path& at, std::string message);

  [[nodiscard]] bool has_errors() const noexcept { return errors_ > 0; }
  [[nodiscard]] std::vector<Diagnostic> take() { return std::move(items_); }
  /// `value` with the warnings, or the errors when there are any.
  template <class T>
  [[nodiscard]] Result<T> result(T value) {
    return Result<T>(has_errors() ? std::nullopt : std::optional<T>{std::move(value)}, take());
  }

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

/// "\"high\"", "42", "an object", ... for "got ..." in messages.
std::string describe(const json& value);

/// `did you mean "x"?` for the closest candidate within a small edit distance, or "".
std::string suggestion(std::string_view wrong, std::span<const std::string_view> candidates);
std::string suggestion(std::string_view wrong, std::span<const std::string> candidates);

/// Reads the keys of one object; every key read is "known", and finish() reports the rest
/// as unknown with a did-you-mean hint.
class ObjectReader {
 public:
  ObjectReader(const json& value, const Path& path, Diagnostics& diagnostics);

  /// False when the value was not an object (already reported).
  [[nodiscard]] bool valid() const noexcept { return object_ != nullptr; }

  /// The value under `key`, or nullptr when absent.
  const json* optional(std::string_view key);
  /// Like optional(), but a missing key is reported.
  const json* required(std::string_view key);

  void finish();

  [[nodiscard]] const Path& path() const noexcept { return path_; }
  [[nodiscard]] Diagnostics& diagnostics() const noexcept { return diagnostics_; }

 private:
  const json* object_ = nullptr;
  const Path& path_;
  Diagnostics& diagnostics_;
  std::vector<std::string_view> known_;
};

// Scalar readers: return nullopt after reporting when the value has the wrong form.
std::optional<std::string> read_string(const json& v, const Path& at, Diagnostics& d);
/// Ids: letters, digits and _ . : - ; must not be empty.
std::optional<std::string> read_id(const json& v, const Path& at, Diagnostics& d);
std::optional<bool> read_bool(const json& v, const Path& at, Diagnostics& d);
std::optional<std::int64_t> read_int(const json& v, const Path& at, Diagnostics& d,
                                     std::int64_t min, std::int64_t max);
std::optional<Score> read_score(const json& v, const Path& at, Diagnostics& d);
std::optional<Duration> read_duration(const json& v, const Path& at, Diagnostics& d);
std::optional<std::vector<std::string>> read_id_list(const json& v, const Path& at,
                                                     Diagnostics& d);
/// An object of string values; numbers and booleans are kept in their JSON spelling.
std::optional<Params> read_string_map(const json& v, const Path& at, Diagnostics& d);
/// An object of non-negative integers.
std::optional<Utilization> read_utilization(const json& v, const Path& at, Diagnostics& d);

template <class Enum>
std::optional<Enum> read_enum(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_string()) {
    if (auto parsed = enum_parse<Enum>(v.get_ref<const std::string&>())) return parsed;
  }
  std::string expected = "expected one of ";
  bool first = true;
  for (const auto& [value, name] : EnumTable<Enum>::entries) {
    expected += (first ? "\"" : ", \"") + std::string{name} + "\"";
    first = false;
  }
  d.error(Errc::invalid_value, at, expected + ", got " + describe(v));
  return std::nullopt;
}

/// Reads `key` of `object` with `read` into `target` when present.
template <class T, class ReadFn>
void read_field(ObjectReader& object, std::string_view key, T& target, ReadFn read) {
  if (const json* v = object.optional(key)) {
    Path at{object.path(), key};
    if (auto value = read(*v, at, object.diagnostics())) target = std::move(*value);
  }
}

/// Like read_field, but the key must be present.
template <class T, class ReadFn>
void read_required(ObjectReader& object, std::string_view key, T& target, ReadFn read) {
  if (const json* v = object.required(key)) {
    Path at{object.path(), key};
    if (auto value = read(*v, at, object.diagnostics())) target = std::move(*value);
  }
}

/// Calls `each(element, path)` for every element of an array, reporting a non-array.
template <class Fn>
void for_each_element(const json& v, const Path& at, Diagnostics& d, Fn each) {
  if (!v.is_array()) {
    d.error(Errc::invalid_value, at, "expected an array, got " + describe(v));
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    Path element{at, i};
    each(v[i], element);
  }
}

// --- the text and file front ends every JSON-configured loader shares ----------------------

/// Parses `text` as JSON within the limits of json_text.hpp and hands the document to
/// `parse_document`. Never throws.
template <class T, class ParseDocument>
Result<T> parse_json_text(std::string_view text, ParseDocument parse_document) noexcept {
  try {
    std::vector<Diagnostic> errors;
    auto document = parse_limited(text, errors);
    if (!document) return Result<T>::failure(std::move(errors));
    Result<T> result = parse_document(*document);
    if (!errors.empty()) {  // duplicate keys: the rest of the document is checked all the same
      const auto& found = result.diagnostics();
      errors.insert(errors.end(), found.begin(), found.end());
      return Result<T>::failure(std::move(errors));
    }
    return result;
  } catch (const std::exception& e) {
    return Diagnostic::error(Errc::internal, "", e.what());
  }
}

/// Reads `path` (within kMaxJsonFileSize) and parses it with `parse_text`; a syntax error is
/// prefixed with the file's name. Never throws.
template <class T, class ParseText>
Result<T> load_json_file(const std::filesystem::path& path, ParseText parse_text) noexcept {
  try {
    auto text = read_limited(path);
    if (!text) return Result<T>::failure(std::move(text).diagnostics());
    Result<T> result = parse_text(std::string_view{*text});
    result.prefix_messages(valid_utf8(path.string()) + ": ", [](const Diagnostic& d) {
      return d.pointer.empty() && d.message.starts_with("invalid JSON");
    });
    return result;
  } catch (const std::exception& e) {
    return Diagnostic::error(Errc::internal, "", valid_utf8(path.string()) + ": " + e.what());
  }
}

}  // namespace wholesale_ha::model::detail
