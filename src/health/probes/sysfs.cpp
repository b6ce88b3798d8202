#include "sysfs.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace wholesale_ha::health::detail {
namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::uint64_t> number_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return std::nullopt;
  const auto digits = name.substr(prefix.size());
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

std::optional<std::string> read_line(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  std::string_view view{*text};
  view = view.substr(0, view.find('\n'));
  return std::string{trim(view)};
}

std::optional<std::int64_t> read_integer(const fs::path& path) {
  auto line = read_line(path);
  if (!line || line->empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(line->data(), line->data() + line->size(), value);
  if (ec != std::errc{} || end != line->data() + line->size()) return std::nullopt;
  return value;
}

std::vector<fs::path> numbered_entries(const fs::path& dir, std::string_view prefix) {
  std::vector<std::pair<std::uint64_t, fs::path>> found;
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
    if (auto n = number_after(it->path().filename().string(), prefix)) {
      found.emplace_back(*n, it->path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  out.reserve(found.size());
  for (auto& [n, path] : found) out.push_back(std::move(path));
  return out;
}

fs::path under(const fs::path& root, std::string_view path) {
  return root / fs::path{path}.relative_path();
}

}  // namespace wholesale_ha::health::detail
