// Metrics from a real (in-process) controller: what a scrape shows after starts, a crash and
// a migration, in both text formats; and the text itself (escaping, counters, histograms).

#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/agents/callback.hpp>
#include <wholesale_ha/controller.hpp>
#include <wholesale_ha/membership/in_process.hpp>
#include <wholesale_ha/metrics.hpp>

#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;
using wholesale_ha::Metrics;
using wholesale_ha::MetricsFormat;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agents::CallbackType t;
    t.start = agents::sync([this](const agents::CallbackCall& c) {
      running.insert({c.resource.id, c.node});
      return agents::Outcome{};
    });
    t.stop = agents::sync([this](const agents::CallbackCall& c) {
      running.erase({c.resource.id, c.node});
      return agents::Outcome{};
    });
    t.monitor = agents::sync([this](const agents::CallbackCall& c) {
      return running.contains({c.resource.id, c.node}) ? agents::Outcome{}
                                                      : agents::Outcome{agents::Status::not_running, "gone"};
    });
    t.migrate_to = agents::sync([this](const agents::CallbackCall& c) {
      running.erase({c.resource.id, c.node});
      return agents::Outcome{};
    });
    t.migrate_from = agents::sync([this](const agents::CallbackCall& c) {
      running.insert({c.resource.id, c.node});
      return agents::Outcome{};
    });
    t.repairs["reset"] = agents::sync([this](const agents::CallbackCall& c) {
      running.insert({c.resource.id, c.node});
      return agents::Outcome{};
    });
    auto backend = std::make_shared<agents::CallbackBackend>();
    backend->add_type("vm", t);
    registry.add("callback", backend);
    for (const char* n : {"n1", "n2"}) config.nodes.push_back({n, n, false, false, {}, {}});
    config.options.cluster_name = "lab \"one\"";
    config.options.health.strategy = model::HealthStrategy::migrate_on_red;
    model::Resource vm;
    vm.id = "vm1";
    vm.backend = "callback";
    vm.type = "vm";
    vm.meta.allow_migrate = true;
    vm.operations.monitor.interval = 50ms;
    config.resources.push_back(vm);
    membership = std::make_shared<wholesale_ha::membership::InProcessMembership>(
        io.get_executor(), std::vector<std::string>{"n1", "n2"});
    controller = std::make_unique<wholesale_ha::Controller>(
        io.get_executor(), config, membership, registry,
        wholesale_ha::ControllerOptions{.logger = wholesale_ha::Logger{nullptr}, .retry_delay = 20ms});
    metrics = std::make_unique<Metrics>(*controller, [] { return 1000.0; });
    controller->start();
    ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle(); }));
  }

  [[nodiscard]] std::string where() const {
    for (const auto& [r, n] : running) return n;
    return "";
  }

  boost::asio::io_context io;
  std::set<std::pair<std::string, std::string>> running;
  agents::Registry registry;
  model::Config config;
  std::shared_ptr<wholesale_ha::membership::InProcessMembership> membership;
  std::unique_ptr<wholesale_ha::Controller> controller;
  std::unique_ptr<Metrics> metrics;
};

TEST_F(MetricsTest, RepairsInPlaceAreCountedByActionAndResult) {
  auto with_ladder = controller->config();
  with_ladder.resources[0].recovery = {{"reset", 1, std::nullopt}};
  ASSERT_TRUE(controller->reload(with_ladder).ok());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle(); }));
  running.clear();  // a crash the ladder's reset repairs in place
  ASSERT_TRUE(wha_test::run_until(io, [&] { return !running.empty() && controller->idle(); }));
  const std::string text = metrics->render(MetricsFormat::prometheus, "n1");
  EXPECT_TRUE(has_line(text, "# TYPE wha_resource_repairs_total counter")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_resource_repairs_total{action="reset",result="success"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "wha_resource_failures_total 0")) << text;
}

TEST_F(MetricsTest, AScrapeShowsStartsHealthFailuresAndMigrations) {
  const std::string first = where();
  const std::string other = first == "n1" ? "n2" : "n1";
  // A crash: recovered in place, counted.
  running.clear();
  ASSERT_TRUE(wha_test::run_until(io, [&] { return !running.empty(); }));
  ASSERT_TRUE(wha_test::run_until(io, [&] { return controller->idle(); }));
  // Its node turns red: the VM is live-migrated away.
  ASSERT_TRUE(controller->set_attribute(first, "#health-disk", "red").diagnostics().empty());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return where() == other && controller->idle(); }));

  wholesale_ha::health::AttributeReading reading;
  reading.attribute = "#health-disk";
  reading.probe = "smart";
  reading.checked = 990;
  const std::string text = metrics->render(MetricsFormat::prometheus, "n1", std::span{&reading, 1});

  EXPECT_TRUE(has_line(text, R"(wha_info{version="0.1.0",node="n1",cluster="lab \"one\""} 1)")) << text;
  EXPECT_TRUE(has_line(text, "wha_quorate 1")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_node_health{node=")" + first + R"(",attribute="#health-disk"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_health_evidence_age_seconds{node="n1",attribute="#health-disk",probe="smart"} 10)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(wha_failcount{resource="vm1",node=")" + first + R"("} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_resource_placement{resource="vm1",node=")" + other + R"(",state="started"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(wha_actions_total{kind="migrate",result="success"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_actions_total{kind="start",result="success"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "wha_resource_failures_total 1")) << text;
  EXPECT_TRUE(has_line(text, "wha_migrations_in_flight 0")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE wha_actions_total counter")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_action_duration_seconds_bucket{kind="start",le="+Inf"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(wha_action_duration_seconds_count{kind="start"} 2)")) << text;
  EXPECT_NE(text.find("wha_plan_duration_seconds_count "), std::string::npos) << text;
  EXPECT_EQ(text.find("# EOF"), std::string::npos) << "the classic format has no EOF marker";

  const std::string open = metrics->render(MetricsFormat::openmetrics, "n1");
  EXPECT_TRUE(has_line(open, "# TYPE wha_actions counter")) << open;
  EXPECT_TRUE(has_line(open, R"(wha_actions_total{kind="migrate",result="success"} 1)")) << open;
  EXPECT_TRUE(open.ends_with("\n# EOF\n")) << open;
}

TEST_F(MetricsTest, AMigrationInFlightShowsItsBytesLeft) {
  const std::string from = where();
  const std::string to = from == "n1" ? "n2" : "n1";
  // The action starts (the controller's event), the backend reports progress, then it ends.
  wholesale_ha::policy::Action migrate;
  migrate.kind = wholesale_ha::policy::ActionKind::migrate;
  migrate.resource = "vm1";
  migrate.node = from;
  migrate.target = to;
  bool seen = false;
  auto seen_migration = controller->on_action_started.subscribe([&](const auto& a) {
    if (a.kind != wholesale_ha::policy::ActionKind::migrate) return;
    metrics->migration_progress({"vm1", from, to, 4096, 1024, false});
    const auto text = metrics->render(MetricsFormat::prometheus);
    seen = has_line(text, "wha_migrations_in_flight 1") &&
           has_line(text, R"(wha_migration_remaining_bytes{resource="vm1",from=")" + from + R"(",to=")" + to +
                              R"("} 1024)") &&
           has_line(text, R"(wha_migration_total_bytes{resource="vm1",from=")" + from + R"(",to=")" + to +
                              R"("} 4096)");
  });
  ASSERT_TRUE(controller->set_attribute(from, "#health-disk", "red").diagnostics().empty());
  ASSERT_TRUE(wha_test::run_until(io, [&] { return where() == to && controller->idle(); }));
  EXPECT_TRUE(seen) << "the migration's progress was not in the scrape while it ran";
  const auto after = metrics->render(MetricsFormat::prometheus);
  EXPECT_TRUE(has_line(after, "wha_migrations_in_flight 0")) << after;
  EXPECT_EQ(after.find("wha_migration_remaining_bytes{"), std::string::npos) << after;
}

}  // namespace
