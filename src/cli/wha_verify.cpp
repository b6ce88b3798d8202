// wha-verify: checks cluster JSON files before they are deployed (like Pacemaker's
// crm_verify). Exit status 0 = valid, 1 = errors found, 2 = usage error.

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/utf8.hpp>
#include <wholesale_ha/model/summary.hpp>
#include <wholesale_ha/version.hpp>
#include "parse_args.hpp"

namespace {

nlohmann::json diagnostics_json(const std::vector<wholesale_ha::model::Diagnostic>& list) {
  auto out = nlohmann::json::array();
  for (const auto& d : list) {
    out.push_back({{"severity", d.severity == wholesale_ha::model::Diagnostic::Severity::error
                                    ? "error"
                                    : "warning"},
                   {"pointer", d.pointer},
                   {"message", d.message}});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Check wholesale_ha cluster descriptions (JSON) for errors"};
  std::vector<std::string> files;
  bool as_json = false;
  bool print_summary = false;
  bool print_normalized = false;
  bool warnings_are_errors = false;
  app.add_option("files", files, "Cluster JSON files to check")->required()->check(CLI::ExistingFile);
  app.add_flag("--json", as_json, "Report diagnostics as JSON");
  app.add_flag("--summary", print_summary, "Print an overview of each valid cluster");
  app.add_flag("--normalized", print_normalized,
               "Print each valid cluster as normalised JSON (defaults omitted)");
  app.add_flag("--strict", warnings_are_errors, "Fail on warnings too");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;

  int status = 0;
  auto report = nlohmann::json::object();
  for (const auto& file : files) {
    auto result = wholesale_ha::model::load_cluster_file(file);
    const bool failed = !result.ok() || (warnings_are_errors && !result.warnings().empty());
    if (failed) status = 1;
    if (as_json) {
      // A file name need not be UTF-8; a JSON key must.
      report[wholesale_ha::valid_utf8(file)] = {{"valid", !failed}, {"diagnostics", diagnostics_json(result.diagnostics)}};
      continue;
    }
    for (const auto& d : result.diagnostics) {
      const bool is_error = d.severity == wholesale_ha::model::Diagnostic::Severity::error;
      fmt::print(stderr, "{}: {}: {}\n", file, is_error ? "error" : "warning", d.to_string());
    }
    if (!result.ok()) {
      fmt::print(stderr, "{}: {} error(s); nothing was loaded\n", file, result.errors().size());
      continue;
    }
    if (print_summary) fmt::print("{}\n", wholesale_ha::model::format_summary(*result.value));
    if (print_normalized) fmt::print("{}\n", wholesale_ha::model::to_json_string(*result.value));
    if (!print_summary && !print_normalized) fmt::print("{}: valid\n", file);
  }
  // Replacing, not throwing, as the last defence should any text have escaped repair.
  if (as_json) fmt::print("{}\n", report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  return status;
}
