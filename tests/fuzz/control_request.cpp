// One line on wha-node's control socket: parse_request gives a typed request or an error,
// never an exception, and its error text is valid UTF-8.

#include <variant>

#include "fuzz_check.hpp"
#include "request.hpp"

using namespace wholesale_ha;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = wha_node::parse_request(fuzz::as_text(data, size));
  if (const auto* error = std::get_if<wha_node::RequestError>(&parsed)) {
    fuzz::check_utf8(error->message, "request error");
  }
  return 0;
}
