#include <gtest/gtest.h>

#include <wholesale_ha/model/cib.hpp>

namespace wholesale_ha::model {
namespace {

TEST(CibImport, Smoke) {
  auto result = import_cib_file(WHA_SOURCE_DIR "/tests/data/cib/basic.xml");
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.to_string();
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace wholesale_ha::model
