#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>

namespace std {

/// Lets Boost.Test print these in failed assertions (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& os, const std::chrono::milliseconds& x) {
  return os << x.count() << " ms";
}

inline std::ostream& boost_test_print_type(std::ostream& os,
                                           const std::optional<std::uint64_t>& x) {
  if (!x)
    return os << "<nothing>";
  return os << *x;
}

} // namespace std
