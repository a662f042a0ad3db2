#pragma once
// Shared by the libFuzzer targets in tests/fuzz/: invariant checks that abort
// (libFuzzer then saves the input as a crash) and input-derived split
// schedules for the "whole vs split" comparisons.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warren::fuzz {

/// Prints which invariant broke and aborts, so libFuzzer records the input.
[[noreturn]] inline void invariant_failed(const char* file, int line, const char* condition,
                                          const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: invariant violated: %s\n%s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

/// `s` with non-printable bytes as \xNN, for invariant messages.
inline std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

/// The value of a decimal number such as a Content-Length (leading zeros allowed);
/// nullopt when `s` is not all digits or the value needs more than 18 digits.
inline std::optional<std::uint64_t> decimal(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  while (s.size() > 1 && s.front() == '0')
    s.remove_prefix(1);
  if (s.size() > 18)
    return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

/// Reads the control bytes at the front of a fuzz input; missing bytes read as 0.
class input_reader {
public:
  input_reader(const std::uint8_t* data, std::size_t size) noexcept
    : rest_(reinterpret_cast<const char*>(data), size) {}

  std::uint8_t byte() noexcept {
    if (rest_.empty())
      return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  /// The next piece as [length byte][bytes] (cut short at the end of the input).
  std::string_view piece() noexcept {
    std::size_t n = byte();
    auto out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }

  bool empty() const noexcept { return rest_.empty(); }

  /// Everything not read yet.
  std::string_view rest() const noexcept { return rest_; }

private:
  std::string_view rest_;
};

/// Where to cut an input of `size` bytes, as ascending positions in (0, size).
/// `pattern % 4`: 0 one cut at a position chosen by `param`; 1 every
/// `param % 32 + 1` bytes; 2 byte by byte; 3 pseudo-random cuts seeded by `param`.
inline std::vector<std::size_t> cut_positions(std::size_t size, std::uint8_t pattern,
                                              std::uint8_t param) {
  std::vector<std::size_t> cuts;
  if (size < 2)
    return cuts;
  switch (pattern % 4) {
    case 0:
      cuts.push_back(1 + (std::size_t{param} * (size - 1)) / 256);
      break;
    case 1:
      for (std::size_t at = param % 32 + 1; at < size; at += param % 32 + 1)
        cuts.push_back(at);
      break;
    case 2:
      for (std::size_t at = 1; at < size; ++at)
        cuts.push_back(at);
      break;
    default: {
      std::uint32_t state = 0x9e3779b9u ^ (std::uint32_t{param} * 0x01000193u);
      for (std::size_t at = 0;;) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        at += 1 + state % 24;
        if (at >= size)
          break;
        cuts.push_back(at);
      }
      break;
    }
  }
  return cuts;
}

} // namespace warren::fuzz

/// Aborts with `detail` (a std::string expression) unless `condition` holds.
#define FUZZ_CHECK(condition, detail)                                                     \
  do {                                                                                    \
    if (!(condition))                                                                     \
      ::warren::fuzz::invariant_failed(__FILE__, __LINE__, #condition, (detail));         \
  } while (false)
