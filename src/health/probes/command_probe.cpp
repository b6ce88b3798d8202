#include "command_probe.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "command_output.hpp"
#include "tool.hpp"

namespace wholesale_ha::health::detail {

void CommandProbe::check(const boost::asio::any_io_executor& executor,
                         std::chrono::milliseconds timeout, Done done) {
  if (options_.command.empty()) {
    done(ProbeResult::failure("no command configured"));
    return;
  }
  const std::string program = options_.command.front();
  std::vector<std::string> args(options_.command.begin() + 1, options_.command.end());
  process::async_run(
      executor, tool_command(program, std::move(args), timeout),
      [program, timeout, done = std::move(done)](process::Outcome r) {
        // A configured command that is missing is a broken setup, not absent hardware.
        if (r.spawn_error) {
          done(ProbeResult::failure(fmt::format("could not start {}: {}", program,
                                                r.spawn_error.message())));
          return;
        }
        if (auto problem = tool_problem(r, program, timeout)) {
          done(std::move(*problem));
          return;
        }
        if (r.exit_code != 0) {
          const std::string said = first_line(r.err);
          done(ProbeResult::failure(fmt::format("{} {}{}", program, r.describe(),
                                                said.empty() ? "" : ": " + said)));
          return;
        }
        done(parse_command_output(r.out, std::filesystem::path{program}.filename().string()));
      });
}

std::string CommandProbe::describe() const {
  if (options_.command.empty()) return "(no command)";
  return command_line(options_.command.front(),
                      {options_.command.begin() + 1, options_.command.end()});
}

}  // namespace wholesale_ha::health::detail
