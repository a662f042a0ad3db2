#pragma once

#include "actors/connection_context.hpp"
#include "transport/output_queue.hpp"
#include "transport/readiness.hpp"
#include "transport/stream.hpp"

#include <caf/event_based_actor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace warren {

/// One network connection as an actor: it owns its stream, reads on readiness into a
/// per-thread scratch buffer, hands the bytes to its protocol (a subclass), and writes the
/// protocol's output in order. Idle, it holds no buffer. When pending output passes the
/// high-water mark it stops reading until the peer drains it (backpressure). Timers close it
/// when idle or when the peer stops reading; `shutdown_atom` flushes and closes it.
///
/// Subclasses implement the protocol: `consume` takes bytes and `make_protocol_behavior`
/// adds message handlers (including the user's behaviour).
/// @warning Only the actor itself calls its member functions (from its own handlers).
class connection_actor : public caf::event_based_actor {
public:
  /// With `connecting`, the stream's connect is still in progress: the actor waits until it
  /// is writable, then calls on_connected (or closes with io_error when it failed).
  connection_actor(caf::actor_config& cfg, std::unique_ptr<transport::stream> stream,
                   connection_context_ptr context, bool connecting = false);

  ~connection_actor() override;

  /// Queues bytes for the peer; they leave in the order written.
  void write_bytes(std::string_view bytes);

  /// Queues an owned buffer for the peer (large buffers are not copied).
  void write_bytes(std::string&& bytes);

  /// Queues two byte ranges as one unit (e.g. a header and its payload): they are never
  /// flushed apart by this call.
  void write_bytes(std::string_view head, std::string_view body);

  /// Queues `length` bytes of open file `fd` from `offset`, sent with sendfile after
  /// everything written before; `owner` keeps the descriptor open meanwhile.
  void write_file(std::shared_ptr<const void> owner, int fd, std::uint64_t offset,
                  std::uint64_t length);

  /// Stops reading, flushes pending output, then closes.
  void close_after_flush(close_reason reason);

  /// Closes at once, dropping pending output. Safe to call more than once.
  void close_now(close_reason reason);

  /// True once the connection closed or is flushing before it closes.
  bool closing() const noexcept { return closed_ || closing_after_flush_; }

  const connection_settings& settings() const noexcept { return context_->settings; }

  engine_stats& stats() const noexcept { return *context_->stats; }

protected:
  /// The protocol: consumes a prefix of `[data, data + size)` and returns its length; the
  /// rest comes back with more bytes later. May write, and may close (then return anything).
  virtual std::size_t consume(const char* data, std::size_t size) = 0;

  /// The user's behaviour: handles every message the engine does not (see consume).
  virtual caf::behavior make_protocol_behavior() = 0;

  /// Handles a protocol message from another actor (e.g. `(write_atom, frame)`); returns
  /// false for messages that belong to the user's behaviour.
  virtual bool handle_protocol_message(const caf::type_erased_tuple& content);

  /// Called once when the peer has sent everything (EOF) and all of it was consumed.
  /// The default closes after flushing.
  virtual void on_peer_eof();

  using clock_type = connection_context::clock_type;

  /// The protocol's next deadline (e.g. an HTTP header deadline), if any; the connection
  /// gets a tick at or after it and calls on_protocol_tick.
  virtual std::optional<clock_type::time_point> protocol_deadline() const { return {}; }

  /// Checks the protocol's deadlines at `now` (may close the connection).
  virtual void on_protocol_tick(clock_type::time_point) {}

  /// Makes sure a tick comes at the earliest deadline (call after a deadline moved earlier).
  void schedule_tick();

  /// Called once an outbound connect succeeded (see the constructor).
  virtual void on_connected() {}

  /// An outbound connect failed with `error` (an errno value); the connection closes next.
  virtual void on_connect_failed(int /*error*/) {}

  /// Called when the connection closes for `reason`, before the actor ends.
  virtual void on_closing(close_reason) {}

  /// Called after a flush empties the output queue (e.g. to produce more output).
  virtual void on_output_flushed() {}

  /// Output bytes not yet taken by the peer.
  std::uint64_t pending_output() const noexcept { return output_.size(); }

  /// Call after a write that did not come from consuming the peer's bytes (e.g. a frame
  /// another actor sent): such output is not slowed by backpressure, so a peer reading slower
  /// than others write would grow it without bound. Closes the connection (output_overflow)
  /// when more than max-output-bytes are pending after the write's flush. Writes made while
  /// consuming are bounded by the high-water mark instead and are not checked.
  void check_pushed_output();

  /// File ranges waiting in the output (each holds a descriptor).
  std::size_t pending_file_ranges() const noexcept { return output_.file_ranges(); }

  /// The protocol cannot take more input for now (e.g. too many answers outstanding): stop
  /// reading; bytes already read but not consumed are kept. Call from consume().
  void pause_input() noexcept { input_paused_ = true; }

  /// Takes input again: first the kept bytes, then the socket.
  void resume_input();

  /// Whether the peer may still be sending when this connection closes after its output
  /// (e.g. the rest of a request that was refused). Then the close lingers: FIN, then input
  /// is read and dropped until the peer's FIN, so that no reset destroys the last output.
  /// When false, and no input waits unread, the connection closes at once. Default: true.
  virtual bool peer_may_send_more() const { return true; }

  /// Whether the peer, after the bytes consumed so far, waits for this connection's reply
  /// before it sends more (HTTP: a client that sent a whole request awaits its response).
  /// Then a read that took everything the peer had sent (io_result::drained) is followed by a
  /// wait for readiness, not by a reread at the next turn that would find nothing. Default
  /// false: a streaming peer (framing) has usually sent more by the next turn, and reading it
  /// all at once then costs less than a readiness wake-up for each arrival.
  virtual bool peer_awaits_reply() const { return false; }

  /// While true the connection is working for its peer (e.g. a handler has not answered
  /// yet), so the idle timeout does not apply.
  virtual bool busy() const { return false; }

  caf::behavior make_behavior() final;

  /// Engine messages (readiness, timers, shutdown, close, protocol messages) are handled here
  /// directly, so a connection needs no behaviour objects of its own for them; everything
  /// else goes to the user's behaviour.
  caf::invoke_message_result consume(caf::mailbox_element& x) override;
  resume_result resume(caf::execution_unit* unit, size_t max_throughput) override;

  void on_exit() override;

private:
  friend class connection_inline_reader;

  /// A reactor poll on this worker (`unit`) found the stream readable: reads now, if the
  /// actor is idle; false otherwise (see transport::inline_reader).
  bool read_inline(caf::execution_unit* unit);
  /// What lets reactor polls call read_inline (one object for every connection).
  static const transport::inline_reader* poll_reader() noexcept;
  void handle_readable();
  /// Reads again without a message, when resume() finds `reread_pending_` and an empty
  /// mailbox; returns how this turn ends.
  resume_result reread_directly(caf::execution_unit* unit);
  /// CAF's resume for one message, then keeps a reread handle_readable asked for.
  resume_result resume_with_messages(caf::execution_unit* unit);
  /// Set by handle_readable when it wants to read again after a turn for the other actors;
  /// read and cleared by the resume that ran it. Per thread, not per actor: once CAF's resume
  /// has blocked the mailbox, another worker may already run the actor.
  static bool& reread_wanted() noexcept;
  void handle_writable();
  void handle_tick();
  void begin_shutdown();
  void feed(const char* data, std::size_t size);
  void flush_output();
  /// Asks for readiness. `drained`: the last read_some, since the last readiness, returned
  /// would_block or a `drained` result (the stream may then wait more cheaply).
  void arm_read(bool drained = false);
  std::optional<clock_type::time_point> next_deadline() const;
  /// A quarter of write-timeout-ms: the write timeout looks at the kernel's unsent bytes
  /// this often (see handle_tick).
  clock_type::duration write_look_interval() const noexcept {
    return std::chrono::duration_cast<clock_type::duration>(settings().write_timeout) / 4;
  }
  /// Records SIOCOUTQ's answer as kernel_unsent_seen_ (saturating at 32 bits).
  void remember_kernel_unsent(std::size_t unsent) noexcept;
  void release_input_buffer() noexcept;
  void finish_graceful_close();
  void discard_input();

  /// After a graceful close sends FIN, how long to wait for the peer's FIN (see
  /// finish_graceful_close) before closing anyway; extended while the peer is still taking
  /// output the kernel holds for it.
  static constexpr std::chrono::seconds linger_timeout{2};
  /// Most bytes one flush writes before the actor yields to others on its worker.
  static constexpr std::uint64_t flush_budget = 4u << 20;

  std::unique_ptr<transport::stream> stream_;
  connection_context_ptr context_;
  /// Bytes of a partial message, kept between reads; null while there are none.
  std::unique_ptr<std::string> unconsumed_;
  transport::output_queue output_;
  clock_type::time_point last_activity_;
  clock_type::time_point last_write_progress_;
  /// When a graceful close (shutdown or linger) gives up and closes; max() while none.
  clock_type::time_point close_deadline_ = clock_type::time_point::max();
  timer_wheel::handle timer_;
  /// Bytes the kernel still held for the peer at the last look (while lingering, or since
  /// writes last made progress, see write_looks_): less at the next look means the peer is
  /// taking data. 32 bits,
  /// like SIOCOUTQ's answer, so that it packs with the flags below.
  std::uint32_t kernel_unsent_seen_ = UINT32_MAX;
  close_reason pending_close_reason_ = close_reason::peer_closed;
  // One bit each (a million connections: every byte counts); all start false (constructor).
  bool closed_ : 1;
  bool closing_after_flush_ : 1;
  bool read_armed_ : 1;
  bool write_armed_ : 1;
  bool reading_paused_ : 1;  ///< backpressure: output above the high-water mark
  bool reading_done_ : 1;    ///< EOF, shutdown or close: never read again
  bool in_read_batch_ : 1;   ///< writes wait for one flush at the end of the batch
  bool peer_eof_ : 1;        ///< the peer sent FIN
  bool lingering_ : 1;       ///< FIN sent, discarding input until the peer's FIN
  bool connecting_ : 1;      ///< outbound connect in progress
  bool input_paused_ : 1;    ///< the protocol asked for no more input (pause_input)
  /// This actor returned `resume_later` to read again after the other actors on this
  /// worker had their turn; its next resume() does that read (see there).
  bool reread_pending_ : 1;
  /// Write-timeout looks at the kernel's unsent bytes taken since last_write_progress_
  /// (0..3): the last one was at last_write_progress_ + write_looks_ * write-timeout / 4.
  std::uint8_t write_looks_ : 2;
};

} // namespace warren
