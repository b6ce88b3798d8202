#pragma once
// The "checkpoint" backend (target wholesale_ha::checkpoint): a process that can be moved
// between nodes by checkpoint and restore, which the policy treats as a migration.
//
// Parameters (docs/checkpoint.md), plus everything the process backend accepts:
//   command           required; how to start it fresh
//   checkpoint_dir    required; its checkpoint, on storage every node shares
//   restore_command   how to start it from a checkpoint; "{command}" and "{dir}" are replaced
//                     (default "{command} --restore {dir}")
//   checkpoint_signal the signal that asks it to checkpoint and exit 0 (default USR1)
//   mode              "cooperative" (default) or "criu" (transparent, needs a working CRIU)

#include <memory>
#include <string>

#include <wholesale_ha/agents/registry.hpp>

namespace wholesale_ha::agents {

struct CheckpointOptions {
  std::string criu = "criu";  ///< the CRIU program, for mode "criu"
};

std::shared_ptr<Backend> make_checkpoint_backend(CheckpointOptions options = {});

}  // namespace wholesale_ha::agents
