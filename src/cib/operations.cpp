#include "operations.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "nvpairs.hpp"
#include "value_readers.hpp"

namespace wholesale_ha::cib {
namespace {

using model::OnFail;

/// Pacemaker's on-fail values; those without a counterpart here keep the default, with a
/// warning that says so.
std::optional<OnFail> read_on_fail(ImportContext& context, const NvPair& pair) {
  const std::string_view value = pair.value;
  if (value == "restart") return OnFail::restart;
  if (value == "block") return OnFail::block;
  if (value == "fence") return OnFail::fence;
  if (value == "ignore") return OnFail::ignore;
  if (value == "stop" || value == "standby" || value == "demote" || value == "restart-container") {
    context.warning(Errc::unsupported, pair.at,
                    fmt::format("on-fail=\"{}\" is not supported and is ignored: the default applies (supported: "
                                "restart, block, fence, ignore)",
                                value));
    return std::nullopt;
  }
  context.error(Errc::invalid_value, pair.at,
                fmt::format("on-fail: expected ignore, block, stop, restart, standby, fence, demote or "
                            "restart-container, got \"{}\"",
                            value));
  return std::nullopt;
}

/// An op's settings: its attributes, then its meta_attributes (an attribute wins).
std::vector<NvPair> op_settings(ImportContext& context, pugi::xml_node op) {
  std::vector<NvPair> pairs;
  for (auto attribute : op.attributes()) pairs.push_back({attribute.name(), attribute.value(), op});
  for (auto& pair : read_nvsets(context, op, "meta_attributes", "operation meta attributes")) {
    if (find_pair(pairs, pair.name) == nullptr) pairs.push_back(std::move(pair));
  }
  return pairs;
}

model::OperationSpec read_spec(ImportContext& context, const std::vector<NvPair>& pairs, bool repeats) {
  model::OperationSpec spec;
  for (const auto& pair : pairs) {
    if (pair.name == "timeout") {
      spec.timeout = read_duration(context, pair);
    } else if (pair.name == "interval" && repeats) {
      spec.interval = read_duration(context, pair);
    } else if (pair.name == "on-fail") {
      spec.on_fail = read_on_fail(context, pair);
    } else if (pair.name == "start-delay" || pair.name == "interval-origin") {
      context.warning(Errc::unsupported, pair.at, fmt::format("{} is not supported and is ignored", pair.name));
    }
  }
  return spec;
}

model::OperationSpec* spec_for(model::Operations& ops, std::string_view name) {
  if (name == "monitor") return &ops.monitor;
  if (name == "start") return &ops.start;
  if (name == "stop") return &ops.stop;
  if (name == "migrate_to" || name == "migrate_from") return &ops.migrate;
  return nullptr;
}

/// Operations that only describe the agent: nothing to map and nothing lost.
bool descriptive(std::string_view name) {
  return name == "meta-data" || name == "validate-all" || name == "reload" || name == "reload-agent";
}

void complete(model::OperationSpec& spec, const model::OperationSpec& defaults) {
  if (!spec.timeout) spec.timeout = defaults.timeout;
  if (!spec.on_fail) spec.on_fail = defaults.on_fail;
}

}  // namespace

model::OperationSpec import_op_defaults(ImportContext& context, pugi::xml_node op_defaults) {
  return read_spec(context, read_nvsets(context, op_defaults, "meta_attributes", "operation defaults"), false);
}

model::Operations import_operations(ImportContext& context, pugi::xml_node primitive,
                                    const model::OperationSpec& defaults) {
  model::Operations ops;
  bool monitor_seen = false;
  for (auto op : primitive.child("operations").children("op")) {
    const std::string_view name = op.attribute("name").value();
    model::OperationSpec* spec = spec_for(ops, name);
    if (spec == nullptr) {
      if (!descriptive(name)) {
        context.warning(Errc::unsupported, op, "name",
                        fmt::format("operation \"{}\" is not modeled and is ignored", name));
      }
      continue;
    }
    if (const std::string_view role = op.attribute("role").value(); !role.empty() && role != "Started") {
      context.warning(Errc::unsupported, op, "role",
                      fmt::format("an operation for role \"{}\" is not supported (promotable clones are not "
                                  "modeled) and is ignored",
                                  role));
      continue;
    }
    if (const std::string_view enabled = op.attribute("enabled").value(); enabled == "false") {
      context.warning(Errc::unsupported, op, "enabled",
                      "a disabled operation is not supported and is ignored: the default applies");
      continue;
    }
    const auto pairs = op_settings(context, op);
    auto read = read_spec(context, pairs, name == "monitor");
    if (name == "monitor") {
      // A monitor with interval 0 configures the probe, which uses the monitor's settings here.
      if (read.interval && read.interval->count() == 0) continue;
      if (monitor_seen) {
        context.warning(Errc::duplicate, op, "a second recurring monitor is not supported and is ignored: "
                                             "the first one applies");
        continue;
      }
      monitor_seen = true;
    }
    if (spec->timeout && read.timeout) read.timeout = std::max(*spec->timeout, *read.timeout);
    if (read.interval) spec->interval = read.interval;
    if (read.timeout) spec->timeout = read.timeout;
    if (read.on_fail) spec->on_fail = read.on_fail;
  }
  for (auto* spec : {&ops.monitor, &ops.start, &ops.stop, &ops.migrate}) complete(*spec, defaults);
  return ops;
}

}  // namespace wholesale_ha::cib
