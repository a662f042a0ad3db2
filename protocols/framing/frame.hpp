#pragma once

#include <string>
#include <utility>

namespace warren {

/// One length-prefixed frame's payload: arbitrary bytes, possibly empty.
/// Frames travel between actors as ordinary CAF messages.
struct frame {
  /// The payload bytes (binary-safe; `std::string` only as a byte container).
  std::string payload;

  frame() = default;
  explicit frame(std::string bytes) : payload(std::move(bytes)) {}
};

inline bool operator==(const frame& x, const frame& y) { return x.payload == y.payload; }
inline bool operator!=(const frame& x, const frame& y) { return !(x == y); }

/// Lets CAF serialize frames (so they can also cross nodes).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame& x) {
  return f(x.payload);
}

} // namespace warren
