#pragma once

#include "transport/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warren::transport {

/// Bytes waiting to be written to a stream, in order. Small writes coalesce into one chunk
/// so a burst of replies leaves in one system call; large owned buffers are queued without
/// copying and written with writev; file ranges are sent with sendfile (zero copy). An empty
/// queue holds no memory.
class output_queue {
public:
  /// Copies `bytes` to the end of the queue.
  void append(std::string_view bytes);

  /// Copies `head`, then `body`, to the end of the queue.
  void append(std::string_view head, std::string_view body);

  /// Queues `bytes` at the end; large buffers are kept as they are (no copy).
  void append(std::string&& bytes);

  /// Queues `length` bytes of open file `fd` from `offset`. `owner` keeps the descriptor
  /// open until the range is sent or dropped.
  void append_file(std::shared_ptr<const void> owner, int fd, std::uint64_t offset,
                   std::uint64_t length);

  /// Bytes not yet written (file ranges included).
  std::uint64_t size() const noexcept { return size_; }

  bool empty() const noexcept { return size_ == 0; }

  /// File ranges queued (each keeps a descriptor open). Counted on demand: the queue is
  /// short, and a counter would cost every connection 8 bytes.
  std::size_t file_ranges() const noexcept;

  /// Writes until the queue is empty, the stream would block or fails, or `budget` bytes
  /// went out. Returns the last write's result with `bytes` set to the total written by this
  /// call: `ok` with bytes left in the queue means the budget was used up (the stream may
  /// well take more; call again, after letting others run).
  io_result flush(stream& out, std::uint64_t budget = UINT64_MAX);

  /// Drops everything (the connection is closing).
  void clear() noexcept;

  /// Chunks smaller than this are merged into the previous chunk; `append(std::string&&)`
  /// copies buffers smaller than this and keeps larger ones.
  static constexpr std::size_t coalesce_limit = 16 * 1024;

private:
  /// A new chunk of copied bytes has room for at least this many (a 1 KiB allocation, which
  /// malloc serves from its per-thread cache), so a burst of small replies does not regrow it.
  static constexpr std::size_t first_chunk_capacity = 1023;

  /// Bytes in memory, or a range of a file.
  struct chunk {
    std::string bytes;
    std::shared_ptr<const void> file_owner;  ///< set for file ranges
    int file_fd = -1;
    std::uint64_t file_offset = 0;
    std::uint64_t file_left = 0;

    bool is_file() const noexcept { return file_fd >= 0; }
    static chunk of(std::string bytes) {
      chunk c;
      c.bytes = std::move(bytes);
      return c;
    }
  };

  /// The memory of the last queue this thread emptied, lent to the next queue that needs
  /// some: a request/response connection fills and empties its queue once per exchange, and
  /// reusing it saves two allocations and two frees per response. Bounded: a thread keeps at
  /// most one buffer and one short, empty chunk vector.
  struct spare_memory {
    static constexpr std::size_t max_bytes_capacity = 2 * coalesce_limit;
    static constexpr std::size_t max_chunk_slots = 8;
    std::string bytes;          // empty; its capacity is what is kept
    std::vector<chunk> chunks;  // empty; its capacity is what is kept
  };
  static spare_memory& thread_spare() noexcept;

  /// The chunk that `n` more bytes are copied to: the last one if it still coalesces, else a
  /// new one.
  std::string& tail_for(std::size_t n);
  /// Appends `c`, taking this thread's spare vector if the queue has none.
  void push_chunk(chunk&& c);
  io_result flush_bytes(stream& out, std::uint64_t limit);
  io_result flush_file(stream& out, std::uint64_t limit);
  void consume_bytes(std::size_t n);
  void pop_front();

  std::vector<chunk> chunks_;
  std::size_t head_offset_ = 0;  // bytes of chunks_.front() already written
  std::uint64_t size_ = 0;
};

} // namespace warren::transport
