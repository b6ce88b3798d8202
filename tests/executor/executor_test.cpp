// The executor against callback agents whose answers the test controls.

#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/executor/executor.hpp>

#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace executor = wholesale_ha::executor;
namespace model = wholesale_ha::model;
namespace policy = wholesale_ha::policy;

/// Callback agents that record every call and answer when the test says so.
struct Scripted {
  struct Call {
    std::string op;
    std::string resource;
    std::string node;
    agents::Handler done;
  };
  std::vector<Call> calls;
  std::map<std::string, agents::Status> answers;  ///< "op resource node" → immediate answer

  agents::AsyncCallback op(const std::string& name) {
    return [this, name](const agents::CallbackCall& call, agents::Handler done) {
      const std::string key = name + " " + call.resource.id + " " + call.node;
      auto it = answers.find(key);
      if (it != answers.end()) {
        done({it->second, it->second == agents::Status::success ? "" : "scripted failure"});
        return;
      }
      calls.push_back({name, call.resource.id, call.node, std::move(done)});
    };
  }

  void answer_all() {
    auto pending = std::move(calls);
    calls.clear();
    for (auto& c : pending) c.done({agents::Status::success, ""});
  }
};

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() {
    backend = std::make_shared<agents::CallbackBackend>();
    backend->add_type("scripted", {.start = script.op("start"), .stop = script.op("stop"),
                                   .monitor = script.op("monitor"),
                                   .migrate_to = script.op("migrate_to"),
                                   .migrate_from = script.op("migrate_from")});
    registry.add("callback", backend);
    auto cfg = std::make_shared<model::Config>();
    for (const char* id : {"a", "b", "c"}) {
      model::Resource r;
      r.id = id;
      r.backend = "callback";
      r.type = "scripted";
      r.operations.start.timeout = 200ms;
      cfg->resources.push_back(r);
    }
    config = cfg;
    pool.set_config(*config);
  }

  policy::Action action(std::size_t id, policy::ActionKind kind, std::string r, std::string node,
                        std::optional<std::string> target = {}) {
    return {id, kind, std::move(r), std::move(node), std::move(target), {}};
  }

  void run(policy::Transition t) {
    exec.run(std::move(t), config,
             {.started = [&](const policy::Action& a) { started.push_back(policy::describe(a)); },
              .finished = [&](const executor::ActionResult& r) { finished.push_back(r); },
              .done = [&](bool complete) { result = complete; }});
  }

  boost::asio::io_context io;
  Scripted script;
  std::shared_ptr<agents::CallbackBackend> backend;
  agents::Registry registry;
  std::shared_ptr<const model::Config> config;
  executor::AgentPool pool{io.get_executor(), registry};
  executor::LocalRunner runner{pool};
  executor::Executor exec{io.get_executor(), wholesale_ha::Logger{nullptr}, runner, nullptr,
                          {.node_concurrency = 4, .migration_limit = 1, .answer_grace = 100ms}};
  std::vector<std::string> started;
  std::vector<executor::ActionResult> finished;
  std::optional<bool> result;
};

TEST_F(ExecutorTest, IndependentActionsRunInParallelAndEdgesAreRespected) {
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::start, "a", "n1"),
               action(1, policy::ActionKind::start, "b", "n2"),
               action(2, policy::ActionKind::start, "c", "n1")};
  t.edges = {{0, 2}};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return script.calls.size() == 2; }));
  EXPECT_EQ(started, (std::vector<std::string>{"start a n1", "start b n2"}));
  script.answer_all();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return script.calls.size() == 1; }));
  EXPECT_EQ(script.calls[0].resource, "c");
  script.answer_all();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_TRUE(*result);
  EXPECT_EQ(finished.size(), 3U);
}

TEST_F(ExecutorTest, ANodeRunsNoMoreThanItsConcurrencyLimit) {
  executor::Executor narrow{io.get_executor(), wholesale_ha::Logger{nullptr}, runner, nullptr,
                            {.node_concurrency = 1}};
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::start, "a", "n1"),
               action(1, policy::ActionKind::start, "b", "n1")};
  bool done = false;
  narrow.run(t, config, {.started = {}, .finished = {}, .done = [&](bool) { done = true; }});
  ASSERT_TRUE(wha_test::run_until(io, [&] { return script.calls.size() == 1; }));
  io.run_for(50ms);
  EXPECT_EQ(script.calls.size(), 1U) << "the second action must wait for a slot on n1";
  script.answer_all();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return script.calls.size() == 1; }));
  script.answer_all();
  EXPECT_TRUE(wha_test::run_until(io, [&] { return done; }));
}

TEST_F(ExecutorTest, AFailureSkipsWhatDependsOnIt) {
  script.answers["start a n1"] = agents::Status::error_generic;
  script.answers["start b n1"] = agents::Status::success;
  script.answers["start c n2"] = agents::Status::success;
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::start, "a", "n1"),
               action(1, policy::ActionKind::start, "b", "n1"),
               action(2, policy::ActionKind::start, "c", "n2")};
  t.edges = {{0, 1}};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(*result);
  std::map<std::string, bool> skipped;
  for (const auto& f : finished) skipped[policy::describe(f.action)] = f.skipped;
  EXPECT_FALSE(skipped.at("start a n1"));
  EXPECT_TRUE(skipped.at("start b n1"));
  EXPECT_FALSE(skipped.at("start c n2"));
}

TEST_F(ExecutorTest, AFailedMigrationFallsBackToStopAndStart) {
  script.answers["migrate_to a n1"] = agents::Status::error_generic;
  script.answers["stop a n1"] = agents::Status::success;
  script.answers["start a n2"] = agents::Status::success;
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::migrate, "a", "n1", "n2")};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  ASSERT_EQ(finished.size(), 1U);
  EXPECT_TRUE(finished[0].result.ok());
  ASSERT_TRUE(finished[0].fallback.has_value());
  EXPECT_NE(finished[0].fallback->find("migrate_to"), std::string::npos);
}

TEST_F(ExecutorTest, AHungAgentTimesOutAndItsLateAnswerIsIgnored) {
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::start, "a", "n1")};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  ASSERT_EQ(finished.size(), 1U);
  EXPECT_EQ(finished[0].result.status, agents::Status::timed_out);
  script.answer_all();  // the agent wakes up far too late
  io.run_for(20ms);
  EXPECT_EQ(finished.size(), 1U);
}

TEST_F(ExecutorTest, AbortLetsInFlightFinishAndSkipsTheRest) {
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::start, "a", "n1"),
               action(1, policy::ActionKind::start, "b", "n1")};
  t.edges = {{0, 1}};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return script.calls.size() == 1; }));
  exec.abort();
  script.answer_all();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(*result);
  ASSERT_EQ(finished.size(), 2U);
  EXPECT_TRUE(finished[0].result.ok());
  EXPECT_TRUE(finished[1].skipped);
}

TEST_F(ExecutorTest, WithoutAFencerFencingFailsLoudly) {
  policy::Transition t;
  t.actions = {action(0, policy::ActionKind::fence, "", "n3")};
  run(t);
  ASSERT_TRUE(wha_test::run_until(io, [&] { return result.has_value(); }));
  ASSERT_EQ(finished.size(), 1U);
  EXPECT_EQ(finished[0].result.status, agents::Status::not_configured);
}

}  // namespace
