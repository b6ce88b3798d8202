#include "openmetrics_text.hpp"

#include <cmath>

#include <fmt/format.h>

#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::metrics_text {
namespace {

void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (std::isnan(value)) {
    out += "NaN";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(value));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_escaped(std::string& out, std::string_view text) {
  for (char c : valid_utf8(text)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

}  // namespace

void Writer::family(std::string_view name, std::string_view type, std::string_view help) {
  name_ = name;
  // The classic format names a counter family by its samples ("x_total"); OpenMetrics by
  // the name without the suffix.
  std::string family_name{name};
  if (type == "counter" && format_ == MetricsFormat::prometheus) family_name += "_total";
  fmt::format_to(std::back_inserter(out_), "# HELP {} ", family_name);
  for (char c : help) {  // HELP escapes backslash and newline only
    out_ += c == '\n' ? std::string_view{"\\n"} : c == '\\' ? std::string_view{"\\\\"} : std::string_view{&c, 1};
  }
  fmt::format_to(std::back_inserter(out_), "\n# TYPE {} {}\n", family_name, type);
  if (type == "counter") name_ += "_total";
}

void Writer::labels_of(Labels labels, std::string_view extra_name, std::string_view extra_value) {
  if (labels.size() == 0 && extra_name.empty()) return;
  out_ += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_ += name;
    out_ += "=\"";
    append_escaped(out_, value);
    out_ += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out_ += '}';
}

void Writer::sample(std::string_view suffix, Labels labels, double value) {
  out_ += name_;
  out_ += suffix;
  labels_of(labels);
  out_ += ' ';
  append_number(out_, value);
  out_ += '\n';
}

void Writer::histogram(Labels labels, std::span<const double> bounds, std::span<const std::uint64_t> counts,
                       double sum, std::uint64_t count) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    std::string le;
    if (i == bounds.size()) {
      le = "+Inf";
    } else {
      append_number(le, bounds[i]);
      // OpenMetrics wants bucket bounds as floats ("1.0"); the classic format accepts both.
      if (le.find_first_of(".e") == std::string::npos) le += ".0";
    }
    out_ += name_;
    out_ += "_bucket";
    labels_of(labels, "le", le);
    out_ += ' ';
    append_number(out_, static_cast<double>(cumulative));
    out_ += '\n';
  }
  sample("_sum", labels, sum);
  sample("_count", labels, static_cast<double>(count));
}

std::string Writer::finish() {
  if (format_ == MetricsFormat::openmetrics) out_ += "# EOF\n";
  return std::move(out_);
}

}  // namespace wholesale_ha::metrics_text
