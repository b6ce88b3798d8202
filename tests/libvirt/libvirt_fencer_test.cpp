// fencing::LibvirtFencer against libvirt's in-memory test:///default driver: destroy, the
// shut-off check, missing domains and an unreachable libvirt.

#include <libvirt/libvirt.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/libvirt/fencer.hpp>

#include "../support/io_wait.hpp"

namespace {

using namespace std::chrono_literals;
namespace agents = wholesale_ha::agents;
namespace fencing = wholesale_ha::fencing;

constexpr const char* kUri = "test:///default";
constexpr const char* kUnreachable = "qemu:///system?socket=/nonexistent/libvirt-sock";

std::string domain_xml(const std::string& name) {
  return "<domain type='test'><name>" + name +
         "</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";
}

class FencingLibvirtTest : public ::testing::Test {
 protected:
  // The test driver's state lives while a connection is open: hold one for the whole test.
  FencingLibvirtTest() : conn_(virConnectOpen(kUri)) {}
  ~FencingLibvirtTest() override {
    for (const auto& name : created_) {
      if (virDomainPtr d = virDomainLookupByName(conn_, name.c_str())) {
        virDomainDestroy(d);
        virDomainUndefine(d);
        virDomainFree(d);
      }
    }
    virConnectClose(conn_);
  }

  /// A running guest; persistent ones stay defined once shut off, transient ones vanish.
  void run_guest(const std::string& name, bool persistent) {
    ASSERT_NE(conn_, nullptr);
    created_.push_back(name);
    virDomainPtr d = persistent ? virDomainDefineXML(conn_, domain_xml(name).c_str())
                                : virDomainCreateXML(conn_, domain_xml(name).c_str(), 0);
    ASSERT_NE(d, nullptr);
    if (persistent) {
      ASSERT_EQ(virDomainCreate(d), 0);
    }
    virDomainFree(d);
  }

  /// "running", "shut off" or "gone".
  std::string state(const std::string& name) {
    virDomainPtr d = virDomainLookupByName(conn_, name.c_str());
    if (d == nullptr) return "gone";
    int s = -1;
    virDomainGetState(d, &s, nullptr, 0);
    virDomainFree(d);
    return s == VIR_DOMAIN_RUNNING ? "running" : s == VIR_DOMAIN_SHUTOFF ? "shut off" : "other";
  }

  agents::Outcome fence(fencing::LibvirtFencer& f, const std::string& node) {
    std::optional<agents::Outcome> out;
    f.fence(node, 30s, [&](agents::Outcome r) { out = std::move(r); });
    EXPECT_TRUE(wha_test::run_until(io, [&] { return out.has_value(); }));
    return out.value_or(agents::Outcome{agents::Status::cancelled, "test deadline"});
  }

  wholesale_ha::Result<std::shared_ptr<fencing::LibvirtFencer>> create(std::map<std::string, fencing::LibvirtGuest> nodes) {
    return fencing::LibvirtFencer::create(io.get_executor(), {.id = "virt", .nodes = std::move(nodes)},
                                          wholesale_ha::Logger{nullptr});
  }
  fencing::LibvirtFencer& fencer(std::map<std::string, fencing::LibvirtGuest> nodes) {
    made.push_back(create(std::move(nodes)).value());
    return *made.back();
  }
  std::vector<std::shared_ptr<fencing::LibvirtFencer>> made;

  boost::asio::io_context io;

 private:
  virConnectPtr conn_;
  std::vector<std::string> created_;
};

TEST_F(FencingLibvirtTest, DestroysTheGuestAndConfirmsItIsShutOff) {
  run_guest("wha-fence-persistent", true);
  auto& f = fencer({{"n1", {kUri, "wha-fence-persistent"}}});
  auto r = fence(f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.reason, "node n1 fenced by libvirt fencer \"virt\" (domain wha-fence-persistent at test:///default): "
                      "destroyed, and libvirt reports it shut off");
  EXPECT_EQ(state("wha-fence-persistent"), "shut off");
  auto again = fence(f, "n1");
  ASSERT_TRUE(again.ok()) << again.reason;
  EXPECT_TRUE(again.reason.ends_with("it was already shut off")) << again.reason;
}

TEST_F(FencingLibvirtTest, ATransientGuestIsGoneOnceDestroyed) {
  run_guest("wha-fence-transient", false);
  auto& f = fencer({{"n1", {kUri, "wha-fence-transient"}}});
  auto r = fence(f, "n1");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(state("wha-fence-transient"), "gone");
}

TEST_F(FencingLibvirtTest, AMissingDomainIsNotProofOfPowerOff) {
  run_guest("wha-fence-keepalive", true);  // keeps the test driver's state for this test
  auto& f = fencer({{"n1", {kUri, "wha-fence-nowhere"}}, {"n2", {kUri, "wha-fence-nowhere", true}}});
  auto r = fence(f, "n1");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_EQ(r.reason, "fencing node n1 with libvirt fencer \"virt\" (domain wha-fence-nowhere at test:///default) "
                      "failed: the host has no such domain, so it cannot be confirmed off (it may run elsewhere; set "
                      "missing_is_off for transient guests)");
  auto transient = fence(f, "n2");
  EXPECT_TRUE(transient.ok()) << transient.reason;
}

TEST_F(FencingLibvirtTest, AnUnreachableLibvirtFailsWithItsReason) {
  auto& f = fencer({{"far", {kUnreachable, "guest"}}});
  auto r = fence(f, "far");
  EXPECT_EQ(r.status, agents::Status::error_generic);
  EXPECT_TRUE(r.reason.starts_with("fencing node far with libvirt fencer \"virt\" (domain guest at " +
                                   std::string{kUnreachable} + ") failed: cannot reach libvirt at " + kUnreachable + ": "))
      << r.reason;
  auto unknown = fence(f, "n7");
  EXPECT_EQ(unknown.status, agents::Status::not_configured);
  EXPECT_EQ(unknown.reason, "fencing node n7 with libvirt fencer \"virt\" failed: it does not fence this node (it "
                            "fences far)");
}

TEST_F(FencingLibvirtTest, RejectsIncompleteConfiguration) {
  const auto none = create({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, wholesale_ha::Errc::missing_field);
  EXPECT_EQ(none.error().message, "libvirt fencer \"virt\": no nodes");
  const auto no_domain = create({{"n1", {kUri, ""}}});
  ASSERT_FALSE(no_domain);
  EXPECT_EQ(no_domain.error().pointer, "/nodes/n1");
  EXPECT_EQ(no_domain.error().message, "libvirt fencer \"virt\": node n1 needs a URI and a domain");
}

}  // namespace
