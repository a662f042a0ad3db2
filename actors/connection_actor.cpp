// connection_actor: reading and writing. How it runs on its worker (engine messages, resume)
// is in connection_turns.cpp; deadlines and closing are in connection_closing.cpp.
#include "actors/connection_actor.hpp"

#include "transport/readiness.hpp"

#include <algorithm>
#include <vector>

namespace warren {

namespace {

/// Reads go into this buffer, shared by every connection running on the thread, so an idle
/// connection needs none of its own.
constexpr std::size_t scratch_size = 64 * 1024;

/// Reads of input to discard per readable message while lingering (fairness).
constexpr int max_discards_per_turn = 8;

char* scratch_buffer() {
  thread_local std::vector<char> buffer(scratch_size);
  return buffer.data();
}

} // namespace

connection_actor::connection_actor(caf::actor_config& cfg,
                                   std::unique_ptr<transport::stream> stream,
                                   connection_context_ptr context, bool connecting)
  : caf::event_based_actor(cfg),
    stream_(std::move(stream)),
    context_(std::move(context)),
    closed_(false),
    closing_after_flush_(false),
    read_armed_(false),
    write_armed_(false),
    reading_paused_(false),
    reading_done_(false),
    in_read_batch_(false),
    peer_eof_(false),
    lingering_(false),
    connecting_(connecting),
    input_paused_(false),
    reread_pending_(false),
    write_looks_(0) {
  stats().open.fetch_add(1, std::memory_order_relaxed);
  stream_->set_inline_reader(poll_reader());
}

connection_actor::~connection_actor() {
  stats().open.fetch_sub(1, std::memory_order_relaxed);
}

caf::behavior connection_actor::make_behavior() {
  last_activity_ = last_write_progress_ = clock_type::now();
  set_exception_handler([](caf::scheduled_actor* self, std::exception_ptr&) -> caf::error {
    static_cast<connection_actor*>(self)->close_now(close_reason::handler_error);
    return caf::sec::runtime_error;
  });
  if (connecting_) {
    write_armed_ = true;
    stream_->wait_writable(ctrl());
  } else {
    arm_read();
  }
  schedule_tick();
  return make_protocol_behavior();
}

void connection_actor::on_exit() {
  context_->timers->cancel(ctrl(), timer_);  // the wheel holds no reference: remove it now
  // Destroy the socket here, on the actor's thread, while its reactor is certainly alive.
  stream_.reset();
  release_input_buffer();
  output_.clear();
}

void connection_actor::write_bytes(std::string_view bytes) {
  if (closed_)
    return;
  output_.append(bytes);
  if (!in_read_batch_)
    flush_output();
}

void connection_actor::write_bytes(std::string&& bytes) {
  if (closed_)
    return;
  output_.append(std::move(bytes));
  if (!in_read_batch_)
    flush_output();
}

void connection_actor::write_bytes(std::string_view head, std::string_view body) {
  if (closed_)
    return;
  output_.append(head, body);
  if (!in_read_batch_)
    flush_output();
}

void connection_actor::check_pushed_output() {
  auto limit = settings().max_output_bytes;
  if (limit != 0 && !in_read_batch_ && !closed_ && output_.size() > limit)
    close_now(close_reason::output_overflow);
}

void connection_actor::write_file(std::shared_ptr<const void> owner, int fd,
                                  std::uint64_t offset, std::uint64_t length) {
  if (closed_)
    return;
  output_.append_file(std::move(owner), fd, offset, length);
  if (!in_read_batch_)
    flush_output();
}

void connection_actor::discard_input() {
  auto buffer = scratch_buffer();
  for (int i = 0; i < max_discards_per_turn; ++i) {
    auto result = stream_->read_some(buffer, scratch_size);
    if (result.status == transport::io_result::ok)
      continue;
    if (result.status != transport::io_result::would_block)
      close_now(pending_close_reason_);  // EOF or error: the peer is done
    return;
  }
}

void connection_actor::on_peer_eof() {
  close_after_flush(close_reason::peer_closed);
}

void connection_actor::handle_readable() {
  read_armed_ = false;
  if (lingering_ && !closed_) {
    discard_input();
    arm_read();
    return;
  }
  if (reading_done_ || reading_paused_ || closed_ || input_paused_)
    return;
  // One read per turn. After handling it, the actor yields (it stays in its worker's queue
  // behind the other actors there: see resume) and reads again at its next turn: a
  // busy peer has usually answered by that time, and a read that finds data is cheaper than
  // hearing EAGAIN and waiting for readiness. asio's handler queue gives its speculative
  // reads the same delay. A read that took everything (`drained`) from a peer that now awaits
  // the reply (peer_awaits_reply) skips that reread: it would find nothing, and the peer's
  // next bytes bring readiness.
  bool eof = false;
  bool drained = false;  // nothing is left to read: wait for readiness
  auto buffer = scratch_buffer();
  auto result = stream_->read_some(buffer, scratch_size, peer_awaits_reply());
  if (result.status == transport::io_result::ok) {
    last_activity_ = clock_type::now();
    stats().bytes_in.fetch_add(result.bytes, std::memory_order_relaxed);
    in_read_batch_ = true;
    feed(buffer, result.bytes);
    in_read_batch_ = false;
    drained = result.drained && peer_awaits_reply();  // asked again: the bytes just consumed count
  } else if (result.status == transport::io_result::would_block) {
    drained = true;
  } else if (result.status == transport::io_result::eof) {
    eof = true;
  } else {
    close_now(close_reason::io_error);
  }
  if (closed_)
    return;
  if (eof) {
    peer_eof_ = true;
    if (!reading_done_) {
      reading_done_ = true;
      release_input_buffer();  // a partial message can never complete now
      on_peer_eof();
    }
  }
  flush_output();
  if (closing_after_flush_ && output_.empty())
    finish_graceful_close();
  if (closed_ || reading_done_ || reading_paused_ || input_paused_)
    return;
  if (drained) {
    arm_read(/*drained=*/true);
  } else {
    // Read again once the other actors on this worker had their turn (see resume).
    read_armed_ = true;
    reread_wanted() = true;
  }
}

void connection_actor::resume_input() {
  if (!input_paused_)
    return;
  input_paused_ = false;
  if (in_read_batch_ || closed_)
    return;  // inside consume: the running batch goes on by itself
  if (unconsumed_) {
    in_read_batch_ = true;
    feed(nullptr, 0);  // the kept bytes first
    in_read_batch_ = false;
    if (closed_)
      return;
    flush_output();
    if (closing_after_flush_ && output_.empty())
      finish_graceful_close();
  }
  arm_read();
}

void connection_actor::feed(const char* data, std::size_t size) {
  if (!unconsumed_) {
    auto used = consume(data, size);
    if (!closed_ && used < size)
      unconsumed_ = std::make_unique<std::string>(data + used, size - used);
    return;
  }
  if (size > 0)
    unconsumed_->append(data, size);
  auto used = consume(unconsumed_->data(), unconsumed_->size());
  if (closed_ || !unconsumed_)
    return;
  if (used == unconsumed_->size())
    release_input_buffer();
  else
    unconsumed_->erase(0, used);
}

void connection_actor::handle_writable() {
  write_armed_ = false;
  if (closed_)
    return;
  if (connecting_) {
    connecting_ = false;
    if (auto error = stream_->connect_result(); error != 0) {
      on_connect_failed(error);
      close_now(close_reason::io_error);
      return;
    }
    last_activity_ = clock_type::now();
    arm_read();
    on_connected();
  }
  flush_output();
}

void connection_actor::flush_output() {
  if (closed_ || output_.empty() || connecting_)
    return;
  auto result = output_.flush(*stream_, flush_budget);
  if (result.bytes > 0) {
    last_activity_ = last_write_progress_ = clock_type::now();
    write_looks_ = 0;
    stats().bytes_out.fetch_add(result.bytes, std::memory_order_relaxed);
  }
  switch (result.status) {
    case transport::io_result::ok:
      if (!output_.empty()) {
        // Budget used up on a fast peer: let other actors run and continue when this
        // message comes back (the socket stays writable, so no readiness would come).
        if (!write_armed_) {
          write_armed_ = true;
          transport::notify_writable(ctrl());
        }
        return;
      }
      if (closing_after_flush_) {
        finish_graceful_close();
        return;
      }
      if (reading_paused_) {
        reading_paused_ = false;
        arm_read();
      }
      on_output_flushed();
      return;
    case transport::io_result::would_block:
      // What the kernel holds as this write's progress stops: the write-timeout's looks
      // compare against it (see handle_tick).
      if (settings().write_timeout.count() > 0 && result.bytes > 0)
        remember_kernel_unsent(stream_->unsent_bytes());
      if (!write_armed_) {
        write_armed_ = true;
        stream_->wait_writable(ctrl());
      }
      if (output_.size() > settings().output_high_water_bytes)
        reading_paused_ = true;
      else if (reading_paused_ && output_.size() <= settings().output_high_water_bytes / 2) {
        reading_paused_ = false;
        arm_read();
      }
      schedule_tick();
      return;
    default:
      close_now(close_reason::io_error);
      return;
  }
}

void connection_actor::arm_read(bool drained) {
  if (read_armed_ || reading_done_ || reading_paused_ || closed_ || connecting_ || input_paused_)
    return;
  read_armed_ = true;
  if (drained)
    stream_->wait_readable_after_drain(ctrl());
  else
    stream_->wait_readable(ctrl());
}

void connection_actor::release_input_buffer() noexcept {
  unconsumed_.reset();
}

} // namespace warren
