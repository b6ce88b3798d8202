#pragma once
// Typed reads of nvpair values that report a value in the wrong form as an error at the
// nvpair, naming the spellings Pacemaker accepts.

#include <cstdint>
#include <optional>

#include <wholesale_ha/model/duration.hpp>
#include <wholesale_ha/model/score.hpp>

#include "import_context.hpp"
#include "nvpairs.hpp"

namespace wholesale_ha::cib {

std::optional<bool> read_boolean(ImportContext& context, const NvPair& pair);
std::optional<model::Score> read_score(ImportContext& context, const NvPair& pair);
std::optional<model::Duration> read_duration(ImportContext& context, const NvPair& pair);
/// An integer in [min, max]; "INFINITY" reads as 1,000,000 (Pacemaker writes limits as scores).
std::optional<std::int64_t> read_integer(ImportContext& context, const NvPair& pair,
                                         std::int64_t min, std::int64_t max);

}  // namespace wholesale_ha::cib
