#include "status_import.hpp"

#include <fmt/format.h>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {
namespace {

/// options.now, else the CIB's execution-date; nullopt when neither is there.
std::optional<model::Timestamp> given_now(ImportContext& context, pugi::xml_node cib,
                                          const model::CibImportOptions& options) {
  if (options.now) return options.now;
  auto date = cib.attribute("execution-date");
  if (!date) return std::nullopt;
  if (auto value = parse_integer(date.value())) return *value;
  context.error(Errc::invalid_value, cib, "execution-date",
                fmt::format("expected seconds since the epoch, got \"{}\"", date.value()));
  return 0;
}

}  // namespace

StatusImporter::StatusImporter(ImportContext& context, pugi::xml_node cib,
                               const model::CibImportOptions& options)
    : context_(context),
      cib_(cib),
      now_(given_now(context, cib, options)),
      nodes_(context),
      activity_(context, now_) {}

void StatusImporter::add(pugi::xml_node node_state) {
  const auto* node = nodes_.add(node_state);
  activity_.add(node_state, node ? &node->id : nullptr);
}

void StatusImporter::finish(pugi::xml_node status) {
  nodes_.finish(cib_, status);
  auto& state = context_.cluster.state;
  const auto newest_change = activity_.newest_change();
  if (!now_ && newest_change == 0 && !state.failcounts.empty()) {
    context_.document_warning(Errc::invalid_value, 
        "the CIB records no time (no execution-date, no last-rc-change): "
        "now is 0, so no failure has expired; pass CibImportOptions::now");
  }
  // Before the history is placed: failures older than failure-timeout at `now` have expired.
  state.now = now_.value_or(newest_change);
  activity_.finish(state.now);
}

}  // namespace wholesale_ha::cib
