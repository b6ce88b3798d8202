#pragma once
// GET /metrics over HTTP for Prometheus and its kin (Boost.Beast on the daemon's io_context,
// so a scrape reads the controller on its own thread). Bounded: at most 16 connections, an
// 8 KiB request header, no request body, 10 s per request; anything else is refused with a
// status code, never an exception out of a handler.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include <wholesale_ha/log.hpp>
#include <wholesale_ha/metrics.hpp>

#include "node_config.hpp"

namespace wha_node {

class MetricsServer {
 public:
  using Render = std::function<std::string(wholesale_ha::MetricsFormat)>;

  /// Listens at once; nullptr and `error` (naming the address) when it cannot.
  static std::unique_ptr<MetricsServer> listen(boost::asio::io_context& io, const NodeConfig::Listen& where,
                                               Render render, wholesale_ha::Logger log, std::string& error);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  struct Impl;

 private:
  explicit MetricsServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace wha_node
