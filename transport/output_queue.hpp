#pragma once

#include "transport/stream.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warren::transport {

/// Bytes waiting to be written to a stream, in order. Small writes coalesce into one chunk
/// so a burst of replies leaves in one system call; large owned buffers are queued without
/// copying and written with writev. An empty queue holds no memory.
class output_queue {
public:
  /// Copies `bytes` to the end of the queue.
  void append(std::string_view bytes);

  /// Queues `bytes` at the end; large buffers are kept as they are (no copy).
  void append(std::string&& bytes);

  /// Bytes not yet written.
  std::size_t size() const noexcept { return size_; }

  bool empty() const noexcept { return size_ == 0; }

  /// Writes until the queue is empty or the stream would block or fails. Returns the last
  /// write's result with `bytes` set to the total written by this call.
  io_result flush(stream& out);

  /// Drops everything (the connection is closing).
  void clear() noexcept;

private:
  /// Chunks smaller than this are merged into the previous chunk.
  static constexpr std::size_t coalesce_limit = 16 * 1024;

  void consume(std::size_t n);

  std::vector<std::string> chunks_;
  std::size_t head_offset_ = 0;  // bytes of chunks_.front() already written
  std::size_t size_ = 0;
};

} // namespace warren::transport
