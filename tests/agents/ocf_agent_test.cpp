// The OCF backend running real resource agents: heartbeat:Dummy from Debian's
// resource-agents package, and test agents that hang, print garbage or lie in meta-data.

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/ocf.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
namespace fs = std::filesystem;

class OcfAgentTest : public ::testing::Test {
 protected:
  OcfAgentTest() {
    // An OCF root holding the system's heartbeat agents and our test agents side by side.
    fs::create_directories(root.path() / "resource.d");
    fs::create_directory_symlink("/usr/lib/ocf/resource.d/heartbeat", root.path() / "resource.d/heartbeat");
    fs::create_directory_symlink(fs::path{WHA_SOURCE_DIR} / "tests/data/ocf/test", root.path() / "resource.d/test");
    fs::create_directory_symlink("/usr/lib/ocf/lib", root.path() / "lib");
    backend = agents::make_ocf_backend(
        {.ocf_root = root.path(), .state_dir = state.path(), .per_node_state = true});
  }

  std::shared_ptr<model::Resource> resource(std::string id, std::string type, model::Params params = {}) {
    auto r = std::make_shared<model::Resource>();
    r->id = std::move(id);
    r->backend = "ocf";
    r->type = std::move(type);
    r->params = std::move(params);
    return r;
  }

  std::unique_ptr<agents::Agent> agent(const std::shared_ptr<model::Resource>& r, std::string node = "n1") {
    return backend->create({io.get_executor(), r, std::move(node)});
  }

  agents::Outcome call(const std::function<void(agents::Handler)>& op) {
    std::optional<agents::Outcome> out;
    op([&](agents::Outcome r) { out = std::move(r); });
    EXPECT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
    return out.value_or(agents::Outcome{agents::Status::timed_out, "test deadline"});
  }

  boost::asio::io_context io;
  wha_test::ScratchDir root;
  wha_test::ScratchDir state;
  std::shared_ptr<agents::Backend> backend;
};

TEST_F(OcfAgentTest, DummyLifecycleWithMigration) {
  auto r = resource("d1", "heartbeat:Dummy");
  ASSERT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  auto on_n1 = agent(r, "n1");
  auto on_n2 = agent(r, "n2");
  EXPECT_TRUE(on_n1->capabilities().live_migratable);
  EXPECT_EQ(call([&](auto h) { on_n1->monitor(20s, h); }).status, agents::Status::not_running);
  ASSERT_TRUE(call([&](auto h) { on_n1->start(20s, h); }).ok());
  EXPECT_TRUE(call([&](auto h) { on_n1->monitor(20s, h); }).ok());
  EXPECT_EQ(call([&](auto h) { on_n2->monitor(20s, h); }).status, agents::Status::not_running)
      << "each simulated node has its own state directory";
  ASSERT_TRUE(call([&](auto h) { on_n1->migrate_to("n2", 20s, h); }).ok());
  ASSERT_TRUE(call([&](auto h) { on_n2->migrate_from("n1", 20s, h); }).ok());
  EXPECT_TRUE(call([&](auto h) { on_n2->monitor(20s, h); }).ok());
  ASSERT_TRUE(call([&](auto h) { on_n2->stop(20s, h); }).ok());
  EXPECT_EQ(call([&](auto h) { on_n2->monitor(20s, h); }).status, agents::Status::not_running);
}

TEST_F(OcfAgentTest, ParametersAreCheckedAgainstMetaData) {
  auto problems = backend->validate(*resource("d1", "heartbeat:Dummy", {{"stat", "/tmp/x"}}), "/resources/2");
  ASSERT_EQ(problems.diagnostics().size(), 1U);
  EXPECT_EQ(problems.diagnostics()[0].to_string(),
            "/resources/2/params/stat: agent heartbeat:Dummy has no parameter \"stat\" (did you mean \"state\"?)");
  problems = backend->validate(*resource("g", "test:Garbage"), "/resources/0");
  ASSERT_EQ(problems.diagnostics().size(), 1U);
  EXPECT_EQ(problems.diagnostics()[0].to_string(), "/resources/0/params: agent test:Garbage requires parameter \"mode\"");
}

TEST_F(OcfAgentTest, MissingAgentsAndBadTypesAreReportedAtLoad) {
  auto missing = backend->validate(*resource("x", "heartbeat:NoSuchAgent"), "/resources/0");
  ASSERT_EQ(missing.diagnostics().size(), 1U);
  EXPECT_NE(missing.diagnostics()[0].message.find("is not installed"), std::string::npos) << missing.diagnostics()[0].message;
  auto malformed = backend->validate(*resource("x", "Dummy"), "/resources/0");
  ASSERT_EQ(malformed.diagnostics().size(), 1U);
  EXPECT_EQ(malformed.diagnostics()[0].to_string(),
            "/resources/0/type: OCF type \"Dummy\" must be \"provider:agent\", e.g. \"heartbeat:Dummy\"");
  auto bad_meta = backend->validate(*resource("x", "test:BadMeta"), "/resources/0");
  ASSERT_EQ(bad_meta.diagnostics().size(), 1U);
  EXPECT_NE(bad_meta.diagnostics()[0].message.find("meta-data is not valid XML"), std::string::npos) << bad_meta.diagnostics()[0].message;
}

TEST_F(OcfAgentTest, AHangingMonitorIsTimedOutAndKilled) {
  auto r = resource("h", "test:Hang");
  ASSERT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  auto a = agent(r);
  auto result = call([&](auto h) { a->monitor(300ms, h); });
  EXPECT_EQ(result.status, agents::Status::timed_out);
  EXPECT_NE(result.reason.find("monitor h timed out and was killed"), std::string::npos) << result.reason;
}

TEST_F(OcfAgentTest, UndefinedExitCodesAreClearErrors) {
  auto r = resource("g", "test:Garbage", {{"mode", "x"}});
  auto a = agent(r);
  auto started = call([&](auto h) { a->start(5s, h); });
  EXPECT_EQ(started.status, agents::Status::error_generic);
  EXPECT_EQ(started.reason, "start g: undefined OCF exit code 42: segfault in frobnicator");
  auto monitored = call([&](auto h) { a->monitor(5s, h); });
  EXPECT_EQ(monitored.status, agents::Status::error_generic);
  EXPECT_EQ(monitored.reason, "monitor g: undefined OCF exit code 255");
}

// An agent's words become the result's reason, which reaches JSON (status, events): bytes
// that are not UTF-8 (Latin-1 "Démarrage") become U+FFFD instead of aborting the output.
TEST_F(OcfAgentTest, Latin1OutputBecomesValidUtf8) {
  auto r = resource("l", "test:Latin1");
  ASSERT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  auto a = agent(r);
  auto started = call([&](auto h) { a->start(5s, h); });
  EXPECT_EQ(started.status, agents::Status::error_generic);
  EXPECT_EQ(started.reason, "start l: exit 1 (generic error): D\xEF\xBF\xBDmarrage impossible");
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(started.reason));
}

// Meta-data nested 100,000 deep would overflow the stack of a recursive XML parser: it is
// refused with the limit named, before parsing.
TEST_F(OcfAgentTest, DeeplyNestedMetaDataIsRefused) {
  auto problems = backend->validate(*resource("d", "test:Deep"), "/resources/0");
  ASSERT_EQ(problems.diagnostics().size(), 1U);
  EXPECT_NE(problems.diagnostics()[0].message.find("nested more than 128 deep (the limit)"), std::string::npos)
      << problems.diagnostics()[0].message;
}

}  // namespace
