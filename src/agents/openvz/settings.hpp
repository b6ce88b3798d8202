#pragma once
// The openvz backend's resource parameters: their declaration, their validation at load, and
// the values an agent works with.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <wholesale_ha/openvz/backend.hpp>
#include <wholesale_ha/result.hpp>
#include <wholesale_ha/model/resource.hpp>

namespace wholesale_ha::agents::openvz {

enum class Migration {
  tool,        ///< vzmigrate (OpenVZ) or prlctl migrate (Virtuozzo)
  checkpoint,  ///< vzctl chkpnt on the source, vzctl restore on the target (shared storage)
};

struct Settings {
  std::string ctid;
  bool numeric_ctid = false;  ///< false: a container name, which vzctl resolves itself
  bool online = true;
  Migration migration = Migration::tool;
  std::string chkpnt_dir;
  std::optional<std::chrono::milliseconds> stop_timeout;
  std::map<std::string, std::string> target_addresses;  ///< from target_address.<node>
};

/// Every problem with `resource`'s params, by JSON pointer below `pointer`.
std::vector<Diagnostic> validate(const model::Resource& resource, const std::string& pointer,
                                        OpenvzFlavour flavour);

/// The settings of a resource that passed validate().
Settings settings_of(const model::Resource& resource);

/// Where migration "checkpoint" puts the container's dump.
std::string dump_file(const Settings& settings);

}  // namespace wholesale_ha::agents::openvz
