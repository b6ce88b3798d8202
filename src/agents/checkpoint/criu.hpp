#pragma once
// Transparent checkpoint/restore with CRIU (mode "criu"). CRIU needs kernel features it checks
// itself with `criu check`; where that fails the mode is refused at configuration load.

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/agents/agent.hpp>

namespace wholesale_ha::agents::detail {

/// nullopt when `criu check` passes; otherwise what to tell the operator.
std::optional<std::string> criu_check(const std::string& criu);

/// `criu dump` of the process tree at `pid` into `dir` (the process ends).
void criu_dump(const boost::asio::any_io_executor& ex, const std::string& criu, pid_t pid,
               const std::string& dir, std::chrono::milliseconds timeout, Handler done);

/// `criu restore` from `dir`, detached; the restored pid is written to <dir>/restored.pid.
void criu_restore(const boost::asio::any_io_executor& ex, const std::string& criu, const std::string& dir,
                  std::chrono::milliseconds timeout, Handler done);

}  // namespace wholesale_ha::agents::detail
