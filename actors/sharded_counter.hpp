#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace warren {

/// A statistics counter that many threads bump often: each thread adds to its own cache line,
/// readers sum them. Bumping costs an uncontended atomic add instead of a cache-line transfer
/// between cores on every frame. Same calls as std::atomic for the uses here.
class sharded_counter {
public:
  void fetch_add(std::uint64_t n, std::memory_order = std::memory_order_relaxed) noexcept {
    shards_[shard_index()].value.fetch_add(n, std::memory_order_relaxed);
  }

  void fetch_sub(std::uint64_t n, std::memory_order = std::memory_order_relaxed) noexcept {
    shards_[shard_index()].value.fetch_sub(n, std::memory_order_relaxed);
  }

  /// The sum over all threads (each shard read once; exact when nobody is adding).
  std::uint64_t load(std::memory_order = std::memory_order_relaxed) const noexcept {
    std::uint64_t sum = 0;
    for (auto& shard : shards_)
      sum += shard.value.load(std::memory_order_relaxed);
    return sum;
  }

private:
  static constexpr std::size_t shard_count = 16;

  struct alignas(64) shard {
    std::atomic<std::uint64_t> value{0};
  };

  static std::size_t shard_index() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % shard_count;
    return index;
  }

  std::array<shard, shard_count> shards_{};
};

} // namespace warren
