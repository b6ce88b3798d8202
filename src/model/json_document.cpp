#include <wholesale_ha/model/json_document.hpp>

#include "json_reader.hpp"

namespace wholesale_ha::model {

Result<nlohmann::json> load_json_document(const std::filesystem::path& path) noexcept {
  return detail::load_json_file<nlohmann::json>(path, [](std::string_view text) {
    return detail::parse_json_text<nlohmann::json>(text, [](const nlohmann::json& document) {
      return Result<nlohmann::json>{document, {}};
    });
  });
}

}  // namespace wholesale_ha::model
