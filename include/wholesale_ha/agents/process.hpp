#pragma once
// The "process" backend: supervises a command. Parameters (docs/agents.md):
//   command        required; run as `/bin/sh -c "exec <command>"`
//   directory      working directory
//   log_file       where stdout and stderr go (appended); default: discarded
//   env.NAME       environment variable NAME
//   stop_grace     SIGTERM → SIGKILL delay on stop (default 10s)
//   check_tcp      host:port that must accept connections
//   check_http     http:// URL that must answer 2xx/3xx
//   check_command  shell command that must exit 0
//   start_settle   without checks: how long it must stay up to count as started (default 500ms)

#include <memory>

#include <wholesale_ha/agents/registry.hpp>

namespace wholesale_ha::agents {

std::shared_ptr<Backend> make_process_backend();

}  // namespace wholesale_ha::agents
