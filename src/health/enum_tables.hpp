#pragma once
// The JSON spellings of the health configuration's enums, in the model's table format so
// the model's readers (read_enum with its "expected one of" message) work on them.

#include <array>
#include <string_view>
#include <utility>

#include <wholesale_ha/health/config.hpp>
#include <wholesale_ha/health/rules.hpp>

#include "../model/enum_tables.hpp"

namespace wholesale_ha::model::detail {

template <>
struct EnumTable<health::ProbeType> {
  using T = health::ProbeType;
  static constexpr std::array entries = {
      std::pair{T::smart, std::string_view{"smart"}}, std::pair{T::nvme, std::string_view{"nvme"}},
      std::pair{T::edac, std::string_view{"edac"}},   std::pair{T::hwmon, std::string_view{"hwmon"}},
      std::pair{T::ipmi, std::string_view{"ipmi"}},   std::pair{T::cpu, std::string_view{"cpu"}},
      std::pair{T::command, std::string_view{"command"}}};
};

/// Trend::none is spelled by leaving "trend" out.
template <>
struct EnumTable<health::Trend> {
  using T = health::Trend;
  static constexpr std::array entries = {std::pair{T::increase, std::string_view{"increase"}},
                                         std::pair{T::slope, std::string_view{"slope"}}};
};

template <>
struct EnumTable<health::Direction> {
  using T = health::Direction;
  static constexpr std::array entries = {std::pair{T::above, std::string_view{"above"}},
                                         std::pair{T::below, std::string_view{"below"}}};
};

}  // namespace wholesale_ha::model::detail
