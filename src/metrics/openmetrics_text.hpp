#pragma once
// Writing the exposition text: families (TYPE and HELP lines once), samples with escaped
// labels, numbers as scrapers read them (+Inf, integers without a fraction). The two formats
// differ in a counter's family name and the closing "# EOF" only.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <wholesale_ha/metrics.hpp>

namespace wholesale_ha::metrics_text {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Writer {
 public:
  explicit Writer(MetricsFormat format) : format_(format) {}

  /// Starts a family: `type` is "gauge", "counter" or "histogram". A counter's samples are
  /// named name + "_total".
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample of the current family: its name is the family's plus `suffix`.
  void sample(std::string_view suffix, Labels labels, double value);
  void sample(Labels labels, double value) { sample({}, labels, value); }
  /// A histogram from per-bucket counts (the last one +Inf), with its sum and count.
  void histogram(Labels labels, std::span<const double> bounds, std::span<const std::uint64_t> counts, double sum,
                 std::uint64_t count);

  /// The text, closed as the format wants.
  [[nodiscard]] std::string finish();

 private:
  void labels_of(Labels labels, std::string_view extra_name = {}, std::string_view extra_value = {});

  MetricsFormat format_;
  std::string name_;
  std::string out_;
};

}  // namespace wholesale_ha::metrics_text
