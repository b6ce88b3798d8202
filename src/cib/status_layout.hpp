#pragma once
// Where the status section and its node_state elements lie in a CIB's text, found without
// building a DOM. A live cluster's status is most of its CIB (an operation record per
// resource per node): parsing it one node_state at a time keeps the DOM small and its memory
// warm, where a DOM of the whole status was most of an import's time in page faults.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace wholesale_ha::cib {

struct TextSpan {
  std::size_t begin = 0;
  std::size_t end = 0;  ///< one past the last character
  [[nodiscard]] std::string_view in(std::string_view text) const {
    return text.substr(begin, end - begin);
  }
};

struct StatusLayout {
  /// What lies between <status> and </status>: the text outside it is the rest of the CIB.
  TextSpan content;
  /// Each <node_state>…</node_state>, in document order.
  std::vector<TextSpan> node_states;
};

/// The layout of the one <status> child of the root element, when its content is only
/// node_state elements, comments, processing instructions and whitespace. nullopt for
/// anything else (no status, an empty one, a DOCTYPE, CDATA or text in the status, an
/// encoding other than UTF-8, text that is not well formed): the caller then parses the
/// whole document, which also reports its errors exactly.
std::optional<StatusLayout> find_status_layout(std::string_view text);

}  // namespace wholesale_ha::cib
