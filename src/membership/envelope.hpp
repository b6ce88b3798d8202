#pragma once
// The envelope corosync carries between nodes: {"v": N, "from": "<name>", "batch": [{"type",
// "body"}, ...]}. Decoding checks its shape and version and never throws; the messages in it
// are checked by the controller (src/controller/protocol.hpp).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace wholesale_ha::membership {

/// The largest envelope accepted, and the most messages in one.
inline constexpr std::size_t kMaxEnvelopeBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxBatchItems = 100'000;
inline constexpr int kMaxEnvelopeDepth = 64;

struct EnvelopeItem {
  std::string type;
  nlohmann::json body;
};

struct Envelope {
  std::vector<EnvelopeItem> items;
  std::string error;  ///< empty when it decoded
  bool version_mismatch = false;
};

[[nodiscard]] Envelope decode_envelope(std::string_view bytes, int expected_version) noexcept;

}  // namespace wholesale_ha::membership
