#include "nvpairs.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "pacemaker_values.hpp"

namespace wholesale_ha::cib {
namespace {

/// A set or nvpair written as a reference to one defined elsewhere (id-ref) resolves to it.
pugi::xml_node resolve_reference(ImportContext& context, pugi::xml_node node) {
  auto reference = node.attribute("id-ref");
  if (!reference) return node;
  auto target = context.find_by_id(reference.value());
  if (!target || std::string_view{target.name()} != std::string_view{node.name()}) {
    context.error(Errc::invalid_value, node, "id-ref",
                  fmt::format("id-ref \"{}\" names no <{}> in the configuration", reference.value(),
                              node.name()));
    return {};
  }
  return target;
}

struct ScoredSet {
  model::Score score;
  pugi::xml_node set;
};

}  // namespace

std::vector<NvPair> read_nvsets(ImportContext& context, pugi::xml_node parent,
                                std::string_view set_element, std::string_view what) {
  std::vector<ScoredSet> sets;
  // The range keeps a pointer to the name: it must outlive the loop.
  const std::string element{set_element};
  for (auto written : parent.children(element.c_str())) {
    auto set = resolve_reference(context, written);
    if (!set) continue;
    if (set.child("rule")) {
      context.warning(Errc::unsupported, set, fmt::format("{} with rules are not supported (they apply only at "
                                       "some times or on some nodes); this set is left out",
                                       what));
      continue;
    }
    model::Score score = 0;
    if (auto text = set.attribute("score")) {
      auto parsed = parse_score(text.value());
      if (!parsed) {
        context.error(Errc::invalid_value, set, "score",
                      fmt::format("expected {}, got \"{}\"", kScoreSpellings, text.value()));
      }
      score = parsed.value_or(0);
    }
    sets.push_back({score, set});
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const ScoredSet& a, const ScoredSet& b) { return a.score > b.score; });

  std::vector<NvPair> pairs;
  for (const auto& [score, set] : sets) {
    for (auto written : set.children("nvpair")) {
      auto nvpair = resolve_reference(context, written);
      if (!nvpair) continue;
      std::string name = nvpair.attribute("name").value();
      if (name.empty()) {
        context.error(Errc::invalid_value, nvpair, "an nvpair needs a name");
        continue;
      }
      if (!nvpair.attribute("value")) {
        context.warning(Errc::unsupported, nvpair, fmt::format("\"{}\" has no value and is ignored", name));
        continue;
      }
      if (const auto* first = find_pair(pairs, name)) {
        if (first->value != nvpair.attribute("value").value()) {
          context.warning(Errc::duplicate, nvpair, fmt::format("\"{}\" is already set to \"{}\" by a set that "
                                              "takes precedence; this value is ignored",
                                              name, first->value));
        }
        continue;
      }
      pairs.push_back({std::move(name), nvpair.attribute("value").value(), nvpair});
    }
  }
  return pairs;
}

const NvPair* find_pair(const std::vector<NvPair>& pairs, std::string_view name) {
  auto it = std::find_if(pairs.begin(), pairs.end(),
                         [&](const NvPair& pair) { return pair.name == name; });
  return it == pairs.end() ? nullptr : &*it;
}

}  // namespace wholesale_ha::cib
