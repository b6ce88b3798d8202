#include <wholesale_ha/version.hpp>

namespace wholesale_ha {

// Compiled into the library: what the linked library is, whatever the headers said.
std::string_view version() noexcept { return kVersion; }

}  // namespace wholesale_ha
