#pragma once
// Running an io_context until something happens, with a generous deadline instead of sleeps
// (never a timing assertion: the deadline only stops a broken test from hanging).

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace wha_test {

inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds deadline = std::chrono::seconds{30}) {
  const auto stop_at = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > stop_at) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds{5});
  }
  return true;
}

}  // namespace wha_test
