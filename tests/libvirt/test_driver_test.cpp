// The libvirt agent against libvirt's in-memory test:///default driver: lifecycle, events
// and errors (the test driver has no migration; tests/libvirt/two_hosts_test.cpp has that).

#include <libvirt/libvirt.h>

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/libvirt/backend.hpp>

#include "../support/io_wait.hpp"
#include "agents/libvirt/guest_agent.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

std::string domain_xml(const std::string& name) {
  return "<domain type='test'><name>" + name +
         "</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
}

class LibvirtTestDriver : public ::testing::Test {
 protected:
  LibvirtTestDriver() {
    backend = agents::make_libvirt_backend(io.get_executor(),
                                           {.node_uris = {{"n1", "test:///default"},
                                                          {"far", "qemu:///system?socket=/nonexistent/libvirt-sock"}},
                                            .reconnect_min = 50ms});
  }

  std::shared_ptr<model::Resource> vm(const std::string& name) {
    auto r = std::make_shared<model::Resource>();
    r->id = name;
    r->backend = "libvirt";
    r->params = {{"xml", domain_xml(name)}, {"shutdown_timeout", "2s"}};
    return r;
  }

  agents::Outcome call(const std::function<void(agents::Handler)>& op) {
    std::optional<agents::Outcome> out;
    op([&](agents::Outcome r) { out = std::move(r); });
    EXPECT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
    return out.value_or(agents::Outcome{agents::Status::timed_out, "test deadline"});
  }

  boost::asio::io_context io;
  std::shared_ptr<agents::LibvirtBackend> backend;
};

TEST_F(LibvirtTestDriver, StartMonitorStop) {
  auto r = vm("wha-lifecycle");
  ASSERT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  auto agent = backend->create({io.get_executor(), r, "n1"});
  EXPECT_TRUE(agent->capabilities().live_migratable);
  EXPECT_EQ(call([&](auto h) { agent->monitor(10s, h); }).status, agents::Status::not_running);
  auto started = call([&](auto h) { agent->start(10s, h); });
  ASSERT_TRUE(started.ok()) << started.reason;
  EXPECT_TRUE(call([&](auto h) { agent->monitor(10s, h); }).ok());
  EXPECT_TRUE(call([&](auto h) { agent->start(10s, h); }).ok()) << "starting a running guest is a no-op";
  auto stopped = call([&](auto h) { agent->stop(10s, h); });
  ASSERT_TRUE(stopped.ok()) << stopped.reason;
  EXPECT_EQ(call([&](auto h) { agent->monitor(10s, h); }).status, agents::Status::not_running);
}

TEST_F(LibvirtTestDriver, ADomainDestroyedBehindOurBackIsReportedAtOnce) {
  auto r = vm("wha-events");
  auto agent = backend->create({io.get_executor(), r, "n1"});
  ASSERT_TRUE(call([&](auto h) { agent->start(10s, h); }).ok());
  int changes = 0;
  std::vector<std::string> events;
  wholesale_ha::ScopedConnection c = backend->on_domain_event.subscribe(
      [&](const agents::DomainEvent& e) { events.push_back(e.domain + " " + e.event); });
  agent->watch([&] { ++changes; });
  // Someone else destroys the guest through their own connection.
  virConnectPtr other = virConnectOpen("test:///default");
  ASSERT_NE(other, nullptr);
  virDomainPtr dom = virDomainLookupByName(other, "wha-events");
  ASSERT_NE(dom, nullptr);
  ASSERT_EQ(virDomainDestroy(dom), 0);
  virDomainFree(dom);
  virConnectClose(other);
  // The start's own lifecycle events may still be arriving: wait for the one about the destroy.
  auto seen_stop = [&] { return std::find(events.begin(), events.end(), "wha-events STOPPED") != events.end(); };
  ASSERT_TRUE(wha_test::run_until(io, [&] { return changes > 0 && seen_stop(); }, 10s));
  EXPECT_NE(std::find(events.begin(), events.end(), "wha-events STOPPED"), events.end());
  EXPECT_EQ(call([&](auto h) { agent->monitor(10s, h); }).status, agents::Status::not_running);
}

TEST_F(LibvirtTestDriver, ErrorsAreClearAndQuick) {
  auto r = std::make_shared<model::Resource>();
  r->id = "ghost";
  r->backend = "libvirt";
  r->params = {{"domain", "wha-not-defined"}};
  auto agent = backend->create({io.get_executor(), r, "n1"});
  auto started = call([&](auto h) { agent->start(10s, h); });
  EXPECT_EQ(started.status, agents::Status::not_configured);
  EXPECT_EQ(started.reason, "domain wha-not-defined is not defined on this host and the resource has no xml");

  auto bad = vm("wha-bad");
  bad->params["xml"] = "<domain type='test'><name>wha-bad</name><memory>oops</memory></domain>";
  auto bad_agent = backend->create({io.get_executor(), bad, "n1"});
  auto failed = call([&](auto h) { bad_agent->start(10s, h); });
  EXPECT_EQ(failed.status, agents::Status::error_generic);
  EXPECT_NE(failed.reason.find("cannot create domain wha-bad"), std::string::npos) << failed.reason;

  auto far = backend->create({io.get_executor(), vm("wha-far"), "far"});
  auto unreachable = call([&](auto h) { far->monitor(10s, h); });
  EXPECT_EQ(unreachable.status, agents::Status::error_generic);
  EXPECT_NE(unreachable.reason.find("cannot reach libvirt at qemu:///system?socket=/nonexistent"), std::string::npos)
      << unreachable.reason;
  auto nowhere = backend->create({io.get_executor(), vm("wha-x"), "unknown-node"});
  EXPECT_EQ(call([&](auto h) { nowhere->monitor(10s, h); }).status, agents::Status::not_configured);
}

TEST_F(LibvirtTestDriver, SaveAndRestoreIsTheColdMigrationPath) {
  // Both "nodes" reach the same in-memory driver: the save image is the shared storage.
  backend = agents::make_libvirt_backend(io.get_executor(),
                                         {.node_uris = {{"n1", "test:///default"}, {"n2", "test:///default"}}});
  auto r = vm("wha-saved");
  r->params["migration"] = "save";
  r->params["save_dir"] = std::filesystem::temp_directory_path().string();
  ASSERT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  auto source = backend->create({io.get_executor(), r, "n1"});
  auto target = backend->create({io.get_executor(), r, "n2"});
  EXPECT_TRUE(source->capabilities().checkpointable);
  EXPECT_FALSE(source->capabilities().live_migratable);
  ASSERT_TRUE(call([&](auto h) { source->start(10s, h); }).ok());
  auto saved = call([&](auto h) { source->migrate_to("n2", 10s, h); });
  ASSERT_TRUE(saved.ok()) << saved.reason;
  EXPECT_EQ(call([&](auto h) { source->monitor(10s, h); }).status, agents::Status::not_running);
  auto restored = call([&](auto h) { target->migrate_from("n1", 10s, h); });
  ASSERT_TRUE(restored.ok()) << restored.reason;
  EXPECT_TRUE(call([&](auto h) { target->monitor(10s, h); }).ok());
  EXPECT_TRUE(call([&](auto h) { target->stop(10s, h); }).ok());
}

TEST_F(LibvirtTestDriver, ValidatesParameters) {
  model::Resource r;
  r.id = "v";
  r.backend = "libvirt";
  r.params = {{"domian", "x"}, {"migration", "teleport"}, {"persistent", "yes"}};
  auto problems = backend->validate(r, "/resources/1");
  std::vector<std::string> text;
  for (const auto& d : problems.diagnostics()) text.push_back(d.to_string());
  EXPECT_EQ(text, (std::vector<std::string>{
                      "/resources/1/params/domian: unknown parameter for backend \"libvirt\" (did you mean \"domain\"?)",
                      "/resources/1/params/persistent: expected true or false, got \"yes\"",
                      "/resources/1/params: the libvirt backend needs \"domain\", or an \"xml\" with a <name>",
                      "/resources/1/params/migration: expected \"live\" or \"save\", got \"teleport\""}));
}

TEST_F(LibvirtTestDriver, ValidatesGuestParametersAndOffersRepairs) {
  model::Resource r;
  r.id = "v";
  r.backend = "libvirt";
  r.params = {{"domain", "v"}, {"guest_check_tcp", "http"}, {"guest_check_http", "health"}, {"guest_agent", "maybe"}};
  std::vector<std::string> text;
  for (const auto& d : backend->validate(r, "/resources/0").diagnostics()) text.push_back(d.to_string());
  EXPECT_EQ(text, (std::vector<std::string>{
                      "/resources/0/params/guest_agent: expected true or false, got \"maybe\"",
                      "/resources/0/params/guest_check_tcp: expected a port (1-65535) on the guest's address, got \"http\"",
                      "/resources/0/params/guest_check_http: expected \"/path\" or \":port/path\" on the guest's address, "
                      "got \"health\""}));
  EXPECT_EQ(backend->repair_actions(r), std::vector<std::string>{"reset"});
  r.params["guest_restart_command"] = "systemctl restart nginx";
  EXPECT_EQ(backend->repair_actions(r), (std::vector<std::string>{"restart_application", "reset"}));
}

TEST_F(LibvirtTestDriver, AGuestAgentTheDriverCannotReachFallsBackToTheDomainState) {
  // The test driver has no guest agents, as a QEMU domain without an agent channel.
  auto r = vm("wha-noagent");
  r->params["guest_agent"] = "true";
  r->params["guest_boot_grace"] = "1ms";
  auto agent = backend->create({io.get_executor(), r, "n1"});
  ASSERT_TRUE(call([&](auto h) { agent->start(10s, h); }).ok());
  wha_test::run_until(io, [] { return false; }, 20ms);  // past the boot grace
  const auto seen = call([&](auto h) { agent->monitor(10s, h); });
  EXPECT_TRUE(seen.ok()) << seen.reason;
  EXPECT_NE(seen.reason.find("no guest agent"), std::string::npos) << seen.reason;
  // A reset is a repair the driver can do while it runs; it says so when it cannot.
  EXPECT_TRUE(call([&](auto h) { agent->repair("reset", 10s, h); }).ok());
  EXPECT_EQ(call([&](auto h) { agent->repair("reinstall", 10s, h); }).status, agents::Status::unimplemented);
  EXPECT_TRUE(call([&](auto h) { agent->stop(10s, h); }).ok());
  EXPECT_FALSE(call([&](auto h) { agent->repair("reset", 10s, h); }).ok()) << "nothing to reset";
}

TEST_F(LibvirtTestDriver, APausedGuestIsAliveAndNotAskedInside) {
  auto r = vm("wha-paused");
  r->params["guest_agent"] = "true";
  r->params["guest_boot_grace"] = "1ms";
  auto agent = backend->create({io.get_executor(), r, "n1"});
  ASSERT_TRUE(call([&](auto h) { agent->start(10s, h); }).ok());
  virConnectPtr conn = virConnectOpen("test:///default");
  virDomainPtr dom = virDomainLookupByName(conn, "wha-paused");
  ASSERT_EQ(virDomainSuspend(dom), 0);
  wha_test::run_until(io, [] { return false; }, 20ms);  // past the boot grace
  const auto seen = call([&](auto h) { agent->monitor(10s, h); });
  EXPECT_TRUE(seen.ok()) << seen.reason;
  EXPECT_EQ(seen.reason, "domain wha-paused is paused") << "nothing asked of a guest that cannot answer";
  EXPECT_FALSE(call([&](auto h) { agent->repair("reset", 10s, h); }).ok()) << "a paused guest is never reset";
  virDomainResume(dom);
  virDomainFree(dom);
  virConnectClose(conn);
  EXPECT_TRUE(call([&](auto h) { agent->stop(10s, h); }).ok());
}

TEST(GuestAgentReplies, Base64IsDecodedAndCheckedWhereItEnters) {
  using wholesale_ha::agents::libvirt::decode_base64;
  EXPECT_EQ(decode_base64("aGVsbG8K"), "hello\n");
  EXPECT_EQ(decode_base64("aGk="), "hi");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("aGk"), std::nullopt) << "not a multiple of four";
  EXPECT_EQ(decode_base64("a$k="), std::nullopt);
  EXPECT_EQ(decode_base64("aG=k"), std::nullopt) << "data after padding";
}

TEST(GuestAgentReplies, WhatAGuestSendsIsCheckedNeverThrown) {
  namespace lv = wholesale_ha::agents::libvirt;
  const auto status = lv::parse_agent_reply(R"({"return":{"exited":true,"exitcode":3,"out-data":"/w==","err-data":"b2sK"}})");
  ASSERT_TRUE(status.value) << status.error;
  const auto decoded = lv::exec_status(*status.value);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->exited);
  EXPECT_EQ(decoded->exit_code, 3);
  EXPECT_EQ(decoded->output, "\xEF\xBF\xBDok\n") << "a stray 0xFF byte becomes U+FFFD";
  // Wrong types where numbers, strings and lists belong: ignored, not thrown.
  const auto odd = lv::parse_agent_reply(R"({"return":{"exited":"yes","exitcode":"0","pid":1e300}})");
  ASSERT_TRUE(odd.value);
  EXPECT_FALSE(lv::exec_status(*odd.value)->exited);
  EXPECT_FALSE(lv::exec_pid(*odd.value));
  EXPECT_EQ(lv::exec_status(*lv::parse_agent_reply(R"({"return":{"exited":true,"exitcode":-9}})").value)->exit_code, -1);
  const auto interfaces = lv::parse_agent_reply(
      R"({"return":[{"name":5,"ip-addresses":"none"},{"name":"lo","ip-addresses":[{"ip-address-type":"ipv4","ip-address":"127.0.0.1"}]},
                    {"name":"eth0","ip-addresses":[{"ip-address-type":"ipv4","ip-address":7},
                      {"ip-address-type":"ipv4","ip-address":"10.0.0.5; rm -rf /"},
                      {"ip-address-type":"ipv6","ip-address":"fe80::1"},{"ip-address-type":"ipv4","ip-address":"10.77.0.11"}]}]})");
  ASSERT_TRUE(interfaces.value);
  EXPECT_EQ(lv::ipv4_addresses(*interfaces.value), std::vector<std::string>{"10.77.0.11"});
  EXPECT_FALSE(lv::parse_agent_reply(R"({"error":{"class":"GenericError"}})").value);
  EXPECT_FALSE(lv::parse_agent_reply(std::string(100, '[')).value);
  EXPECT_NE(lv::parse_agent_reply(std::string(100, '[')).error.find("too deep"), std::string::npos);
}

}  // namespace
