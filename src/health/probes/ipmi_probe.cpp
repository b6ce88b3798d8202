#include "ipmi_probe.hpp"

#include <fmt/format.h>

#include "ipmi_sdr.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {

std::vector<std::string> IpmiProbe::arguments() const {
  auto args = options_.args;
  args.insert(args.end(), {"sdr", "elist"});
  return args;
}

void IpmiProbe::check(const boost::asio::any_io_executor& executor,
                      std::chrono::milliseconds timeout, Done done) {
  process::async_run(
      executor, tool_command(options_.tool, arguments(), timeout),
      [tool = options_.tool, timeout, done = std::move(done)](process::Outcome r) {
        if (auto problem = tool_problem(r, tool, timeout)) {
          done(std::move(*problem));
          return;
        }
        if (r.exit_code != 0) {
          const std::string said = first_line(r.err.empty() ? r.out : r.err);
          // No ipmi_si / ipmi_devintf device: this machine has no (reachable) BMC.
          if (said.find("Could not open device") != std::string::npos) {
            done(ProbeResult::unavailable("no local BMC: " + said));
            return;
          }
          done(ProbeResult::failure(
              fmt::format("{} {}: {}", tool, r.describe(), said.empty() ? "no message" : said)));
          return;
        }
        done(parse_sdr_elist(r.out));
      });
}

std::string IpmiProbe::describe() const { return command_line(options_.tool, arguments()); }

}  // namespace wholesale_ha::health::detail
