#pragma once
// How large a CIB the importer reads (docs/cib-import.md). Live-cluster CIBs run to tens of
// MiB; the DOM of a far larger file would take gigabytes.

#include <cstddef>
#include <string>

#include <fmt/format.h>

namespace wholesale_ha::cib {

inline constexpr std::size_t kMaxCibSize = std::size_t{128} << 20;  // 128 MiB

inline std::string too_large_message(std::size_t size) {
  return fmt::format("the CIB is {} bytes; the limit is {} MiB", size, kMaxCibSize >> 20);
}

}  // namespace wholesale_ha::cib
