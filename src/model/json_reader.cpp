#include "json_reader.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include <wholesale_ha/utf8.hpp>

#include "value_rules.hpp"

namespace wholesale_ha::model::detail {

std::string Path::pointer() const {
  if (parent_ == nullptr) return {};
  std::string token;
  if (is_index_) {
    token = std::to_string(index_);
  } else {
    for (char c : key_) {
      if (c == '~') {
        token += "~0";
      } else if (c == '/') {
        token += "~1";
      } else {
        token += c;
      }
    }
  }
  return parent_->pointer() + "/" + token;
}

void Diagnostics::error(Errc code, const Path& at, std::string message) {
  error(code, at.pointer(), std::move(message));
}

void Diagnostics::error(Errc code, std::string pointer, std::string message) {
  items_.push_back(Diagnostic::error(code, std::move(pointer), std::move(message)));
  ++errors_;
}

void Diagnostics::warning(Errc code, const Path& at, std::string message) {
  items_.push_back(Diagnostic::warning(code, at.pointer(), std::move(message)));
}

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::null:
      return "null";
    default: {
      // Replacing invalid UTF-8 (possible in a cluster built in code) instead of throwing.
      std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
      constexpr std::size_t kMax = 60;
      if (text.size() > kMax) text = std::string{utf8_prefix(text, kMax)} + "...";
      return text;
    }
  }
}

namespace {

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// neighbours ("wbe" → "web") each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

template <class Range>
std::string closest(std::string_view wrong, const Range& candidates) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (std::string_view candidate : candidates) {
    auto distance = edit_distance(wrong, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // Only near misses: a third of the word, at least one edit.
  if (best.empty() || best_distance > std::max<std::size_t>(1, wrong.size() / 3)) return {};
  return fmt::format("did you mean \"{}\"?", best);
}

}  // namespace

std::string suggestion(std::string_view wrong, std::span<const std::string_view> candidates) {
  return closest(wrong, candidates);
}

std::string suggestion(std::string_view wrong, std::span<const std::string> candidates) {
  return closest(wrong, candidates);
}

ObjectReader::ObjectReader(const json& value, const Path& path, Diagnostics& diagnostics)
    : path_(path), diagnostics_(diagnostics) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    diagnostics_.error(Errc::invalid_value, path_, "expected an object, got " + describe(value));
  }
}

const json* ObjectReader::optional(std::string_view key) {
  known_.push_back(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const json* ObjectReader::required(std::string_view key) {
  const json* v = optional(key);
  if (v == nullptr && object_ != nullptr) {
    diagnostics_.error(Errc::missing_field, path_, fmt::format("missing required key \"{}\"", key));
  }
  return v;
}

void ObjectReader::finish() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string message = "unknown key";
    if (auto hint = suggestion(key, known_); !hint.empty()) {
      message += " (" + hint + ")";
    } else {
      message += fmt::format(" (allowed here: {})", fmt::join(known_, ", "));
    }
    diagnostics_.error(Errc::unknown_field, Path{path_, key}.pointer(), std::move(message));
  }
}

std::optional<std::string> read_string(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_string()) return v.get<std::string>();
  d.error(Errc::invalid_value, at, "expected string, got " + describe(v));
  return std::nullopt;
}

std::optional<std::string> read_id(const json& v, const Path& at, Diagnostics& d) {
  auto text = read_string(v, at, d);
  if (!text) return std::nullopt;
  if (!is_valid_id(*text)) {
    d.error(Errc::invalid_value, at, invalid_id_message(*text, describe(v)));
    return std::nullopt;
  }
  return text;
}

std::optional<bool> read_bool(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_boolean()) return v.get<bool>();
  d.error(Errc::invalid_value, at, "expected boolean (true or false), got " + describe(v));
  return std::nullopt;
}

std::optional<std::int64_t> read_int(const json& v, const Path& at, Diagnostics& d,
                                     std::int64_t min, std::int64_t max) {
  if (v.is_number_integer()) {
    std::int64_t value = 0;
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      value = std::numeric_limits<std::int64_t>::max();
    } else {
      value = v.get<std::int64_t>();
    }
    if (value >= min && value <= max) return value;
  }
  d.error(Errc::invalid_value, at, expected_integer({min, max}) + ", got " + describe(v));
  return std::nullopt;
}

std::optional<Score> read_score(const json& v, const Path& at, Diagnostics& d) {
  if (v.is_number_integer()) {
    return v.is_number_unsigned() ? clamp_score(static_cast<std::int64_t>(
                                        std::min<std::uint64_t>(v.get<std::uint64_t>(), kInfinity)))
                                  : clamp_score(v.get<std::int64_t>());
  }
  if (v.is_string()) {
    if (auto score = parse_score(v.get_ref<const std::string&>())) return score;
  }
  d.error(Errc::invalid_value, at, "expected integer or \"INFINITY\"/\"-INFINITY\", got " + describe(v));
  return std::nullopt;
}

std::optional<Duration> read_duration(const json& v, const Path& at, Diagnostics& d) {
  // Whole seconds, as many as fit in milliseconds: more would overflow the conversion.
  constexpr auto kMaxSeconds = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max() / 1000);
  const bool whole_seconds = v.is_number_unsigned()  ? v.get<std::uint64_t>() <= kMaxSeconds
                             : v.is_number_integer() ? v.get<std::int64_t>() >= 0 &&
                                                           v.get<std::uint64_t>() <= kMaxSeconds
                                                     : false;
  if (whole_seconds) return std::chrono::seconds{v.get<std::int64_t>()};
  if (v.is_string()) {
    if (auto duration = parse_duration(v.get_ref<const std::string&>())) return duration;
  }
  d.error(Errc::invalid_value, at, "expected a duration (seconds as an integer, or a string like \"500ms\", \"30s\", "
              "\"10min\", \"2h\"), got " + describe(v));
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_id_list(const json& v, const Path& at,
                                                     Diagnostics& d) {
  std::vector<std::string> out;
  bool ok = true;
  for_each_element(v, at, d, [&](const json& element, const Path& path) {
    if (auto id = read_id(element, path, d)) {
      out.push_back(std::move(*id));
    } else {
      ok = false;
    }
  });
  if (!v.is_array() || !ok) return std::nullopt;
  return out;
}

std::optional<Params> read_string_map(const json& v, const Path& at, Diagnostics& d) {
  if (!v.is_object()) {
    d.error(Errc::invalid_value, at, "expected an object of strings, got " + describe(v));
    return std::nullopt;
  }
  Params out;
  bool ok = true;
  for (const auto& [key, value] : v.items()) {
    if (value.is_string()) {
      out.emplace(key, value.get<std::string>());
    } else if (value.is_number() || value.is_boolean()) {
      out.emplace(key, value.dump());
    } else {
      d.error(Errc::invalid_value, Path{at, key}, "expected string, number or boolean, got " + describe(value));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Utilization> read_utilization(const json& v, const Path& at, Diagnostics& d) {
  if (!v.is_object()) {
    d.error(Errc::invalid_value, at, "expected an object of non-negative integers, got " + describe(v));
    return std::nullopt;
  }
  Utilization out;
  bool ok = true;
  for (const auto& [key, value] : v.items()) {
    Path path{at, key};
    if (auto amount = read_int(value, path, d, kAmount.min, kAmount.max)) {
      out.emplace(key, *amount);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace wholesale_ha::model::detail
