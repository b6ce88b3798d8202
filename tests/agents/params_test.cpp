// Declared backend parameters (issue 22): an integer parameter must fit in 64 bits, so that
// the backend converting it later cannot throw out of an I/O callback.

#include <gtest/gtest.h>

#include "../../src/agents/params.hpp"

namespace {

namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

std::vector<std::string> problems(std::string value) {
  model::Resource r;
  r.id = "vm";
  r.backend = "libvirt";
  r.params = {{"bandwidth", std::move(value)}};
  std::vector<std::string> out;
  for (const auto& d : agents::detail::check_params(r, "/resources/0", {{"bandwidth", false, agents::detail::ParamKind::integer}})) {
    out.push_back(d.to_string());
  }
  return out;
}

TEST(BackendParams, IntegersMustFitIn64Bits) {
  EXPECT_TRUE(problems("9223372036854775807").empty());
  EXPECT_EQ(problems("99999999999999999999999"),
            std::vector<std::string>{"/resources/0/params/bandwidth: expected a non-negative integer of at "
                                     "most 9223372036854775807, got \"99999999999999999999999\""});
  EXPECT_EQ(problems("-1").size(), 1U);
}

}  // namespace
