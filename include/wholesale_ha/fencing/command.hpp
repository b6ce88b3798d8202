#pragma once
// The command hook: fencing by a program of your own (a script that talks to your power
// switch, a cloud CLI, ...). Success is exit status 0 within the timeout.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>

namespace wholesale_ha::fencing {

struct CommandFencerOptions {
  std::string id = "command";  ///< names the device in logs and failure reasons
  std::string program;         ///< a path, or a bare name looked up in PATH
  /// "{node}" in any argument is replaced by the node's name. No shell is involved.
  std::vector<std::string> args = {"{node}"};
  /// Added to the environment; WHA_FENCE_NODE is always set to the node's name.
  std::map<std::string, std::string> env;
};

/// Runs the command once per fence; a timeout kills its whole process group (SIGTERM, then
/// SIGKILL). Handlers run on `executor`.
class CommandFencer final : public Fencer {
  struct Token {};

 public:
  struct Shared;

  /// Fails (invalid_value) without a program.
  static Result<std::shared_ptr<CommandFencer>> create(boost::asio::any_io_executor executor,
                                                       CommandFencerOptions options, Logger logger = {});
  CommandFencer(Token, std::shared_ptr<const Shared> shared);

  void fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) override;

 private:
  std::shared_ptr<const Shared> shared_;
};

}  // namespace wholesale_ha::fencing
