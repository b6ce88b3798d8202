#pragma once
// Where wha-node listens and wha-mon asks unless told otherwise: the runtime directory its
// systemd unit creates (RuntimeDirectory=wholesale_ha).

namespace wha_cli {

inline constexpr const char* kDefaultSocket = "/run/wholesale_ha/wha.sock";

}  // namespace wha_cli
