#include <wholesale_ha/health/probes.hpp>

#include <boost/asio/post.hpp>

namespace wholesale_ha::health {

CallbackProbe::CallbackProbe(Check check, std::string description)
    : check_(std::move(check)), description_(std::move(description)) {}

std::shared_ptr<CallbackProbe> CallbackProbe::immediate(std::function<ProbeResult()> answer,
                                                        std::string description) {
  return std::make_shared<CallbackProbe>(
      [answer = std::move(answer)](const Done& report) { report(answer()); },
      std::move(description));
}

void CallbackProbe::check(const boost::asio::any_io_executor& executor,
                          std::chrono::milliseconds, Done done) {
  // The application may report from its own threads: hop back onto the executor.
  Done report = [executor, done = std::move(done)](ProbeResult result) {
    boost::asio::post(executor, [done, result = std::move(result)]() mutable {
      done(std::move(result));
    });
  };
  try {
    check_(report);
  } catch (const std::exception& e) {
    report(ProbeResult::failure(std::string{"callback threw: "} + e.what()));
  }
}

}  // namespace wholesale_ha::health
