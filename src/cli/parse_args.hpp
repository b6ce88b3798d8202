#pragma once
// The command-line tools' one convention for a command line they cannot use: --help and
// --version exit 0, every other parse error prints CLI11's message and exits 2 (usage; 3 for
// wha-health, a monitoring plugin), never one of CLI11's own codes (105, 106, ...).

#include <algorithm>
#include <optional>

#include <CLI/CLI.hpp>

namespace wha_cli {

/// Parses; nullopt to go on, or the exit status to return from main().
inline std::optional<int> parse_args(CLI::App& app, int argc, char** argv, int usage_status = 2) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11 checks required options and values before unknown arguments: "--bogus x" would be
    // reported as "--config is required" or "File does not exist: x". The unknown argument
    // is the real mistake; name it.
    if (auto extras = app.remaining(); !extras.empty()) {
      std::reverse(extras.begin(), extras.end());  // CLI11 lists them last to first
      app.exit(CLI::ExtrasError(extras));
    } else {
      app.exit(e);
    }
    return usage_status;
  }
  return std::nullopt;
}

}  // namespace wha_cli
