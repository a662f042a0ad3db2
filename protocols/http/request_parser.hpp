#pragma once

#include "protocols/http/chunk_framing.hpp"
#include "protocols/http/parser_limits.hpp"
#include "protocols/http/request.hpp"

#include <llhttp.h>

#include <cstddef>
#include <string_view>

namespace warren::http {

/// What `request_parser::feed` stopped at.
enum class parse_status {
  /// Every byte was consumed; the request is not complete yet.
  need_more,
  /// The header section of a request with `Expect: 100-continue` and a body
  /// is complete; `current()` shows it. Reported once per request, before any
  /// body byte is consumed, so the caller can send `100 Continue` (or refuse).
  expect_continue,
  /// A request is complete; collect it with `take_request()`.
  request_ready,
  /// The input is not acceptable; `error_status` says which HTTP status to send.
  error,
};

/// Result of one `feed` call.
struct parse_result {
  parse_status status = parse_status::need_more;
  /// Bytes of the input that were consumed. On `need_more` all of them; on
  /// the other statuses the caller keeps the rest and feeds it again later.
  std::size_t consumed = 0;
  /// HTTP status for the error response (400, 413, 414, 431, 501, 505); 0 otherwise.
  int error_status = 0;
  /// Static text saying why, for logs; empty unless `status == error`.
  const char* error_reason = "";
};

/// Incremental HTTP/1.1 request parser over llhttp (no lenient flags). llhttp
/// 8.1 as Debian builds it (without LLHTTP_STRICT_MODE) is loose about line
/// ends, obs-fold, chunk framing, header names and chunk extensions; the
/// parser checks those itself and answers them with a 400 (see
/// `chunk_framing`). Known gaps, valid input that llhttp 8.1 refuses (400): an
/// unquoted extension value followed by another extension ("1;a=b;c=d", fixed
/// upstream in nodejs/llhttp#248) and a quoted-pair in an extension value.
///
/// Contract: call `feed` with the bytes read so far that were not consumed
/// yet. The input may be split anywhere; results do not depend on the split.
/// The parser copies what it keeps, so consumed bytes may be discarded at once.
/// After `request_ready` call `take_request()` before feeding again (pipelined
/// requests then come out one by one, in order). After `error` the parser stays
/// failed; the caller sends `error_status` with `Connection: close` and closes.
/// After a request whose `keep_alive` is false the parser discards all further
/// input (the connection must close once the response is written).
///
/// Copyable and movable (no pointer into itself survives a `feed` call).
///
/// @warning Not thread-safe; one parser per connection, used by its owner only.
class request_parser {
public:
  explicit request_parser(parser_limits limits = {}) noexcept;

  /// Consumes bytes up to the next event (see `parse_status`).
  parse_result feed(const char* data, std::size_t size);

  parse_result feed(std::string_view bytes) { return feed(bytes.data(), bytes.size()); }

  /// Hands out the completed request and readies the parser for the next one.
  /// @pre the last `feed` returned `request_ready`.
  request take_request();

  /// Gives back a request this parser handed out, once it is handled: the next request
  /// reuses its memory (strings and header list, emptied). Ignored while a request is
  /// under way.
  void recycle(request&& done) noexcept;

  /// Starts over as a parser just constructed with `limits`, keeping the memory `recycle`
  /// gave it (a parser can serve one connection after another).
  void restart(parser_limits limits) noexcept;

  /// The request being parsed: method, target, version and headers are set
  /// once the header section is complete (e.g. on `expect_continue`).
  const request& current() const noexcept { return request_; }

  /// True while part of a request has been consumed but it is not complete
  /// (a header or body deadline applies; EOF now would truncate a request).
  bool has_partial_request() const noexcept;

  /// True once the header section of the current request is complete (its body may still
  /// be arriving); false while a request line or header is outstanding.
  bool head_complete() const noexcept { return phase_ != phase::head; }

  /// True once an error was reported; every later `feed` repeats it.
  bool failed() const noexcept { return phase_ == phase::failed; }

private:
  enum class phase { head, body, ready, closed, failed };
  /// Why llhttp paused inside the last `llhttp_execute`.
  enum class event { none, head_done, chunk_header, message_done };

  static const llhttp_settings_t& settings() noexcept;
  static request_parser& self(llhttp_t* p) noexcept;

  static int on_url(llhttp_t* p, const char* at, std::size_t size);
  static int on_url_complete(llhttp_t* p);
  static int on_header_field(llhttp_t* p, const char* at, std::size_t size);
  static int on_header_field_complete(llhttp_t* p);
  static int on_header_value(llhttp_t* p, const char* at, std::size_t size);
  static int on_header_value_complete(llhttp_t* p);
  static int on_headers_complete(llhttp_t* p);
  static int on_chunk_header(llhttp_t* p);
  static int on_chunk_extension_name(llhttp_t* p, const char* at, std::size_t size);
  static int on_chunk_extension_name_complete(llhttp_t* p);
  static int on_chunk_extension_value(llhttp_t* p, const char* at, std::size_t size);
  static int on_chunk_extension_value_complete(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, std::size_t size);
  static int on_message_complete(llhttp_t* p);

  /// Checks the completed header section; returns the on_headers_complete
  /// answer for llhttp (pause, or -1 after `reject`).
  int finish_head();
  /// Records an error found inside a callback; returns llhttp's error code.
  int reject(int status, const char* reason) noexcept;
  parse_result fail(int status, const char* reason, std::size_t consumed) noexcept;
  int map_llhttp_error(llhttp_errno_t err) const noexcept;

  /// The most body bytes the wire may carry: the payload limit, plus chunk
  /// framing's allowance for a chunked body (see parser_limits).
  std::size_t wire_limit() const noexcept {
    return chunked_ ? limits_.max_chunked_wire_bytes() : limits_.max_body_bytes;
  }

  parser_limits limits_;
  llhttp_t parser_;
  phase phase_ = phase::head;
  request request_;
  /// Bytes consumed for the current head (bounded by max_header_bytes).
  std::size_t head_bytes_ = 0;
  /// Bytes consumed for the current body as sent (bounded by wire_limit()).
  std::size_t body_wire_bytes_ = 0;
  std::size_t header_count_ = 0;
  bool in_field_ = false;
  bool continue_pending_ = false;
  /// The request target is complete: a head over max_header_bytes before it is 414.
  bool url_complete_ = false;
  /// The body of the current request is chunked (its framing is checked).
  bool chunked_ = false;
  event event_ = event::none;
  /// Line-ending and chunk-framing checks over the head and a chunked body,
  /// which llhttp 8.1 (built loose) does not make.
  chunk_framing framing_;
  /// Error set by a callback (llhttp only reports that a callback failed).
  int callback_status_ = 0;
  const char* callback_reason_ = "";
  int error_status_ = 0;
  const char* error_reason_ = "";
};

} // namespace warren::http
