#pragma once

#include <caf/detail/invoke_result_visitor.hpp>

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

/// A message handler that returns a `frame` hands it to this member of CAF's result visitor,
/// whose generic version wraps it in a new message. warren's specialization (defined with the
/// framed connection, in warren_actors) writes a frame returned to a framed connection straight
/// to its peer, with no message in between; any other receiver gets the generic behaviour.
/// Declared here, next to the type, so that every handler returning a frame sees it.
namespace caf::detail {
template <>
void invoke_result_visitor::operator()<warren::frame>(warren::frame& reply);
} // namespace caf::detail
