#pragma once
// MD5 (RFC 1321), only to write the operation digests a real Pacemaker CIB carries (Pacemaker
// hashes the canonical XML of an operation's parameters with MD5). Not for security.

#include <string>
#include <string_view>

namespace wha_bench {

/// Lower-case hex MD5 of `data`.
std::string md5_hex(std::string_view data);

}  // namespace wha_bench
