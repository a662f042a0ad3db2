#pragma once

#include <mutex>
#include <thread>
#include <vector>

/// Running test clients on several threads at once.
namespace warren::test {

/// Boost.Test is not thread-safe: threads hold this while they assert (and never REQUIRE).
inline std::mutex& assertion_mutex() {
  static std::mutex m;
  return m;
}

/// Runs `work(thread_index)` on `threads` threads and waits for them.
template <class Work>
void in_parallel(int threads, Work work) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&work, t] { work(t); });
  for (auto& t : pool)
    t.join();
}

} // namespace warren::test
