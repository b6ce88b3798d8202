// wha-node's config: the control socket's keys.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "node_config.hpp"

namespace wha_node {
namespace {

std::optional<NodeConfig> load(const std::string& text, std::vector<std::string>& errors) {
  char path[] = "/tmp/wha-node-config-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  std::ofstream{path} << text;
  auto config = load_node_config(path, errors);
  std::remove(path);
  return config;
}

TEST(WhaNodeConfig, SocketDefaults) {
  std::vector<std::string> errors;
  auto c = load(R"({"cluster": "c.json", "socket": "/run/wha.sock"})", errors);
  ASSERT_TRUE(c) << errors.front();
  EXPECT_EQ(c->socket_mode, 0660u);
  EXPECT_EQ(c->socket_group, std::nullopt);
  EXPECT_FALSE(c->socket_readonly_others);
  // Where wha-mon looks without --socket: the systemd unit's runtime directory.
  auto bare = load(R"({"cluster": "c.json"})", errors);
  ASSERT_TRUE(bare) << errors.front();
  EXPECT_EQ(bare->socket, "/run/wholesale_ha/wha.sock");
}

TEST(WhaNodeConfig, SocketKeys) {
  std::vector<std::string> errors;
  auto c = load(R"({"cluster": "c.json", "socket": "/run/wha.sock", "socket_mode": "0666",
                   "socket_group": "root", "socket_readonly_others": true})",
                errors);
  ASSERT_TRUE(c) << errors.front();
  EXPECT_EQ(c->socket_mode, 0666u);
  EXPECT_EQ(c->socket_group, 0u);
  EXPECT_TRUE(c->socket_readonly_others);
}

TEST(WhaNodeConfig, SocketKeyErrors) {
  std::vector<std::string> errors;
  EXPECT_FALSE(load(R"({"cluster": "c.json", "socket": "/)" + std::string(120, 'x') +
                        R"(", "socket_mode": "0999", "socket_group": "no-such-group-here",
                        "socket_readonly_others": "yes"})",
                    errors));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "/socket_readonly_others: expected true or false");
  EXPECT_EQ(errors[1], "/socket_mode: expected octal permission bits like \"0660\", got \"0999\"");
  EXPECT_EQ(errors[2], "/socket_group: no group named \"no-such-group-here\"");
  EXPECT_EQ(errors[3], "/socket: the socket path is 121 bytes long; a Unix socket path can be at most 107 bytes");
}

TEST(WhaNodeConfig, MetricsListenIsAnAddressAndAPort) {
  std::vector<std::string> errors;
  auto c = load(R"({"cluster": "c.json", "metrics_listen": "127.0.0.1:9464"})", errors);
  ASSERT_TRUE(c && c->metrics);
  EXPECT_EQ(c->metrics->address, "127.0.0.1");
  EXPECT_EQ(c->metrics->port, 9464);
  c = load(R"({"cluster": "c.json", "metrics_listen": "[::1]:9100"})", errors);
  ASSERT_TRUE(c && c->metrics);
  EXPECT_EQ(c->metrics->address, "::1");
  EXPECT_FALSE(load(R"({"cluster": "c.json"})", errors)->metrics) << "off unless asked for";
  for (const char* bad : {"9464", "localhost:9464", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:http", ":9464"}) {
    errors.clear();
    EXPECT_FALSE(load(std::string{R"({"cluster": "c.json", "metrics_listen": ")"} + bad + "\"}", errors)) << bad;
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_TRUE(errors[0].starts_with("/metrics_listen: ")) << errors[0];
  }
}

}  // namespace
}  // namespace wha_node
