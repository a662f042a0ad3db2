#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <sys/uio.h>

namespace warren::transport {

class inline_reader;

/// What a non-blocking read or write did.
struct io_result {
  enum status_t {
    /// `bytes` moved (> 0 for reads; >= 0 for writes).
    ok,
    /// Nothing can move now; wait for readiness.
    would_block,
    /// The peer closed its side (reads only).
    eof,
    /// The stream failed; `error` holds the errno value.
    failed,
  };
  status_t status;
  std::size_t bytes = 0;
  int error = 0;
  /// Reads with `ok` that were asked to report it (read_some's `report_drained`) only: the read
  /// took every byte the peer had sent, and no EOF waits behind them, so the next bytes or the
  /// peer's FIN bring a new readiness edge: the caller may wait for readiness
  /// (wait_readable_after_drain) without reading again first. False when the stream cannot
  /// tell or was not asked.
  bool drained = false;
};

/// A non-blocking byte stream, owned by exactly one actor.
/// @warning Not thread-safe: only the owning actor calls these, one call at a time. Readiness
///          arrives later as a message to the actor handle passed to wait_readable/wait_writable.
class stream {
public:
  virtual ~stream() = default;

  /// Reads up to `size` bytes into `data` without blocking. `report_drained`: the caller will
  /// use io_result::drained; a stream may skip the work of finding it out otherwise (TCP: a
  /// recvmsg with control data instead of a plain recv).
  io_result read_some(char* data, std::size_t size, bool report_drained = false) {
    return read_bytes(data, size, report_drained);
  }

  /// Writes as much of `count` buffers as the peer takes now, in order, without blocking.
  /// `more_follows`: the caller sends more at once (e.g. a file after its response head), so
  /// a TCP stream may hold a short segment back to send both together (MSG_MORE).
  io_result write_some(const iovec* buffers, std::size_t count, bool more_follows = false) {
    return write_buffers(buffers, count, more_follows);
  }

  /// Sends up to `count` bytes of file `fd` starting at `offset` without blocking (sendfile:
  /// zero copy where the stream supports it).
  virtual io_result send_file(int fd, std::uint64_t offset, std::size_t count) = 0;

  /// Sends one `readable_atom` to `owner` once a read may make progress. At most one readable
  /// wait is pending; close() cancels it (a message already sent may still arrive: owners
  /// ignore readiness once closed).
  virtual void wait_readable(const caf::strong_actor_ptr& owner) = 0;

  /// Like wait_readable, for a caller whose last read_some returned would_block or a `drained`
  /// result: a stream may then wait more cheaply (see read_edge_wait.hpp).
  virtual void wait_readable_after_drain(const caf::strong_actor_ptr& owner) {
    wait_readable(owner);
  }

  /// Tells the stream what kind of owner it has: readiness that a reactor poll finds may then
  /// be handled by `reader` on the polling worker instead of a message (see readiness.hpp).
  /// Streams without a reactor poll ignore it. Call before the first wait.
  virtual void set_inline_reader(const inline_reader* /*reader*/) noexcept {}

  /// Sends one `writable_atom` to `owner` once a write may make progress, like wait_readable.
  virtual void wait_writable(const caf::strong_actor_ptr& owner) = 0;

  /// For a stream whose connect is in progress, once it is writable: 0 when connected, else
  /// the errno value the connect failed with. Streams that are connected from the start: 0.
  virtual int connect_result() noexcept { return 0; }

  /// Bytes written but not yet delivered to the peer (still in the kernel's send queue).
  virtual std::size_t unsent_bytes() noexcept { return 0; }

  /// Bytes the peer sent that nobody has read yet (in the kernel's receive queue).
  virtual std::size_t unread_bytes() noexcept = 0;

  /// Half-closes: the peer reads EOF after the bytes already written.
  virtual void shutdown_write() noexcept = 0;

  /// Closes the stream; pending waits are dropped. Idempotent.
  virtual void close() noexcept = 0;

protected:
  /// See read_some.
  virtual io_result read_bytes(char* data, std::size_t size, bool report_drained) = 0;

  /// See write_some.
  virtual io_result write_buffers(const iovec* buffers, std::size_t count, bool more_follows) = 0;
};

} // namespace warren::transport
