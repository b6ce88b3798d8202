#pragma once
// Test support for the openvz backend: the stand-in tools (fake-vzctl, fake-vzmigrate,
// fake-prlctl next to this file), one state directory per simulated host under a scratch
// directory, and running an agent's operation to completion.

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <wholesale_ha/openvz/backend.hpp>

#include "../support/io_wait.hpp"
#include "../support/real_processes.hpp"

namespace wha_test {

namespace agents = wholesale_ha::agents;

/// Nodes n1 and n2 live on hosts "host-a" and "host-b" (their addresses); "host-c" has no
/// state directory, so the stand-ins cannot reach it.
class FakeVz {
 public:
  FakeVz() {
    std::filesystem::create_directories(host("host-a"));
    std::filesystem::create_directories(host("host-b"));
  }

  [[nodiscard]] std::filesystem::path host(const std::string& name) const { return dir_.path() / name; }
  [[nodiscard]] const std::filesystem::path& root() const { return dir_.path(); }

  static std::string tool(const std::string& name) {
    return std::string{WHA_SOURCE_DIR} + "/tests/openvz/fake-" + name;
  }

  [[nodiscard]] agents::OpenvzOptions options(agents::OpenvzFlavour flavour = agents::OpenvzFlavour::openvz) const {
    agents::OpenvzOptions o;
    o.flavour = flavour;
    o.vzctl = tool("vzctl");
    o.vzmigrate = tool("vzmigrate");
    o.prlctl = tool("prlctl");
    o.node_addresses = {{"n1", "host-a"}, {"n2", "host-b"}};
    for (const auto& [node, h] : o.node_addresses) {
      o.node_env[node] = {{"WHA_FAKE_VZ_STATE", host(h).string()}, {"WHA_FAKE_VZ_HOSTS", root().string()}};
    }
    return o;
  }

  /// A container on `h`, with an optional name.
  void create(const std::string& h, const std::string& ctid, bool running, const std::string& name = "") const {
    const auto ct = host(h) / "ct" / ctid;
    std::filesystem::create_directories(ct);
    if (running) {
      touch(ct / "running");
      touch(ct / "mounted");
    }
    if (!name.empty()) std::ofstream{ct / "name"} << name << "\n";
  }

  /// A fault file the stand-ins react to ("stop-hangs", "status-says", ...).
  void fault(const std::string& h, const std::string& ctid, const std::string& fault,
             const std::string& content = "") const {
    std::ofstream{host(h) / "ct" / ctid / fault} << content;
  }

  [[nodiscard]] bool exists(const std::string& h, const std::string& ctid) const {
    return std::filesystem::is_directory(host(h) / "ct" / ctid);
  }
  [[nodiscard]] bool running(const std::string& h, const std::string& ctid) const {
    return std::filesystem::exists(host(h) / "ct" / ctid / "running");
  }

  /// Every command line the stand-ins ran on `h`, in order; cleared after reading.
  std::vector<std::string> calls(const std::string& h) const {
    const auto log = host(h) / "calls.log";
    std::vector<std::string> out;
    std::ifstream in{log};
    for (std::string line; std::getline(in, line);) out.push_back(line);
    std::filesystem::remove(log);
    return out;
  }

 private:
  static void touch(const std::filesystem::path& p) { std::ofstream{p}; }

  ScratchDir dir_;
};

/// An openvz agent for a resource "ct" with `params` on `node`; the parameters must validate.
inline std::unique_ptr<agents::Agent> make_agent(boost::asio::io_context& io, const agents::OpenvzOptions& options,
                                                 const std::string& node, wholesale_ha::model::Params params) {
  auto r = std::make_shared<wholesale_ha::model::Resource>();
  r->id = "ct";
  r->backend = "openvz";
  r->params = std::move(params);
  auto backend = agents::make_openvz_backend(options);
  EXPECT_TRUE(backend->validate(*r, "/resources/0").diagnostics().empty());
  return backend->create({io.get_executor(), r, node});
}

/// Runs one agent operation and returns its result (nullopt if it never answered).
inline std::optional<agents::Outcome> run_op(boost::asio::io_context& io,
                                            const std::function<void(agents::Handler)>& op) {
  std::optional<agents::Outcome> out;
  op([&](agents::Outcome r) { out = std::move(r); });
  if (!run_until(io, [&] { return out.has_value(); })) return std::nullopt;
  return out;
}

}  // namespace wha_test
