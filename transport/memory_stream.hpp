#pragma once

#include "transport/stream.hpp"

#include <cstddef>
#include <memory>
#include <utility>

namespace warren::transport {

/// One end of an in-memory duplex pipe with the same contract as a TCP stream: bounded
/// buffers (a full direction blocks the writer), EOF after shutdown_write or close, EPIPE when
/// writing to a closed peer. For tests and scale runs without sockets.
/// Unlike a socket, an end may be used from a non-actor thread too, as long as only one thread
/// uses it at a time; readiness still goes to an actor.
class memory_stream final : public stream {
public:
  struct pipe;

  /// Takes one reference to `shared`.
  memory_stream(pipe* shared, int side) noexcept;
  ~memory_stream() override;

  io_result send_file(int fd, std::uint64_t offset, std::size_t count) override;
  void wait_readable(const caf::strong_actor_ptr& owner) override;
  void wait_writable(const caf::strong_actor_ptr& owner) override;
  std::size_t unread_bytes() noexcept override;
  void shutdown_write() noexcept override;
  void close() noexcept override;

protected:
  io_result read_bytes(char* data, std::size_t size, bool report_drained) override;
  io_result write_buffers(const iovec* buffers, std::size_t count, bool more_follows) override;

private:
  pipe* pipe_;  ///< shared with the other end; the last end to go deletes it
  int side_;
};

/// Makes a connected pair of in-memory stream ends; each direction buffers up to
/// `capacity_bytes` before writes would block.
std::pair<std::unique_ptr<memory_stream>, std::unique_ptr<memory_stream>>
make_memory_stream_pair(std::size_t capacity_bytes = 64 * 1024);

} // namespace warren::transport
