#pragma once
// The spellings enums have in JSON and on the command line.

#include <optional>
#include <string_view>

#include <wholesale_ha/model/constraint.hpp>
#include <wholesale_ha/model/options.hpp>
#include <wholesale_ha/model/resource.hpp>
#include <wholesale_ha/model/status.hpp>

namespace wholesale_ha::model {

std::string_view to_string(TargetRole value) noexcept;
std::string_view to_string(HealthStrategy value) noexcept;
std::string_view to_string(PlacementStrategy value) noexcept;
std::string_view to_string(NoQuorumPolicy value) noexcept;
std::string_view to_string(NodeState value) noexcept;
std::string_view to_string(ResourceState value) noexcept;
std::string_view to_string(RuleOperator value) noexcept;
std::string_view to_string(BooleanOperator value) noexcept;
std::string_view to_string(OrderKind value) noexcept;
std::string_view to_string(OnFail value) noexcept;
std::string_view to_string(ShutdownPolicy value) noexcept;
std::string_view to_string(ShutdownKind value) noexcept;

/// Parses the spelling to_string() produces; nullopt otherwise.
template <class Enum>
std::optional<Enum> enum_from_string(std::string_view text) noexcept;

template <>
std::optional<TargetRole> enum_from_string<TargetRole>(std::string_view text) noexcept;
template <>
std::optional<HealthStrategy> enum_from_string<HealthStrategy>(std::string_view text) noexcept;
template <>
std::optional<PlacementStrategy> enum_from_string<PlacementStrategy>(std::string_view text) noexcept;
template <>
std::optional<NoQuorumPolicy> enum_from_string<NoQuorumPolicy>(std::string_view text) noexcept;
template <>
std::optional<NodeState> enum_from_string<NodeState>(std::string_view text) noexcept;
template <>
std::optional<ResourceState> enum_from_string<ResourceState>(std::string_view text) noexcept;
template <>
std::optional<RuleOperator> enum_from_string<RuleOperator>(std::string_view text) noexcept;
template <>
std::optional<BooleanOperator> enum_from_string<BooleanOperator>(std::string_view text) noexcept;
template <>
std::optional<OrderKind> enum_from_string<OrderKind>(std::string_view text) noexcept;
template <>
std::optional<OnFail> enum_from_string<OnFail>(std::string_view text) noexcept;
template <>
std::optional<ShutdownPolicy> enum_from_string<ShutdownPolicy>(std::string_view text) noexcept;
template <>
std::optional<ShutdownKind> enum_from_string<ShutdownKind>(std::string_view text) noexcept;

}  // namespace wholesale_ha::model
