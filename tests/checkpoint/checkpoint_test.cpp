// The checkpoint backend: examples/checkpoint_counter "migrated" between two nodes of the
// in-process cluster by checkpoint and restore, without losing or repeating a single count.

#include <fstream>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/checkpoint/backend.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/process/child_process.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

std::vector<long> read_counts(const std::filesystem::path& log) {
  std::ifstream in{log};
  std::vector<long> out;
  for (long v = 0; in >> v;) out.push_back(v);
  return out;
}

model::Resource counter(const wha_test::ScratchDir& dir) {
  model::Resource r;
  r.id = "counter";
  r.backend = "checkpoint";
  const auto state = (dir.path() / "shared").string();
  r.params = {{"command", std::string{WHA_COUNTER} + " --log " + (dir.path() / "counts.log").string() +
                              " --state-dir " + state},
              {"checkpoint_dir", state},
              {"start_settle", "200ms"}};
  r.meta.allow_migrate = true;
  r.operations.monitor.interval = 500ms;
  return r;
}

TEST(Checkpoint, CounterMigratesBetweenNodesWithoutLosingACount) {
  wha_test::ScratchDir dir;
  boost::asio::io_context io;
  agents::Registry registry;
  registry.add("checkpoint", agents::make_checkpoint_backend());
  model::Config config;
  config.nodes = {{"n1", "n1", false, false, {}, {}}, {"n2", "n2", false, false, {}, {}}};
  config.resources.push_back(counter(dir));
  auto membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
      io.get_executor(), std::vector<std::string>{"n1", "n2"});
  wholesale_ha::Controller controller{io.get_executor(), config, membership, registry,
                                      {.logger = wholesale_ha::Logger{nullptr}}};
  std::vector<wholesale_ha::executor::ActionResult> results;
  wholesale_ha::ScopedConnection c =
      controller.on_action_finished.subscribe([&](const auto& r) { results.push_back(r); });
  controller.start();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle(); }));
  const auto log = dir.path() / "counts.log";
  ASSERT_TRUE(wha_test::run_until(io, [&] { return read_counts(log).size() >= 20; }));

  const std::string from = controller.state().resources.at(0).node;
  const std::string to = from == "n1" ? "n2" : "n1";
  ASSERT_TRUE(controller.move("counter", to).diagnostics().empty());
  ASSERT_TRUE(wha_test::run_until(io, [&] {
    return controller.idle() && !controller.state().resources.empty() && controller.state().resources[0].node == to;
  }));
  const auto before = read_counts(log).size();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return read_counts(log).size() >= before + 20; }));

  ASSERT_FALSE(results.empty());
  const auto& migration = results.back();
  EXPECT_EQ(wholesale_ha::policy::describe(migration.action), "migrate counter " + from + "->" + to);
  EXPECT_TRUE(migration.result.ok()) << migration.result.reason;
  EXPECT_FALSE(migration.fallback) << "moved by checkpoint/restore, not by stop and start";

  const auto counts = read_counts(log);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    ASSERT_EQ(counts[i], static_cast<long>(i + 1)) << "count " << i + 1 << " lost or repeated";
  }

  EXPECT_TRUE(controller.set_target_role("counter", model::TargetRole::stopped).ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller.idle() && controller.state().resources.empty(); }));
}

TEST(Checkpoint, AProgramThatIgnoresTheRequestLeavesNoCheckpointToRestore) {
  wha_test::ScratchDir dir;
  boost::asio::io_context io;
  auto backend = agents::make_checkpoint_backend();
  auto r = std::make_shared<model::Resource>(counter(dir));
  r->params["command"] = "sh -c 'trap \"\" USR1; while :; do sleep 1; done'";
  auto source = backend->create({io.get_executor(), r, "n1"});
  auto target = backend->create({io.get_executor(), r, "n2"});
  std::optional<agents::Outcome> out;
  source->start(5s, [&](agents::Outcome x) { out = x; });
  ASSERT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok());
  out.reset();
  source->migrate_to("n2", 300ms, [&](agents::Outcome x) { out = x; });
  ASSERT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
  EXPECT_EQ(out->status, agents::Status::error_generic);
  EXPECT_NE(out->reason.find("nothing is restored from it"), std::string::npos) << out->reason;
  out.reset();
  target->migrate_from("n1", 5s, [&](agents::Outcome x) { out = x; });
  ASSERT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
  EXPECT_EQ(out->status, agents::Status::error_generic);
  EXPECT_NE(out->reason.find("no complete checkpoint"), std::string::npos) << out->reason;
}

TEST(Checkpoint, CriuModeIsRefusedWhereCriuCannotRun) {
  wha_test::ScratchDir dir;
  auto backend = agents::make_checkpoint_backend();
  auto r = counter(dir);
  r.params["mode"] = "criu";
  auto problems = backend->validate(r, "/resources/0");
  // What this machine's CRIU says decides what to expect: here `criu check` fails (vDSO).
  const bool criu_works = wholesale_ha::process::run({.program = "criu", .args = {"check"}}).success();
  if (criu_works) {
    EXPECT_TRUE(problems.diagnostics().empty());
  } else {
    ASSERT_EQ(problems.diagnostics().size(), 1U);
    EXPECT_EQ(problems.diagnostics()[0].pointer, "/resources/0/params/mode");
    EXPECT_TRUE(problems.diagnostics()[0].message.starts_with("CRIU cannot checkpoint on this machine") ||
                problems.diagnostics()[0].message.starts_with("CRIU is not installed"))
        << problems.diagnostics()[0].message;
    EXPECT_NE(problems.diagnostics()[0].message.find("use mode \"cooperative\""), std::string::npos);
  }
}

}  // namespace
