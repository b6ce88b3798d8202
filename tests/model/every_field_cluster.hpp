#pragma once
// A valid cluster that sets every field of the model to a value other than its default.

#include <wholesale_ha/model/cluster.hpp>

namespace wha_test {

wholesale_ha::model::Cluster every_field_cluster();

}  // namespace wha_test
