#include <wholesale_ha/model/enum_names.hpp>

#include "enum_tables.hpp"

namespace wholesale_ha::model {

#define WHA_ENUM_FUNCTIONS(Enum)                                                           \
  std::string_view to_string(Enum value) noexcept { return detail::enum_name(value); }     \
  template <>                                                                              \
  std::optional<Enum> enum_from_string<Enum>(std::string_view text) noexcept {             \
    return detail::enum_parse<Enum>(text);                                                 \
  }

WHA_ENUM_FUNCTIONS(TargetRole)
WHA_ENUM_FUNCTIONS(HealthStrategy)
WHA_ENUM_FUNCTIONS(PlacementStrategy)
WHA_ENUM_FUNCTIONS(NoQuorumPolicy)
WHA_ENUM_FUNCTIONS(NodeState)
WHA_ENUM_FUNCTIONS(ResourceState)
WHA_ENUM_FUNCTIONS(RuleOperator)
WHA_ENUM_FUNCTIONS(BooleanOperator)
WHA_ENUM_FUNCTIONS(OrderKind)
WHA_ENUM_FUNCTIONS(OnFail)
WHA_ENUM_FUNCTIONS(ShutdownPolicy)
WHA_ENUM_FUNCTIONS(ShutdownKind)

#undef WHA_ENUM_FUNCTIONS

}  // namespace wholesale_ha::model
