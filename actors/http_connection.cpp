#include "actors/http_connection.hpp"

#include "actors/atoms.hpp"
#include "transport/output_queue.hpp"

#include <caf/mailbox_element.hpp>
#include <caf/type_erased_tuple.hpp>

namespace warren {

namespace {

/// Bytes pulled per piece of a streamed body, and the output level below which the next
/// piece is pulled at once.
constexpr std::uint64_t stream_piece_bytes = 64 * 1024;
constexpr std::uint64_t stream_low_water_bytes = 128 * 1024;

/// The Date header changes once a second; each scheduler thread formats it once a second.
http::date_cache& thread_dates() {
  thread_local http::date_cache dates;
  return dates;
}

/// Where each scheduler thread formats a response before the output queue copies it, so a
/// small response costs no allocation of its own. A large one is moved into the queue.
std::string& thread_response_buffer() {
  thread_local std::string buffer;
  return buffer;
}

/// One parser per thread waits between requests, so that a keep-alive request (each gets its
/// own parser, an idle connection holds none) does not allocate one.
std::unique_ptr<http::request_parser>& thread_spare_parser() {
  thread_local std::unique_ptr<http::request_parser> spare;
  return spare;
}

std::unique_ptr<http::request_parser> take_thread_parser(const http::parser_limits& limits) {
  auto& spare = thread_spare_parser();
  if (!spare)
    return std::make_unique<http::request_parser>(limits);
  auto parser = std::move(spare);
  parser->restart(limits);
  return parser;
}

void give_thread_parser(std::unique_ptr<http::request_parser> parser) {
  auto& spare = thread_spare_parser();
  if (!spare)
    spare = std::move(parser);
}

} // namespace

http_connection::http_connection(caf::actor_config& cfg,
                                 std::unique_ptr<transport::stream> stream,
                                 connection_context_ptr context, http_context_ptr http)
  : connection_actor(cfg, std::move(stream), std::move(context)), http_(std::move(http)) {}

caf::behavior http_connection::make_protocol_behavior() {
  return http_->factory(this);
}

bool http_connection::backlogged() const noexcept {
  return pending_.size() >= max_outstanding_responses
         || pending_output() > settings().output_high_water_bytes
         || pending_file_ranges() >= max_queued_files;
}

void http_connection::resume_if_drained() {
  if (!backlogged() && !closing())
    resume_input();
}

std::size_t http_connection::consume(const char* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size && !closing() && !no_more_requests_) {
    if (backlogged()) {
      // A peer pipelining faster than it reads: take no more requests until the answers
      // drain; the rest of its bytes wait (bounded memory and descriptors per connection).
      pause_input();
      break;
    }
    if (!parser_)
      parser_ = take_thread_parser(http_->settings.limits);
    auto result = parser_->feed(data + used, size - used);
    used += result.consumed;
    if (result.status == http::parse_status::request_ready) {
      header_deadline_ = clock_type::time_point::max();
      auto req = parser_->take_request();
      dispatch(req);
      if (parser_)
        parser_->recycle(std::move(req));
    } else if (result.status == http::parse_status::expect_continue) {
      // Only when nothing is queued before it: a 100 must not overtake earlier responses.
      // Otherwise the client sends its body after its own short wait (RFC 9110 10.1.1).
      if (pending_.empty() && !stream_) {
        std::string out;
        http::response_writer::write_continue(out);
        write_bytes(std::move(out));
        stats().count_response(100);
      }
    } else if (result.status == http::parse_status::error) {
      refuse(result.error_status);
      return size;
    } else {
      break;  // need_more: every byte was taken
    }
  }
  if (no_more_requests_ || closing()) {
    if (used < size)
      peer_may_send_more_ = true;  // it pipelined past the last request: more may follow
    return size;                   // nothing after a closing request is read
  }
  if (parser_ && !parser_->has_partial_request()) {
    give_thread_parser(std::move(parser_));  // between requests a connection holds no parser
    header_deadline_ = clock_type::time_point::max();
  } else if (parser_ && !parser_->head_complete()) {
    // Slow headers (only requests not complete within one read get here): start the clock.
    if (header_deadline_ == clock_type::time_point::max()
        && http_->settings.header_timeout.count() > 0) {
      header_deadline_ = clock_type::now() + http_->settings.header_timeout;
      schedule_tick();
    }
  } else {
    header_deadline_ = clock_type::time_point::max();
  }
  return used;
}

void http_connection::answer_inline(http::response&& response) {
  if (inline_answer_ != nullptr)
    inline_answer_->emplace(std::move(response));
}

void http_connection::dispatch(http::request& req) {
  stats().http_requests.fetch_add(1, std::memory_order_relaxed);
  auto seq = next_seq_++;
  auto context = http::response_context::for_request(req);
  if (++requests_seen_ >= http_->settings.max_keepalive_requests)
    context.keep_alive = false;
  if (!context.keep_alive)
    no_more_requests_ = true;
  // Run the user's behaviour on this actor at once, as if the request came from the peer as a
  // CAF request (the element only views `req`: nothing is allocated for it): a returned
  // response is written right away; a response promise or delegate answers later through a
  // response message to this actor.
  auto mid = new_request_id(caf::message_priority::normal);
  caf::mailbox_element_view<http::request> element{caf::strong_actor_ptr{ctrl()}, mid, {}, req};
  auto* previous = current_mailbox_element();
  current_mailbox_element(&element);
  std::optional<http::response> answered_inline;
  inline_answer_ = &answered_inline;
  caf::optional<caf::message> result;
  bool threw = false;
  try {
    if (!bhvr_stack().empty())
      result = bhvr_stack().back()(element.content());
  } catch (...) {
    threw = true;
  }
  inline_answer_ = nullptr;
  current_mailbox_element(previous);
  if (closing())
    return;
  http::response response;
  std::optional<close_reason> close;
  if (!threw && answered_inline) {
    response = std::move(*answered_inline);
  } else if (!threw && element.sender == nullptr) {
    // A response promise or delegate took the request's sender (this actor) out of the
    // element (CAF 0.17 neither marks the id answered nor returns anything telling): the
    // answer comes later as a response message.
    auto deadline = http_->settings.handler_timeout.count() > 0
                      ? clock_type::now() + http_->settings.handler_timeout
                      : clock_type::time_point::max();
    pending_.push_back(slot{false, std::nullopt, context, {}, deadline});
    add_multiplexed_response_handler(
      mid.response_id(),
      caf::behavior{
        [this, seq](http::response& response) { answer(seq, std::move(response)); },
        [this, seq](caf::error&) {
          answer(seq, http::make_error_response(500), close_reason::handler_error);
        },
      });
    schedule_tick();
    return;
  } else if (!threw && result && result->match_elements<http::response>()) {
    response = std::move(result->get_mutable_as<http::response>(0));
  } else {
    response = http::make_error_response(500);  // threw, no handler, or not a response
    close = close_reason::handler_error;
  }
  if (pending_.empty() && !stream_) {
    ++next_to_write_;
    answer_now(response, context, close);
  } else {
    pending_.push_back(slot{true, close, context, std::move(response)});
    drain_ready();
  }
}

void http_connection::answer(std::uint64_t seq, http::response response,
                             std::optional<close_reason> close) {
  auto* s = find_slot(seq);
  if (s == nullptr || s->ready)
    return;  // answered already (e.g. after its deadline)
  s->ready = true;
  s->close = close;
  s->response = std::move(response);
  drain_ready();
}

void http_connection::drain_ready() {
  std::size_t done = 0;
  while (done < pending_.size() && pending_[done].ready && !closing() && !stream_) {
    auto& s = pending_[done++];
    ++next_to_write_;
    answer_now(s.response, s.context, s.close);
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
  if (pending_.empty()) {
    std::vector<slot>{}.swap(pending_);
    if (peer_done_ && !stream_)
      close_after_flush(close_reason::peer_closed);
  }
  resume_if_drained();
}

void http_connection::answer_now(http::response& response, const http::response_context& context,
                                 std::optional<close_reason> close) {
  http::response_writer writer{thread_dates()};
  auto ctx = context;
  if (close)
    ctx.keep_alive = false;
  auto& out = thread_response_buffer();
  out.clear();
  if (writer.write(response, ctx, out)) {
    // The handler's response is unsafe (e.g. CR/LF in a header): refuse it, end the connection.
    response = http::make_error_response(500);
    ctx.keep_alive = false;
    close = close_reason::handler_error;
    out.clear();
    writer.write(response, ctx, out);
  }
  stats().count_response(response.status);
  if (out.size() < transport::output_queue::coalesce_limit)
    write_bytes(std::string_view{out});  // copied; the buffer stays with this thread
  else
    write_bytes(std::move(out));
  const bool send_body = !ctx.head_request && http::status_allows_body(response.status);
  if (response.file && send_body)
    write_file(response.file->owner, response.file->fd, response.file->offset,
               response.file->length);
  if (response.stream && send_body && response.stream->length > 0) {
    start_stream(*response.stream, ctx.keep_alive ? close
                                                  : close.value_or(close_reason::peer_closed));
    if (!ctx.keep_alive)
      no_more_requests_ = true;
    return;
  }
  if (!ctx.keep_alive) {
    no_more_requests_ = true;
    close_after_flush(close.value_or(close_reason::peer_closed));
  }
}

void http_connection::refuse(int status) {
  stats().http_requests.fetch_add(1, std::memory_order_relaxed);  // a request, if a bad one
  no_more_requests_ = true;
  peer_may_send_more_ = true;
  parser_.reset();
  http::response_context context{false, false, 1};
  ++next_seq_;
  auto reason = status == 408 ? close_reason::header_timeout : close_reason::protocol_error;
  auto response = http::make_error_response(status);
  if (pending_.empty() && !stream_) {
    ++next_to_write_;
    answer_now(response, context, reason);
    return;
  }
  pending_.push_back(slot{true, reason, context, std::move(response)});
  drain_ready();
}

void http_connection::on_peer_eof() {
  // The peer sent all it will; answer what it asked for, then close.
  parser_.reset();
  no_more_requests_ = true;
  peer_done_ = true;
  if (pending_.empty() && !stream_)
    close_after_flush(close_reason::peer_closed);
}

bool http_connection::peer_may_send_more() const {
  // Every request so far was read whole (a handler runs only on a complete request), so a
  // peer that read a "Connection: close" answer sends nothing more; one whose request was
  // refused (413, 431, 400...) or cut short, or that pipelined past the last request, may
  // still be sending.
  return peer_may_send_more_ || (parser_ && parser_->has_partial_request());
}

std::optional<connection_actor::clock_type::time_point>
http_connection::protocol_deadline() const {
  auto next = header_deadline_;
  for (auto& s : pending_)
    if (!s.ready)
      next = std::min(next, s.deadline);
  if (next == clock_type::time_point::max())
    return std::nullopt;
  return next;
}

void http_connection::on_protocol_tick(clock_type::time_point now) {
  if (now >= header_deadline_ && parser_ && !parser_->head_complete()
      && parser_->has_partial_request()) {
    header_deadline_ = clock_type::time_point::max();
    refuse(408);
    return;
  }
  std::vector<std::uint64_t> overdue;  // answering reshapes pending_: collect first
  for (std::size_t i = 0; i < pending_.size(); ++i)
    if (!pending_[i].ready && now >= pending_[i].deadline)
      overdue.push_back(next_to_write_ + i);
  for (auto seq : overdue)
    answer(seq, http::make_error_response(503), close_reason::handler_error);
}

http::streamed_body make_streamed_body(http_body_source source, std::uint64_t length) {
  return {std::make_shared<const http_body_source>(std::move(source)), length};
}

void http_connection::start_stream(const http::streamed_body& body,
                                   std::optional<close_reason> close) {
  stream_ = std::make_unique<active_stream>();
  stream_->source = std::static_pointer_cast<const http_body_source>(body.source);
  stream_->length = body.length;
  stream_->close = close;
  pull_next_piece();
}

void http_connection::pull_next_piece() {
  auto& s = *stream_;
  if (s.pulling || closing())
    return;
  s.pulling = true;
  auto want = std::min(stream_piece_bytes, s.length - s.sent);
  request(s.source->reader, caf::infinite, pull_atom::value, s.source->token,
          s.source->offset + s.sent, want)
    .then(
      [this, want](std::string& piece) {
        if (!stream_ || closing())
          return;
        stream_->pulling = false;
        if (piece.empty() || piece.size() > want) {
          close_now(close_reason::io_error);  // the announced length can no longer be met
          return;
        }
        stream_->sent += piece.size();
        write_bytes(std::move(piece));
        if (stream_->sent == stream_->length)
          finish_stream();
        else if (pending_output() < stream_low_water_bytes)
          pull_next_piece();
        else
          stream_->waiting_for_drain = true;
      },
      [this](caf::error&) { close_now(close_reason::io_error); });
}

void http_connection::on_output_flushed() {
  if (stream_ && stream_->waiting_for_drain) {
    stream_->waiting_for_drain = false;
    pull_next_piece();
  }
  resume_if_drained();
}

void http_connection::finish_stream() {
  auto close = stream_->close;
  stream_.reset();
  if (close) {
    no_more_requests_ = true;
    close_after_flush(*close);
    return;
  }
  drain_ready();
}

http_connection::slot* http_connection::find_slot(std::uint64_t seq) {
  if (seq < next_to_write_ || seq - next_to_write_ >= pending_.size())
    return nullptr;
  return &pending_[static_cast<std::size_t>(seq - next_to_write_)];
}

} // namespace warren
