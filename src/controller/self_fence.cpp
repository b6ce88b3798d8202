#include <wholesale_ha/fencing/self_fence.hpp>

#include <memory>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

namespace wholesale_ha::fencing {

SelfFenceWait::SelfFenceWait(boost::asio::any_io_executor executor, std::chrono::milliseconds deadline)
    : executor_(std::move(executor)), deadline_(deadline) {}

void SelfFenceWait::fence(const std::string& node, std::chrono::milliseconds timeout, agents::Handler done) {
  if (deadline_ > timeout) {
    return boost::asio::post(executor_, [done = std::move(done), reason = fmt::format(
                                             "self-fence deadline {}ms is longer than the fence timeout {}ms",
                                             deadline_.count(), timeout.count())] {
      done({agents::Status::error_generic, reason});
    });
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_, deadline_);
  timer->async_wait([timer, node, deadline = deadline_, done = std::move(done)](const boost::system::error_code& ec) {
    if (ec) return done({agents::Status::cancelled, "self-fence wait abandoned"});
    done({agents::Status::success,
          fmt::format("{} lost quorum and stops its own resources within {}ms; that time has passed", node,
                      deadline.count())});
  });
}

}  // namespace wholesale_ha::fencing
