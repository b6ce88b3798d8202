#pragma once
// The one way the library starts other programs (agents, probes, fence devices, tools):
// posix_spawn with captured output, an optional stdin payload, a timeout that escalates
// SIGTERM → SIGKILL over the whole process group, and exit reported through a pidfd on the
// caller's Asio executor (no SIGCHLD handler, no blocking waits).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace wholesale_ha::process {

struct Command {
  /// A path, or a bare name looked up in PATH.
  std::string program;
  std::vector<std::string> args;  ///< argv[1..]
  /// Added to (or overriding) the inherited environment.
  std::map<std::string, std::string> env;
  bool inherit_environment = true;
  std::optional<std::filesystem::path> working_directory;
  /// The child's stdin (then end of file); empty means stdin is /dev/null.
  std::string stdin_data;
  /// 0 = no limit. On expiry the process group gets SIGTERM, then SIGKILL after kill_grace.
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds kill_grace{2000};
  /// Per stream; output beyond it is discarded and Outcome::output_truncated set.
  std::size_t max_output = 1024 * 1024;
  /// When false, stdout and stderr go to `output_file` (appended) or to /dev/null: for
  /// long-running daemons whose output the library does not read.
  bool capture_output = true;
  std::optional<std::filesystem::path> output_file;
};

struct Outcome {
  /// Set when the program could not be started (e.g. ENOENT); nothing else is meaningful then.
  std::error_code spawn_error;
  int exit_code = -1;  ///< when it exited normally
  int signal = 0;      ///< when a signal ended it
  bool timed_out = false;
  /// What the child printed, made valid UTF-8 (ill-formed bytes become U+FFFD): it is
  /// outside text on its way to reasons, logs and JSON.
  std::string out;
  std::string err;
  bool output_truncated = false;
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] bool exited_normally() const noexcept {
    return !spawn_error && signal == 0 && exit_code >= 0;
  }
  [[nodiscard]] bool success() const noexcept {
    return exited_normally() && exit_code == 0 && !timed_out;
  }
  /// "exited with status 3", "killed by SIGKILL after the 5000ms timeout", "could not start
  /// 'foo': No such file or directory".
  [[nodiscard]] std::string describe() const;
};

using CompletionHandler = std::function<void(Outcome)>;

/// A running child. Destroying the handle does not stop the process; call terminate().
class Child {
 public:
  /// Starts `command`. A spawn failure is reported through async_wait (and spawn_error()).
  static std::shared_ptr<Child> spawn(const boost::asio::any_io_executor& executor,
                                      Command command);

  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// -1 when the spawn failed.
  [[nodiscard]] pid_t pid() const noexcept;
  [[nodiscard]] bool running() const noexcept;
  [[nodiscard]] std::error_code spawn_error() const noexcept;

  /// Calls `handler` on the executor once the process has exited and its output is drained.
  /// At most one handler; a later call replaces an earlier one that has not fired.
  void async_wait(CompletionHandler handler);

  /// Sends `sig` to the process group (or the process when it has none).
  void signal(int sig) noexcept;

  /// SIGTERM now, SIGKILL after `grace` if still alive.
  void terminate(std::chrono::milliseconds grace);

  struct State;

 private:
  explicit Child(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

/// Runs `command` to completion; `handler` gets the result on `executor`.
void async_run(const boost::asio::any_io_executor& executor, Command command,
               CompletionHandler handler);

/// Blocking convenience for command-line tools and tests: runs on a private io_context.
Outcome run(Command command);

/// "SIGTERM", "SIGKILL", ... or "signal N".
std::string signal_name(int sig);

}  // namespace wholesale_ha::process
