// The spawn helper every agent and probe uses, exercised with real processes.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/process/child_process.hpp>

namespace {

namespace process = wholesale_ha::process;
using namespace std::chrono_literals;

process::Command sh(std::string script) {
  process::Command c;
  c.program = "/bin/sh";
  c.args = {"-c", std::move(script)};
  return c;
}

TEST(ChildProcess, CapturesStdoutStderrAndExitCode) {
  auto r = process::run(sh("echo out; echo err >&2; exit 3"));
  EXPECT_FALSE(r.spawn_error);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.describe(), "exited with status 3");
}

TEST(ChildProcess, SearchesPathForBareNames) {
  process::Command c;
  c.program = "echo";
  c.args = {"hello", "world"};
  auto r = process::run(c);
  EXPECT_TRUE(r.success()) << r.describe();
  EXPECT_EQ(r.out, "hello world\n");
}

TEST(ChildProcess, FeedsStdin) {
  process::Command c;
  c.program = "cat";
  c.stdin_data = "action=off\nport=node3\n";
  auto r = process::run(c);
  EXPECT_TRUE(r.success());
  EXPECT_EQ(r.out, c.stdin_data);
}

TEST(ChildProcess, StdinIsDevNullByDefault) {
  process::Command c;
  c.program = "cat";
  auto r = process::run(c);
  EXPECT_TRUE(r.success());
  EXPECT_EQ(r.out, "");
}

TEST(ChildProcess, EnvironmentOverridesAndIsolation) {
  auto c = sh("echo \"$OCF_RESKEY_state|$HOME\"");
  c.env = {{"OCF_RESKEY_state", "/tmp/s"}};
  EXPECT_EQ(process::run(c).out, "/tmp/s|" + std::string{std::getenv("HOME")} + "\n");
  c.inherit_environment = false;
  EXPECT_EQ(process::run(c).out, "/tmp/s|\n");
}

TEST(ChildProcess, RunsInWorkingDirectory) {
  auto c = sh("pwd");
  c.working_directory = "/usr";
  EXPECT_EQ(process::run(c).out, "/usr\n");
}

TEST(ChildProcess, ReportsSpawnFailure) {
  process::Command c;
  c.program = "/nonexistent/agent";
  auto r = process::run(c);
  EXPECT_EQ(r.spawn_error, std::errc::no_such_file_or_directory);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.describe(), "could not start: No such file or directory");
}

TEST(ChildProcess, TimeoutSendsTermToTheGroup) {
  auto c = sh("sleep 30");
  c.timeout = 200ms;
  auto r = process::run(c);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.describe(), "killed by SIGTERM after its timeout expired");
}

TEST(ChildProcess, TimeoutEscalatesToKillWhenTermIsIgnored) {
  auto c = sh("trap '' TERM; sleep 30");
  c.timeout = 100ms;
  c.kill_grace = 200ms;
  auto r = process::run(c);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST(ChildProcess, GrandchildHoldingThePipesDoesNotDelayCompletion) {
  // Like an OCF agent that starts a daemon without closing its stdout.
  auto r = process::run(sh("sleep 30 & echo started $!"));
  ASSERT_TRUE(r.success()) << r.describe();
  ASSERT_TRUE(r.out.starts_with("started "));
  pid_t daemon = std::stoi(r.out.substr(8));
  EXPECT_EQ(::kill(daemon, SIGKILL), 0);  // clean up the process we caused, by PID
}

TEST(ChildProcess, TruncatesRunawayOutput) {
  auto c = sh("head -c 100000 /dev/zero");
  c.max_output = 1000;
  auto r = process::run(c);
  EXPECT_TRUE(r.success());
  EXPECT_EQ(r.out.size(), 1000U);
  EXPECT_TRUE(r.output_truncated);
}

// Output is outside text: it reaches JSON (status, events), so it arrives as valid UTF-8.
TEST(ChildProcess, OutputIsMadeValidUtf8) {
  auto r = process::run(sh(R"(printf 'D\351marrage\n'; printf '\377\376 caf\303\251\n' >&2)"));
  EXPECT_EQ(r.out, "D\xEF\xBF\xBDmarrage\n");
  EXPECT_EQ(r.err, "\xEF\xBF\xBD\xEF\xBF\xBD caf\xC3\xA9\n") << "valid UTF-8 is kept as it is";
}

// A cap that falls inside a multi-byte character leaves no half character behind.
TEST(ChildProcess, TruncationInsideACharacterStaysValidUtf8) {
  auto c = sh(R"(printf 'ab\303\251cd')");
  c.max_output = 3;
  auto r = process::run(c);
  EXPECT_TRUE(r.output_truncated);
  EXPECT_EQ(r.out, "ab\xEF\xBF\xBD");
}

TEST(ChildProcess, DoesNotLeakDescriptors) {
  int fd = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(fd, 0);
  int high = ::dup2(fd, 77);
  ASSERT_EQ(high, 77);
  auto r = process::run(sh("if [ -e /proc/$$/fd/77 ]; then echo leaked; else echo clean; fi"));
  ::close(fd);
  ::close(high);
  EXPECT_EQ(r.out, "clean\n");
}

TEST(ChildProcess, ChildIgnoresTheParentsBlockedSignals) {
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigset_t previous;
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &previous), 0);
  boost::asio::io_context io;
  auto child = process::Child::spawn(io.get_executor(), sh("sleep 30"));
  process::Outcome result;
  child->async_wait([&](process::Outcome r) { result = std::move(r); });
  EXPECT_TRUE(child->running());
  child->terminate(5s);
  io.run();
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(child->running());
}

TEST(ChildProcess, ManyConcurrentChildrenOnOneExecutor) {
  boost::asio::io_context io;
  int done = 0;
  for (int i = 0; i < 50; ++i) {
    process::async_run(io.get_executor(), sh("echo " + std::to_string(i)),
                       [&, i](process::Outcome r) {
                         EXPECT_EQ(r.out, std::to_string(i) + "\n");
                         ++done;
                       });
  }
  io.run();
  EXPECT_EQ(done, 50);
}

}  // namespace
