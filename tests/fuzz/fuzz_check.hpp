#pragma once
// What the harnesses share: a broken invariant must crash, so libFuzzer keeps the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <wholesale_ha/result.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

// Outside text must be valid UTF-8 once parsed (docs/architecture.md, boundaries).
// WHA_FUZZ_IGNORE_UTF8=1 skips these checks, to fuzz past that bug class while it is open.
inline bool& raw_pass() {
  static bool raw = false;
  return raw;
}
inline bool utf8_ignored() {
  static const bool ignored = std::getenv("WHA_FUZZ_IGNORE_UTF8") != nullptr;
  return ignored || raw_pass();
}

// Process output reaches the internal parsers already valid UTF-8: process::Child repairs it
// as it is captured. Their harnesses run each input raw (any bytes: no crash, the other
// invariants) and then as captured (UTF-8 checked too).
template <class Run>
void raw_then_captured(std::string_view input, Run run) {
  raw_pass() = true;
  run(input);
  raw_pass() = false;
  const std::string captured = valid_utf8(input);
  run(std::string_view{captured});
}

inline void check_utf8(std::string_view text, std::string_view where) {
  if (!utf8_ignored() && !is_valid_utf8(text)) fail("text is not valid UTF-8", where);
}

// nlohmann::json::dump, which throws type_error.316 on invalid UTF-8 unless it is ignored.
template <class Json>
std::string dump(const Json& json) {
  return json.dump(-1, ' ', false,
                   utf8_ignored() ? Json::error_handler_t::replace : Json::error_handler_t::strict);
}

inline void check_diagnostics(const std::vector<wholesale_ha::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    check_utf8(d.pointer, "diagnostic pointer");
    check_utf8(d.message, "diagnostic message");
  }
}

}  // namespace wholesale_ha::fuzz
