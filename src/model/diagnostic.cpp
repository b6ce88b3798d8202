#include <wholesale_ha/model/diagnostic.hpp>

namespace wholesale_ha::model {

std::string Diagnostic::to_string() const {
  return (pointer.empty() ? std::string{"(document)"} : pointer) + ": " + message;
}

}  // namespace wholesale_ha::model
