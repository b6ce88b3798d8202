#include <wholesale_ha/process/child_process.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <wholesale_ha/utf8.hpp>

extern char** environ;

namespace wholesale_ha::process {
namespace {

namespace asio = boost::asio;
using Descriptor = asio::posix::stream_descriptor;

/// A pipe whose ends close themselves.
struct Pipe {
  int read = -1;
  int write = -1;
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
  std::error_code open() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return {errno, std::system_category()};
    read = fds[0];
    write = fds[1];
    return {};
  }
  int release_read() { return std::exchange(read, -1); }
};

/// The stdin payload in an anonymous file: the child reads it at its own pace, and a child
/// that never reads it cannot block us or raise SIGPIPE in the embedding application.
struct StdinFile {
  int fd = -1;
  ~StdinFile() {
    if (fd >= 0) ::close(fd);
  }
  std::error_code open(const std::string& data) {
    fd = ::memfd_create("wholesale_ha-stdin", MFD_CLOEXEC);
    if (fd < 0) return {errno, std::system_category()};
    std::string_view rest = data;
    while (!rest.empty()) {
      auto n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return {errno, std::system_category()};
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::lseek(fd, 0, SEEK_SET) < 0) return {errno, std::system_category()};
    return {};
  }
};

std::vector<std::string> build_environment(const Command& command) {
  std::map<std::string, std::string> merged;
  if (command.inherit_environment) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      std::string_view text{*entry};
      auto eq = text.find('=');
      if (eq == std::string_view::npos) continue;
      merged.emplace(std::string{text.substr(0, eq)}, std::string{text.substr(eq + 1)});
    }
  }
  for (const auto& [key, value] : command.env) merged[key] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [key, value] : merged) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string signal_name(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string{"SIG"} + abbrev;
  return fmt::format("signal {}", sig);
}

std::string Outcome::describe() const {
  if (spawn_error) return "could not start: " + spawn_error.message();
  std::string text;
  if (signal != 0) {
    text = "killed by " + signal_name(signal);
  } else {
    text = fmt::format("exited with status {}", exit_code);
  }
  if (timed_out) text += " after its timeout expired";
  return text;
}

struct Child::State : std::enable_shared_from_this<Child::State> {
  State(const asio::any_io_executor& ex, Command cmd)
      : executor(ex),
        command(std::move(cmd)),
        out(ex),
        err(ex),
        timeout_timer(ex),
        kill_timer(ex),
        exit_watch(ex) {}

  asio::any_io_executor executor;
  Command command;
  pid_t pid = -1;
  Descriptor out;
  Descriptor err;
  asio::steady_timer timeout_timer;
  asio::steady_timer kill_timer;
  Descriptor exit_watch;  // the pidfd
  std::array<char, 4096> out_buffer{};
  std::array<char, 4096> err_buffer{};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  Outcome result;
  bool exited = false;
  bool finished = false;
  CompletionHandler handler;

  std::error_code start();
  void watch_exit();
  void on_exit();
  void read(Descriptor& pipe, std::array<char, 4096>& buffer, std::string& sink);
  void append(std::string& sink, const char* data, std::size_t n);
  void drain(Descriptor& pipe, std::array<char, 4096>& buffer, std::string& sink);
  void check_finished();
  void deliver();
  void kill_group(int sig) const noexcept;
  void arm_timeout();
  void escalate(std::chrono::milliseconds grace);
};

std::error_code Child::State::start() {
  Pipe stdout_pipe;
  Pipe stderr_pipe;
  if (command.capture_output) {
    if (auto ec = stdout_pipe.open()) return ec;
    if (auto ec = stderr_pipe.open()) return ec;
  }
  StdinFile stdin_file;
  const bool feed_stdin = !command.stdin_data.empty();
  if (feed_stdin) {
    if (auto ec = stdin_file.open(command.stdin_data)) return ec;
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  std::string output_path;  // must outlive posix_spawn
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  struct Cleanup {
    posix_spawn_file_actions_t* a;
    posix_spawnattr_t* b;
    ~Cleanup() {
      ::posix_spawn_file_actions_destroy(a);
      ::posix_spawnattr_destroy(b);
    }
  } cleanup{&actions, &attr};

  if (feed_stdin) {
    ::posix_spawn_file_actions_adddup2(&actions, stdin_file.fd, STDIN_FILENO);
  } else {
    ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (command.capture_output) {
    ::posix_spawn_file_actions_adddup2(&actions, stdout_pipe.write, STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, stderr_pipe.write, STDERR_FILENO);
  } else if (command.output_file) {
    output_path = command.output_file->string();
    ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_path.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  // The embedding application's other descriptors must not leak into agents.
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::string directory;
  if (command.working_directory) {
    directory = command.working_directory->string();
    ::posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  }

  // Own process group (so a timeout kills the agent's children too), default signal
  // dispositions and an empty mask whatever the embedding application has set.
  sigset_t empty;
  sigset_t all;
  sigemptyset(&empty);
  sigfillset(&all);
  ::posix_spawnattr_setpgroup(&attr, 0);
  ::posix_spawnattr_setsigmask(&attr, &empty);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_strings;
  argv_strings.push_back(command.program);
  argv_strings.insert(argv_strings.end(), command.args.begin(), command.args.end());
  auto argv = c_strings(argv_strings);
  auto env_strings = build_environment(command);
  auto envp = c_strings(env_strings);

  const bool search_path = command.program.find('/') == std::string::npos;
  int rc = search_path
               ? ::posix_spawnp(&pid, command.program.c_str(), &actions, &attr, argv.data(),
                                envp.data())
               : ::posix_spawn(&pid, command.program.c_str(), &actions, &attr, argv.data(),
                               envp.data());
  if (rc != 0) {
    pid = -1;
    return {rc, std::system_category()};
  }

  // glibc 2.36's <sys/pidfd.h> lacks extern "C", so call the system call directly.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    // Cannot watch it: do not leave it running unobserved.
    std::error_code ec{errno, std::system_category()};
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
    return ec;
  }
  exit_watch.assign(pidfd);
  if (command.capture_output) {
    out.assign(stdout_pipe.release_read());
    err.assign(stderr_pipe.release_read());
  }
  return {};
}

void Child::State::watch_exit() {
  exit_watch.async_wait(Descriptor::wait_read,
                        [self = shared_from_this()](const boost::system::error_code& ec) {
                          if (ec == asio::error::operation_aborted) return;
                          self->on_exit();
                        });
}

void Child::State::on_exit() {
  int status = 0;
  pid_t rc = 0;
  do {
    rc = ::waitpid(pid, &status, WNOHANG);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) {  // spurious wake-up: not exited yet
    watch_exit();
    return;
  }
  if (rc < 0) {
    // Someone else reaped it (SIGCHLD set to SIG_IGN by the application): status unknown.
    result.exit_code = -1;
    result.signal = 0;
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  exited = true;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  timeout_timer.cancel();
  kill_timer.cancel();
  boost::system::error_code ignored;
  exit_watch.close(ignored);
  // Pending reads wake up, drain what the child left in the pipes and close them. A
  // grandchild that inherited the pipes cannot keep us waiting.
  if (out.is_open()) out.cancel(ignored);
  if (err.is_open()) err.cancel(ignored);
  check_finished();
}

void Child::State::append(std::string& sink, const char* data, std::size_t n) {
  const std::size_t room = command.max_output > sink.size() ? command.max_output - sink.size() : 0;
  if (n > room) result.output_truncated = true;
  sink.append(data, std::min(n, room));
}

void Child::State::read(Descriptor& pipe, std::array<char, 4096>& buffer, std::string& sink) {
  pipe.async_read_some(
      asio::buffer(buffer), [self = shared_from_this(), &pipe, &buffer, &sink](
                                const boost::system::error_code& ec, std::size_t n) {
        self->append(sink, buffer.data(), n);
        boost::system::error_code ignored;
        if (ec && ec != asio::error::operation_aborted) {
          pipe.close(ignored);  // EOF or a read error: this stream is done
        } else if (self->exited) {
          self->drain(pipe, buffer, sink);
          pipe.close(ignored);
        } else if (ec) {
          pipe.close(ignored);
        } else {
          self->read(pipe, buffer, sink);
          return;
        }
        self->check_finished();
      });
}

void Child::State::drain(Descriptor& pipe, std::array<char, 4096>& buffer, std::string& sink) {
  boost::system::error_code ec;
  pipe.non_blocking(true, ec);
  if (ec) return;
  for (;;) {
    std::size_t n = pipe.read_some(asio::buffer(buffer), ec);
    if (ec) return;  // would_block, eof or error: nothing more now
    append(sink, buffer.data(), n);
  }
}

void Child::State::check_finished() {
  if (!exited || finished || out.is_open() || err.is_open()) return;
  finished = true;
  if (handler) deliver();
}

void Child::State::deliver() {
  // Whatever the child printed is outside text on its way to reasons, logs and JSON; a cap
  // may also have cut a character in two.
  make_valid_utf8(result.out);
  make_valid_utf8(result.err);
  asio::post(executor, [handler = std::exchange(handler, nullptr), result = result]() mutable {
    handler(std::move(result));
  });
}

void Child::State::kill_group(int sig) const noexcept {
  if (pid <= 0 || exited) return;
  if (::kill(-pid, sig) != 0) ::kill(pid, sig);
}

void Child::State::arm_timeout() {
  if (command.timeout.count() <= 0) return;
  timeout_timer.expires_after(command.timeout);
  timeout_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->exited) return;
    self->result.timed_out = true;
    self->escalate(self->command.kill_grace);
  });
}

void Child::State::escalate(std::chrono::milliseconds grace) {
  kill_group(SIGTERM);
  kill_timer.expires_after(grace);
  kill_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->kill_group(SIGKILL);
  });
}

Child::Child(std::shared_ptr<State> state) : state_(std::move(state)) {}
Child::~Child() = default;

std::shared_ptr<Child> Child::spawn(const boost::asio::any_io_executor& executor,
                                    Command command) {
  auto state = std::make_shared<State>(executor, std::move(command));
  if (auto ec = state->start()) {
    state->result.spawn_error = ec;
    state->exited = true;
    state->finished = true;
    return std::shared_ptr<Child>(new Child(std::move(state)));
  }
  state->watch_exit();
  if (state->out.is_open()) state->read(state->out, state->out_buffer, state->result.out);
  if (state->err.is_open()) state->read(state->err, state->err_buffer, state->result.err);
  state->arm_timeout();
  return std::shared_ptr<Child>(new Child(std::move(state)));
}

pid_t Child::pid() const noexcept { return state_->pid; }
bool Child::running() const noexcept { return state_->pid > 0 && !state_->exited; }
std::error_code Child::spawn_error() const noexcept { return state_->result.spawn_error; }

void Child::async_wait(CompletionHandler handler) {
  state_->handler = std::move(handler);
  if (state_->finished) state_->deliver();
}

void Child::signal(int sig) noexcept { state_->kill_group(sig); }

void Child::terminate(std::chrono::milliseconds grace) { state_->escalate(grace); }

void async_run(const boost::asio::any_io_executor& executor, Command command,
               CompletionHandler handler) {
  // The child's pending operations keep its state alive until it has been delivered.
  Child::spawn(executor, std::move(command))->async_wait(std::move(handler));
}

Outcome run(Command command) {
  asio::io_context io;
  Outcome out;
  async_run(io.get_executor(), std::move(command), [&](Outcome r) { out = std::move(r); });
  io.run();
  return out;
}

}  // namespace wholesale_ha::process
