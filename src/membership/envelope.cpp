#include "envelope.hpp"

#include <fmt/format.h>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::membership {

Envelope decode_envelope(std::string_view bytes, int expected_version) noexcept {
  Envelope out;
  try {
    if (bytes.size() > kMaxEnvelopeBytes) {
      out.error = fmt::format("{} bytes, more than the {} allowed", bytes.size(), kMaxEnvelopeBytes);
      return out;
    }
    if (json_too_deep(bytes, kMaxEnvelopeDepth)) {
      out.error = fmt::format("nested deeper than {} levels", kMaxEnvelopeDepth);
      return out;
    }
    auto envelope = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object()) {
      out.error = "not a JSON object";
      return out;
    }
    const auto v = envelope.find("v");
    if (v == envelope.end() || !v->is_number_integer() || v->get<std::int64_t>() != expected_version) {
      out.version_mismatch = v != envelope.end() && v->is_number_integer();
      out.error = out.version_mismatch
                      ? fmt::format("it speaks message format {}, this node speaks {}: its messages are rejected until "
                                    "both run the same wholesale_ha version",
                                    v->get<std::int64_t>(), expected_version)
                      : std::string{"the envelope has no integer version \"v\""};
      return out;
    }
    const auto batch = envelope.find("batch");
    if (batch == envelope.end() || !batch->is_array()) {
      out.error = "the envelope has no \"batch\" array";
      return out;
    }
    if (batch->size() > kMaxBatchItems) {
      out.error = fmt::format("{} messages in one batch, more than the {} allowed", batch->size(), kMaxBatchItems);
      return out;
    }
    for (auto& item : *batch) {
      const auto type = item.is_object() ? item.find("type") : item.end();
      if (!item.is_object() || type == item.end() || !type->is_string()) {
        out.items.clear();
        out.error = "a message in the batch has no \"type\" string";
        return out;
      }
      auto body = item.find("body");
      out.items.push_back({valid_utf8(type->get_ref<const std::string&>()),
                           body == item.end() ? nlohmann::json::object() : std::move(*body)});
    }
  } catch (const std::exception& e) {
    out.items.clear();
    out.error = fmt::format("cannot decode: {}", e.what());
  }
  return out;
}

}  // namespace wholesale_ha::membership
