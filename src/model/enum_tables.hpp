#pragma once
// One table per enum: the single source of its JSON spellings.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include <wholesale_ha/model/constraint.hpp>
#include <wholesale_ha/model/options.hpp>
#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::model::detail {

template <class Enum>
struct EnumTable;

#define WHA_ENUM_TABLE(Enum, ...)                                                \
  template <>                                                                    \
  struct EnumTable<Enum> {                                                       \
    static constexpr std::array entries = {__VA_ARGS__};                         \
  }

using TR = TargetRole;
WHA_ENUM_TABLE(TargetRole, std::pair{TR::started, std::string_view{"started"}},
               std::pair{TR::stopped, std::string_view{"stopped"}});

using SP = ShutdownPolicy;
WHA_ENUM_TABLE(ShutdownPolicy, std::pair{SP::migrate, std::string_view{"migrate"}},
               std::pair{SP::failover, std::string_view{"failover"}},
               std::pair{SP::freeze, std::string_view{"freeze"}},
               std::pair{SP::conditional, std::string_view{"conditional"}});

using SK = ShutdownKind;
WHA_ENUM_TABLE(ShutdownKind, std::pair{SK::poweroff, std::string_view{"poweroff"}},
               std::pair{SK::reboot, std::string_view{"reboot"}});

using HS = HealthStrategy;
WHA_ENUM_TABLE(HealthStrategy, std::pair{HS::none, std::string_view{"none"}},
               std::pair{HS::migrate_on_red, std::string_view{"migrate-on-red"}},
               std::pair{HS::only_green, std::string_view{"only-green"}},
               std::pair{HS::progressive, std::string_view{"progressive"}},
               std::pair{HS::custom, std::string_view{"custom"}});

using PS = PlacementStrategy;
WHA_ENUM_TABLE(PlacementStrategy, std::pair{PS::default_, std::string_view{"default"}},
               std::pair{PS::utilization, std::string_view{"utilization"}},
               std::pair{PS::balanced, std::string_view{"balanced"}},
               std::pair{PS::minimal, std::string_view{"minimal"}});

using NQ = NoQuorumPolicy;
WHA_ENUM_TABLE(NoQuorumPolicy, std::pair{NQ::stop, std::string_view{"stop"}},
               std::pair{NQ::freeze, std::string_view{"freeze"}},
               std::pair{NQ::ignore, std::string_view{"ignore"}});

using NS = NodeState;
WHA_ENUM_TABLE(NodeState, std::pair{NS::online, std::string_view{"online"}},
               std::pair{NS::offline, std::string_view{"offline"}},
               std::pair{NS::unclean, std::string_view{"unclean"}});

using RS = ResourceState;
WHA_ENUM_TABLE(ResourceState, std::pair{RS::started, std::string_view{"started"}},
               std::pair{RS::failed, std::string_view{"failed"}},
               std::pair{RS::blocked, std::string_view{"blocked"}});

using OF = OnFail;
WHA_ENUM_TABLE(OnFail, std::pair{OF::restart, std::string_view{"restart"}},
               std::pair{OF::block, std::string_view{"block"}},
               std::pair{OF::fence, std::string_view{"fence"}},
               std::pair{OF::ignore, std::string_view{"ignore"}});

using RO = RuleOperator;
WHA_ENUM_TABLE(RuleOperator, std::pair{RO::eq, std::string_view{"eq"}},
               std::pair{RO::ne, std::string_view{"ne"}}, std::pair{RO::lt, std::string_view{"lt"}},
               std::pair{RO::lte, std::string_view{"lte"}},
               std::pair{RO::gt, std::string_view{"gt"}},
               std::pair{RO::gte, std::string_view{"gte"}},
               std::pair{RO::defined, std::string_view{"defined"}},
               std::pair{RO::not_defined, std::string_view{"not_defined"}});

using BO = BooleanOperator;
WHA_ENUM_TABLE(BooleanOperator, std::pair{BO::and_, std::string_view{"and"}},
               std::pair{BO::or_, std::string_view{"or"}});

using OK = OrderKind;
WHA_ENUM_TABLE(OrderKind, std::pair{OK::mandatory, std::string_view{"mandatory"}},
               std::pair{OK::optional, std::string_view{"optional"}},
               std::pair{OK::serialize, std::string_view{"serialize"}});

#undef WHA_ENUM_TABLE

template <class Enum>
constexpr std::string_view enum_name(Enum value) noexcept {
  for (const auto& [e, name] : EnumTable<Enum>::entries) {
    if (e == value) return name;
  }
  return "?";
}

template <class Enum>
constexpr std::optional<Enum> enum_parse(std::string_view text) noexcept {
  for (const auto& [e, name] : EnumTable<Enum>::entries) {
    if (name == text) return e;
  }
  return std::nullopt;
}

}  // namespace wholesale_ha::model::detail
