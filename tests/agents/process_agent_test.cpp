// The process backend supervising real programs: python3's http.server on loopback, shells
// that exit or ignore SIGTERM.

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/process.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

class ProcessAgentTest : public ::testing::Test {
 protected:
  /// python3's http.server on a free loopback port, writing its pid to <dir>/pid; `check`
  /// gets "{port}" replaced.
  std::shared_ptr<model::Resource> web(const std::string& check_param, std::string check) {
    auto r = std::make_shared<model::Resource>();
    r->id = "web";
    r->backend = "process";
    port = wha_test::free_loopback_port();
    r->params["command"] = "sh -c 'echo $$ > " + (dir.path() / "pid").string() +
                           "; exec python3 -m http.server " + std::to_string(port) +
                           " --bind 127.0.0.1'";
    if (auto at = check.find("{port}"); at != std::string::npos) {
      check.replace(at, 6, std::to_string(port));
    }
    r->params[check_param] = check;
    r->params["directory"] = dir.path().string();
    r->params["log_file"] = (dir.path() / "web.log").string();
    return r;
  }

  std::unique_ptr<agents::Agent> agent_for(std::shared_ptr<model::Resource> r) {
    resource = std::move(r);
    return backend->create({io.get_executor(), resource, "n1"});
  }

  agents::Outcome call(const std::function<void(agents::Handler)>& op) {
    std::optional<agents::Outcome> out;
    op([&](agents::Outcome r) { out = std::move(r); });
    EXPECT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
    return out.value_or(agents::Outcome{agents::Status::timed_out, "test deadline"});
  }

  boost::asio::io_context io;
  wha_test::ScratchDir dir;
  std::shared_ptr<agents::Backend> backend = agents::make_process_backend();
  std::shared_ptr<model::Resource> resource;
  unsigned short port = 0;
};

TEST_F(ProcessAgentTest, ValidatesParameters) {
  model::Resource r;
  r.id = "x";
  r.backend = "process";
  r.params = {{"comand", "sleep 1"}, {"check_tcp", "localhost"}, {"env.PORT", "1"}};
  auto problems = backend->validate(r, "/resources/0");
  ASSERT_EQ(problems.diagnostics().size(), 3U);
  EXPECT_EQ(problems.diagnostics()[0].to_string(), "/resources/0/params/check_tcp: expected host:port, got \"localhost\"");
  EXPECT_EQ(problems.diagnostics()[1].to_string(),
            "/resources/0/params/comand: unknown parameter for backend \"process\" (did you mean \"command\"?)");
  EXPECT_EQ(problems.diagnostics()[2].to_string(),
            "/resources/0/params: missing required parameter \"command\" for backend \"process\"");
}

TEST_F(ProcessAgentTest, SupervisesAWebServerThroughKillAndRestart) {
  auto agent = agent_for(web("check_http", "http://127.0.0.1:{port}/"));
  auto started = call([&](auto h) { agent->start(10s, h); });
  ASSERT_TRUE(started.ok()) << started.reason;
  EXPECT_TRUE(call([&](auto h) { agent->monitor(5s, h); }).ok());

  auto pid = wha_test::read_pid(dir.path() / "pid");
  ASSERT_TRUE(pid);
  ASSERT_EQ(::kill(*pid, SIGKILL), 0);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return !wha_test::alive(*pid); }));
  auto after_kill = call([&](auto h) { agent->monitor(5s, h); });
  EXPECT_EQ(after_kill.status, agents::Status::not_running);
  EXPECT_NE(after_kill.reason.find("killed by SIGKILL"), std::string::npos) << after_kill.reason;

  ASSERT_TRUE(call([&](auto h) { agent->start(10s, h); }).ok());
  auto second = wha_test::read_pid(dir.path() / "pid");
  ASSERT_TRUE(second);
  EXPECT_NE(*second, *pid);
  EXPECT_TRUE(call([&](auto h) { agent->stop(10s, h); }).ok());
  EXPECT_FALSE(wha_test::alive(*second));
  EXPECT_EQ(call([&](auto h) { agent->monitor(5s, h); }).status, agents::Status::not_running);
}

TEST_F(ProcessAgentTest, TcpCheckFailureIsReportedWhileTheProcessLives) {
  auto r = web("check_tcp", "127.0.0.1:1");  // nothing listens on port 1
  r->params["command"] = "sleep 30";
  auto agent = agent_for(r);
  auto started = call([&](auto h) { agent->start(700ms, h); });
  EXPECT_EQ(started.status, agents::Status::timed_out);
  EXPECT_NE(started.reason.find("cannot connect to 127.0.0.1:1"), std::string::npos) << started.reason;
  EXPECT_TRUE(call([&](auto h) { agent->stop(5s, h); }).ok());
}

TEST_F(ProcessAgentTest, AProgramThatExitsAtOnceFailsToStart) {
  auto r = std::make_shared<model::Resource>();
  r->id = "broken";
  r->backend = "process";
  r->params["command"] = "sh -c 'echo cannot bind >&2; exit 3'";
  auto agent = agent_for(r);
  auto started = call([&](auto h) { agent->start(5s, h); });
  EXPECT_EQ(started.status, agents::Status::error_generic);
  EXPECT_NE(started.reason.find("exited with status 3"), std::string::npos) << started.reason;
}

TEST_F(ProcessAgentTest, StopEscalatesToKillWhenTermIsIgnored) {
  auto r = std::make_shared<model::Resource>();
  r->id = "stubborn";
  r->backend = "process";
  r->params["command"] = "sh -c 'echo $$ > " + (dir.path() / "pid").string() + "; trap \"\" TERM; while :; do sleep 1; done'";
  r->params["stop_grace"] = "200ms";
  r->params["start_settle"] = "100ms";
  auto agent = agent_for(r);
  ASSERT_TRUE(call([&](auto h) { agent->start(5s, h); }).ok());
  auto pid = wha_test::read_pid(dir.path() / "pid");
  ASSERT_TRUE(pid);
  auto stopped = call([&](auto h) { agent->stop(5s, h); });
  EXPECT_TRUE(stopped.ok());
  EXPECT_NE(stopped.reason.find("SIGKILL"), std::string::npos) << stopped.reason;
  EXPECT_FALSE(wha_test::alive(*pid));
}

}  // namespace
