#include "json_text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include <wholesale_ha/json_depth.hpp>
#include <wholesale_ha/utf8.hpp>

namespace wholesale_ha::model::detail {
namespace {

using nlohmann::json;

std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("line {}, column {}", line, offset - line_start + 1);
}

Diagnostic error(Errc code, std::string message) {
  make_valid_utf8(message);  // nlohmann quotes the bytes it stopped at, UTF-8 or not
  return Diagnostic::error(code, "", std::move(message));
}

/// One pass before parsing: a NUL byte (nlohmann takes it for the end of the input and
/// ignores the rest) and nesting deeper than kMaxJsonDepth, each with its position.
std::optional<Diagnostic> scan(std::string_view text) {
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return error(Errc::syntax, fmt::format("invalid JSON: a NUL byte at {} (byte offset {})", line_and_column(text, nul), nul));
  }
  if (const auto deep = json_too_deep(text, kMaxJsonDepth)) {
    return error(Errc::too_large, fmt::format("invalid JSON: arrays and objects nested more than {} deep (the limit) at {}",
                             kMaxJsonDepth, line_and_column(text, *deep)));
  }
  return std::nullopt;
}

/// nlohmann's DOM builder, plus duplicate keys reported with their pointer (nlohmann keeps
/// the last value silently) and every error located in the text.
class Builder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  Builder(std::string_view text, std::vector<Diagnostic>& errors) : text_(text), errors_(errors) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(number_integer_t v) { return put(v); }
  bool number_unsigned(number_unsigned_t v) { return put(v); }
  bool number_float(number_float_t v, const string_t& /*spelling*/) { return put(v); }
  bool string(string_t& v) { return put(std::move(v)); }
  bool binary(binary_t& v) { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t /*size*/) { return open(json::object()); }
  bool start_array(std::size_t /*size*/) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(string_t& name) {
    Level& level = levels_.back();
    const bool duplicate = level.value->contains(name);
    level.key = std::move(name);
    if (duplicate) {
      errors_.push_back(Diagnostic::error(Errc::duplicate, pointer(),
                         fmt::format("duplicate key \"{}\" (its value would replace the one "
                                     "before it)", valid_utf8(level.key))));
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    std::string message = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    if (auto pos = message.find("] "); pos != std::string::npos) message.erase(0, pos + 2);
    // Errors other than parse_error (out_of_range.406 for 1e999) carry no position.
    if (message.find(" at line ") == std::string::npos) {
      message += " at " + line_and_column(text_, position == 0 ? 0 : position - 1);
    }
    errors_.push_back(error(Errc::syntax, "invalid JSON: " + message));
    return false;
  }

  json& root() { return root_; }

 private:
  struct Level {
    json* value;
    std::string key;  // in an object: the key being read
  };

  template <class Value>
  json* insert(Value&& value) {
    if (levels_.empty()) {
      root_ = json(std::forward<Value>(value));
      return &root_;
    }
    Level& level = levels_.back();
    if (level.value->is_array()) {
      level.value->push_back(json(std::forward<Value>(value)));
      return &level.value->back();
    }
    json& slot = (*level.value)[level.key];
    slot = json(std::forward<Value>(value));
    return &slot;
  }

  template <class Value>
  bool put(Value&& value) {
    insert(std::forward<Value>(value));
    return true;
  }

  bool open(json container) {
    json* value = insert(std::move(container));
    levels_.push_back({value, {}});
    return true;
  }

  bool close() {
    levels_.pop_back();
    return true;
  }

  /// Where the key being read sits, as an RFC 6901 pointer.
  std::string pointer() const {
    std::string out;
    for (std::size_t i = 0; i < levels_.size(); ++i) {
      std::string token;
      if (levels_[i].value->is_array()) {
        token = std::to_string(levels_[i].value->size() - 1);
      } else {
        for (char c : levels_[i].key) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      }
      out += "/" + token;
    }
    make_valid_utf8(out);
    return out;
  }

  std::string_view text_;
  std::vector<Diagnostic>& errors_;
  json root_;
  std::vector<Level> levels_;
};

}  // namespace

std::optional<json> parse_limited(std::string_view text, std::vector<Diagnostic>& errors) {
  if (text.size() > kMaxJsonFileSize) {
    errors.push_back(error(Errc::invalid_value, fmt::format("the document is {} bytes; the limit is {} MiB",
                                       text.size(), kMaxJsonFileSize >> 20)));
    return std::nullopt;
  }
  if (auto problem = scan(text)) {
    errors.push_back(std::move(*problem));
    return std::nullopt;
  }
  Builder builder{text, errors};
  if (!json::sax_parse(text, &builder)) return std::nullopt;
  return std::move(builder.root());
}

Result<std::string> read_limited(const std::filesystem::path& path) {
  const std::string name = valid_utf8(path.string());
  std::ifstream in{path, std::ios::binary};
  if (!in) return Diagnostic::error(Errc::io, "", fmt::format("cannot read {}: {}", name, std::strerror(errno)));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxJsonFileSize) {
    return Diagnostic::error(Errc::too_large, "", fmt::format("{}: the file is {} bytes; the limit is {} MiB", name,
                                                             size, kMaxJsonFileSize >> 20));
  }
  // In chunks, so that what is not a regular file (a pipe, /dev/zero) stops at the limit too.
  std::string text;
  if (!ec) text.reserve(static_cast<std::size_t>(size));
  std::string chunk(std::size_t{64} << 10, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxJsonFileSize) {
      return Diagnostic::error(Errc::too_large, "",
                               fmt::format("{}: the file is larger than the limit of {} MiB", name, kMaxJsonFileSize >> 20));
    }
    if (in.eof()) break;
  }
  if (in.bad()) return Diagnostic::error(Errc::io, "", fmt::format("cannot read {}: {}", name, std::strerror(errno)));
  return text;
}

}  // namespace wholesale_ha::model::detail
