#pragma once
// Fencing guests that are cluster nodes (target wholesale_ha::libvirt): virDomainDestroy
// on the libvirt that runs the guest — the virtual power cord — then a check that libvirt
// reports the domain shut off.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <wholesale_ha/fencing/fencer.hpp>
#include <wholesale_ha/log.hpp>

namespace wholesale_ha::fencing {

struct LibvirtGuest {
  std::string uri;     ///< the libvirt that runs the guest, e.g. "qemu+ssh://root@host-a/system"
  std::string domain;  ///< the guest's domain name there
  /// Count a domain that host does not have as off. For transient guests, which vanish when
  /// they stop; otherwise a missing domain fails the fence (it may run somewhere else).
  bool missing_is_off = false;
};

struct LibvirtFencerOptions {
  std::string id = "libvirt";  ///< names the device in logs and failure reasons
  std::map<std::string, LibvirtGuest> nodes;
};

/// Each fence opens its own connection (nothing stale after a host restart) and runs the
/// blocking libvirt calls on the fencer's worker threads; handlers run on `executor`. An
/// unreachable libvirt fails the fence with libvirt's reason; one that does not answer within
/// the timeout fails it as timed out. Destruction waits for libvirt calls in flight.
class LibvirtFencer final : public Fencer {
  struct Token {};

 public:
  struct Impl;

  /// Fails without nodes, or for a guest without a URI or domain.
  static Result<std::shared_ptr<LibvirtFencer>> create(boost::asio::any_io_executor executor,
                                                       LibvirtFencerOptions options, Logger logger = {});
  LibvirtFencer(Token, std::unique_ptr<Impl> impl);
  ~LibvirtFencer() override;
  LibvirtFencer(const LibvirtFencer&) = delete;
  LibvirtFencer& operator=(const LibvirtFencer&) = delete;

  void fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) override;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wholesale_ha::fencing
