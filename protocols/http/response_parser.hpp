#pragma once

#include "protocols/http/client_response.hpp"

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace warren::http {

/// Bounds on one response, enforced by `response_parser`. Over any of them
/// the response is refused with an error (a client has no status to send).
struct response_limits {
  /// Bytes of status line plus header section, final empty line included.
  /// Interim (1xx) responses before the final one count towards it too, so
  /// an endless stream of `100 Continue` is bounded as well.
  std::size_t max_header_bytes = 64 * 1024;
  /// Header fields per response (interim responses count separately).
  std::size_t max_header_count = 100;
  /// Body bytes (the payload). A Content-Length above it is refused as soon as
  /// the header section ends; a chunked or close-delimited body as soon as it
  /// passes it.
  std::size_t max_body_bytes = 64 * 1024 * 1024;

  /// What a chunked body may take on the wire: its payload plus as much again
  /// plus `max_header_bytes` for chunk framing, extensions and trailers (as
  /// parser_limits does for requests), saturating.
  std::size_t max_chunked_wire_bytes() const noexcept {
    constexpr auto most = static_cast<std::size_t>(-1);
    auto allowance =
      max_body_bytes > most - max_header_bytes ? most : max_body_bytes + max_header_bytes;
    return max_body_bytes > most - allowance ? most : max_body_bytes + allowance;
  }
};

/// What `response_parser::feed` (or `finish_eof`) stopped at.
enum class response_parse_status {
  /// Every byte was consumed; no response is complete yet. From `finish_eof`:
  /// the connection ended between responses (nothing was pending).
  need_more,
  /// A response is complete; collect it with `take_response()`.
  response_ready,
  /// The input is not an acceptable response; the connection must be closed.
  error,
};

/// Result of one `feed` or `finish_eof` call.
struct response_parse_result {
  response_parse_status status = response_parse_status::need_more;
  /// Bytes of the input that were consumed. On `need_more` all of them; on
  /// the other statuses the caller keeps the rest (see `response_parser`).
  std::size_t consumed = 0;
  /// Static text saying why, for logs; empty unless `status == error`.
  const char* error_reason = "";
};

/// Incremental HTTP/1.1 response parser over llhttp (client side).
///
/// Contract: before the bytes of each response, call `expect` with the method
/// of the request it answers (the default, restored after every
/// `take_response`, is a request whose response may have content, e.g. GET).
/// Then call `feed` with the bytes read so far that were not consumed yet;
/// the input may be split anywhere and results do not depend on the split.
/// The parser copies what it keeps, so consumed bytes may be discarded at
/// once. After `response_ready` call `take_response()` (and `expect` for the
/// next request) before feeding again: pipelined responses come out one by
/// one, in order. When the connection ends, call `finish_eof()`: it completes
/// a body delimited by the end of the connection, and reports a response cut
/// short as an error. After `error` the parser stays failed.
///
/// Body length follows RFC 9112 6.3: none for responses to HEAD, for 1xx,
/// 204 and 304 (whatever their headers say); `Transfer-Encoding: chunked`;
/// Content-Length; otherwise the body runs to the end of the connection.
/// Interim responses (1xx other than 101) are skipped, so `100 Continue` and
/// `103 Early Hints` never reach the caller. A 101 or a 2xx answer to CONNECT
/// completes with `upgrade` set and no body; the caller must not feed the
/// bytes after it (those not consumed by the `feed` that returned
/// `response_ready`) but hand them to the new protocol. After a response
/// whose `keep_alive` is false the parser discards all further input.
///
/// Copyable and movable (no pointer into itself survives a `feed` call).
///
/// @warning Not thread-safe; one parser per connection, used by its owner only.
class response_parser {
public:
  explicit response_parser(response_limits limits = {}) noexcept;

  /// Names the method of the request that the next response answers
  /// ("HEAD": no body; "CONNECT": a 2xx opens a tunnel). Case-sensitive.
  /// @pre no byte of that response has been fed yet.
  void expect(std::string_view method) noexcept;

  /// Consumes bytes up to the next complete response or error.
  response_parse_result feed(const char* data, std::size_t size);

  response_parse_result feed(std::string_view bytes) { return feed(bytes.data(), bytes.size()); }

  /// Tells the parser that the connection ended (no more bytes will come).
  /// `response_ready` if this completed a body read until the end of the
  /// connection (or a response was already waiting); `error` ("response
  /// truncated by end of connection") if part of a response was received;
  /// `need_more` if nothing was pending.
  response_parse_result finish_eof();

  /// Hands out the completed response and readies the parser for the next
  /// one (expecting a non-HEAD request again).
  /// @pre the last `feed` or `finish_eof` returned `response_ready`.
  client_response take_response();

  /// True while part of a response (an interim one included) was consumed
  /// but the final response is not complete: EOF now would truncate it.
  bool has_partial_response() const noexcept;

  /// True once an error was reported; every later call repeats it.
  bool failed() const noexcept { return phase_ == phase::failed; }

private:
  enum class phase { head, body, ready, closed, failed };
  enum class body_mode { none, length, chunked, until_close };
  /// Why llhttp paused inside the last `llhttp_execute`.
  enum class event { none, head_done, chunk_header, message_done };

  static const llhttp_settings_t& settings() noexcept;
  static response_parser& self(llhttp_t* p) noexcept;

  static int on_header_field(llhttp_t* p, const char* at, std::size_t size);
  static int on_header_field_complete(llhttp_t* p);
  static int on_header_value(llhttp_t* p, const char* at, std::size_t size);
  static int on_header_value_complete(llhttp_t* p);
  static int on_headers_complete(llhttp_t* p);
  static int on_chunk_header(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, std::size_t size);
  static int on_message_complete(llhttp_t* p);

  /// Decides how the body is delimited and whether the connection persists;
  /// returns the on_headers_complete answer for llhttp.
  int finish_head();
  /// Line-ending discipline that llhttp 8.1 (built loose, as Debian ships
  /// it) does not enforce, over head, chunk framing and trailer bytes it
  /// consumed: CR only in CRLF, no bare LF, no obs-fold (but in the head's field lines,
  /// where it is unfolded), CRLF right after
  /// each chunk's data (llhttp skips any two bytes there). Also captures and
  /// checks the status line (llhttp takes "20", "0200" or a double space).
  /// Returns the reason for an error or nullptr.
  const char* check_framing(const char* bytes, std::size_t size, bool in_head);
  /// Clears what belongs to one message (after an interim response too).
  void reset_message() noexcept;
  /// Records an error found inside a callback; returns llhttp's error code.
  int reject(const char* reason) noexcept;
  response_parse_result fail(const char* reason, std::size_t consumed) noexcept;

  response_limits limits_;
  llhttp_t parser_;
  phase phase_ = phase::head;
  body_mode body_mode_ = body_mode::none;
  /// The most body bytes the wire may carry: the payload limit, plus chunk
  /// framing's allowance for a chunked body.
  std::size_t wire_limit() const noexcept {
    return body_mode_ == body_mode::chunked ? limits_.max_chunked_wire_bytes()
                                            : limits_.max_body_bytes;
  }
  event event_ = event::none;
  client_response response_;
  /// Set by `expect`; cleared by `take_response`.
  bool head_request_ = false;
  bool connect_request_ = false;
  /// The message being parsed is an interim (1xx, not 101) response.
  bool interim_ = false;
  /// A byte of a status line (or a whole interim response) was consumed.
  bool started_ = false;
  /// Bytes consumed for the current heads (bounded by max_header_bytes).
  std::size_t head_bytes_ = 0;
  /// Bytes consumed for the current body as sent (bounded by max_body_bytes).
  std::size_t body_wire_bytes_ = 0;
  std::size_t header_count_ = 0;
  bool in_field_ = false;
  /// The status line so far, until its CR has been checked.
  std::string status_line_;
  bool status_line_done_ = false;
  /// A field line of the current head has begun (obs-fold may follow it).
  bool field_seen_ = false;
  /// Framing byte before the next one to check (see `check_framing`).
  char last_byte_ = '\0';
  /// Size of the chunk whose header llhttp just parsed.
  std::uint64_t chunk_size_ = 0;
  /// Chunk data bytes still to skip, then the CRLF that must follow them
  /// (2: CR due, 1: LF due).
  std::uint64_t data_left_ = 0;
  int crlf_due_ = 0;
  /// Error set by a callback (llhttp only reports that a callback failed).
  const char* callback_reason_ = nullptr;
  const char* error_reason_ = "";
};

} // namespace warren::http
