#include <wholesale_ha/fencing/topology.hpp>

#include <stdexcept>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

namespace wholesale_ha::fencing {

namespace asio = boost::asio;
using agents::Outcome;
using agents::Status;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct TopologyFencer::Shared {
  asio::any_io_executor executor;
  FencingTopology topology;
  Logger log;
  milliseconds answer_grace;
};

namespace {

std::string level_devices(const FencingLevel& level) {
  std::vector<std::string> names;
  for (const auto& d : level.devices) names.push_back(d.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

/// One fence of one node through its levels. Lives as long as a device call or timer holds it.
class Attempt : public std::enable_shared_from_this<Attempt> {
 public:
  Attempt(std::shared_ptr<const TopologyFencer::Shared> s, std::string node, const std::vector<FencingLevel>& levels,
          milliseconds timeout, agents::Handler done)
      : s_(std::move(s)), node_(std::move(node)), levels_(levels), deadline_(Clock::now() + timeout),
        done_(std::move(done)), guard_(s_->executor) {}

  void next() {
    if (level_ == levels_.size()) return give_up();
    const auto& level = levels_[level_];
    if (device_ == level.devices.size()) return succeed();
    const auto& device = level.devices[device_];
    const auto left = std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now());
    if (left <= milliseconds{0}) {
      for (; level_ < levels_.size(); ++level_, device_ = 0) {
        failures_.push_back(fmt::format("level {} [{}]: not tried, no time was left", level_ + 1,
                                        level_devices(levels_[level_])));
      }
      last_ = Status::timed_out;
      return give_up();
    }
    const auto budget = std::min(device.timeout.value_or(left), left);
    const unsigned id = ++call_;
    auto self = shared_from_this();
    guard_.expires_after(budget + s_->answer_grace);
    guard_.async_wait([self, id, budget](const boost::system::error_code& ec) {
      if (ec) return;
      self->answered(id, {Status::timed_out, fmt::format("did not answer within {}ms", budget.count())});
    });
    s_->log.info("fencing node {}: level {}, device {} ({}ms)", node_, level_ + 1, device.name, budget.count());
    // Devices may answer on any thread; the attempt's state is only touched on the executor.
    device.fencer->fence(node_, budget, [self, id](Outcome r) {
      asio::post(self->s_->executor, [self, id, r = std::move(r)]() mutable { self->answered(id, std::move(r)); });
    });
  }

 private:
  void answered(unsigned id, Outcome r) {
    if (id != call_) return;  // late: the guard already gave up on this call
    ++call_;
    guard_.cancel();
    const auto& level = levels_[level_];
    const auto& device = level.devices[device_];
    if (r.ok()) {
      successes_.push_back(fmt::format("{}: {}", device.name, r.reason));
      ++device_;
      return next();
    }
    auto failure = fmt::format("level {} [{}]: device {} failed: {}", level_ + 1, level_devices(level), device.name,
                               r.reason.empty() ? std::string{to_string(r.status)} : r.reason);
    s_->log.warn("fencing node {}: {}", node_, failure);
    failures_.push_back(std::move(failure));
    last_ = r.status;
    ++level_;
    device_ = 0;
    successes_.clear();
    next();
  }

  void succeed() {
    auto reason = fmt::format("node {} fenced by level {} [{}]: {}", node_, level_ + 1, level_devices(levels_[level_]),
                              fmt::join(successes_, "; "));
    if (!failures_.empty()) reason += fmt::format(" (after earlier levels failed: {})", fmt::join(failures_, "; "));
    s_->log.info("{}", reason);
    done_({Status::success, std::move(reason)});
  }

  void give_up() {
    auto reason = fmt::format("fencing node {} failed at every level ({} tried): {}", node_, levels_.size(),
                              fmt::join(failures_, "; "));
    s_->log.error("{}", reason);
    done_({last_, std::move(reason)});
  }

  std::shared_ptr<const TopologyFencer::Shared> s_;
  std::string node_;
  const std::vector<FencingLevel>& levels_;  // in *s_, which this holds
  Clock::time_point deadline_;
  agents::Handler done_;
  asio::steady_timer guard_;
  std::size_t level_ = 0;
  std::size_t device_ = 0;
  unsigned call_ = 0;
  std::vector<std::string> failures_;
  std::vector<std::string> successes_;
  Status last_ = Status::error_generic;
};

Result<void> check(const FencingTopology& topology) {
  for (const auto& [node, levels] : topology) {
    const std::string at = "/" + node;
    if (levels.empty()) return Diagnostic::error(Errc::missing_field, at, "fencing topology: node " + node + " has no level");
    for (std::size_t i = 0; i < levels.size(); ++i) {
      if (levels[i].devices.empty()) {
        return Diagnostic::error(Errc::missing_field, fmt::format("{}/{}", at, i),
                                 fmt::format("fencing topology: level {} of node {} has no device", i + 1, node));
      }
      for (const auto& d : levels[i].devices) {
        if (d.name.empty() || !d.fencer) {
          return Diagnostic::error(
              Errc::missing_field, fmt::format("{}/{}", at, i),
              fmt::format("fencing topology: level {} of node {} has a device without a name or fencer", i + 1, node));
        }
      }
    }
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<TopologyFencer>> TopologyFencer::create(asio::any_io_executor executor, FencingTopology topology,
                                                               Logger logger, milliseconds answer_grace) {
  if (auto checked = check(topology); !checked) return Result<std::shared_ptr<TopologyFencer>>::failure(std::move(checked).diagnostics());
  return std::make_shared<TopologyFencer>(
      Token{}, std::make_shared<const Shared>(
                   Shared{std::move(executor), std::move(topology), logger.child("fencing/topology"), answer_grace}));
}

TopologyFencer::TopologyFencer(Token, std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}

void TopologyFencer::fence(const std::string& node, milliseconds timeout, agents::Handler done) {
  auto it = shared_->topology.find(node);
  if (it == shared_->topology.end()) {
    std::vector<std::string> known;
    for (const auto& [n, levels] : shared_->topology) known.push_back(n);
    auto reason = fmt::format("fencing node {} failed: the fencing topology has no level for it (it has levels for {})",
                              node, fmt::join(known, ", "));
    shared_->log.error("{}", reason);
    return asio::post(shared_->executor, [done, reason] { done({Status::not_configured, reason}); });
  }
  auto attempt = std::make_shared<Attempt>(shared_, node, it->second, timeout, std::move(done));
  asio::post(shared_->executor, [attempt] { attempt->next(); });  // never answer inside the call
}

}  // namespace wholesale_ha::fencing
