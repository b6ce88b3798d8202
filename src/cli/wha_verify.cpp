// wha-verify: checks cluster JSON files, or Pacemaker CIBs as they would be imported, before
// they are deployed (like Pacemaker's crm_verify, -x for a CIB). Exit status 0 = valid,
// 1 = errors found, 2 = usage error.

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
#include "cluster_input.hpp"
#include "parse_args.hpp"

namespace {

nlohmann::json diagnostics_json(const std::vector<wholesale_ha::Diagnostic>& list) {
  auto out = nlohmann::json::array();
  for (const auto& d : list) {
    out.push_back({{"severity", d.severity == wholesale_ha::Diagnostic::Severity::error
                                    ? "error"
                                    : "warning"},
                   {"pointer", d.pointer},
                   {"message", d.message}});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Check wholesale_ha cluster descriptions (JSON), or Pacemaker CIBs as imported, for errors"};
  app.footer("Exit status: 0 valid, 1 errors found (or warnings, with --strict), 2 usage error.");
  std::vector<std::string> files;
  std::vector<std::string> cibs;
  bool as_json = false;
  bool print_summary = false;
  bool print_normalized = false;
  bool warnings_are_errors = false;
  app.add_option("files", files, "Cluster JSON files to check")->check(CLI::ExistingFile);
  app.add_option("--cib", cibs,
                 wha_cli::cib_supported()
                     ? "A Pacemaker CIB (XML, as `cibadmin --query` prints it) to check as it would be imported; repeat "
                       "for more (docs/cib-import.md)"
                     : "A Pacemaker CIB to check (not available: this build has no wholesale_ha::cib)")
      ->check(CLI::ExistingFile)
      ->type_name("FILE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--json", as_json, "Report diagnostics as JSON");
  app.add_flag("--summary", print_summary, "Print an overview of each valid cluster");
  app.add_flag("--normalized", print_normalized,
               "Print each valid cluster as normalised JSON (defaults omitted)");
  app.add_flag("--strict", warnings_are_errors, "Fail on warnings too");
  app.set_version_flag("--version", std::string{wholesale_ha::kVersion});
  if (auto status = wha_cli::parse_args(app, argc, argv)) return *status;
  if (files.empty() && cibs.empty()) {
    fmt::print(stderr, "give cluster JSON files or --cib FILE to check\nRun with --help for more information.\n");
    return 2;
  }

  // Each input once: JSON files first, then CIBs, each in the order given.
  std::vector<wha_cli::ClusterInput> inputs;
  for (const auto& f : files) inputs.push_back({f, ""});
  for (const auto& f : cibs) inputs.push_back({"", f});
  int status = 0;
  auto report = nlohmann::json::object();
  for (const auto& input : inputs) {
    const std::string& file = input.cib_file.empty() ? input.json_file : input.cib_file;
    auto result = wha_cli::load_cluster_input(input);
    const bool failed = !result.ok() || (warnings_are_errors && !result.warnings().empty());
    if (failed) status = 1;
    if (as_json) {
      // A file name need not be UTF-8; a JSON key must.
      report[wholesale_ha::valid_utf8(file)] = {{"valid", !failed}, {"diagnostics", diagnostics_json(result.diagnostics())}};
      continue;
    }
    for (const auto& d : result.diagnostics()) {
      const bool is_error = d.severity == wholesale_ha::Diagnostic::Severity::error;
      fmt::print(stderr, "{}: {}: {}\n", file, is_error ? "error" : "warning", d.to_string());
    }
    if (!result.ok()) {
      fmt::print(stderr, "{}: {} error(s); nothing was loaded\n", file, result.errors().size());
      continue;
    }
    if (print_summary) fmt::print("{}\n", wholesale_ha::model::format_summary(*result));
    if (print_normalized) fmt::print("{}\n", wholesale_ha::model::to_json_string(*result));
    if (failed) {
      fmt::print(stderr, "{}: {} warning(s) fail --strict\n", file, result.warnings().size());
    } else if (!print_summary && !print_normalized) {
      fmt::print("{}: valid\n", file);
    }
  }
  // Replacing, not throwing, as the last defence should any text have escaped repair.
  if (as_json) fmt::print("{}\n", report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  return status;
}
