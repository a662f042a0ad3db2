#pragma once

#include "protocols/http/date_cache.hpp"
#include "protocols/http/request.hpp"
#include "protocols/http/response.hpp"

#include <string>
#include <string_view>
#include <system_error>

namespace warren::http {

/// What the writer must know about the request being answered.
struct response_context {
  /// HEAD: send the head with the would-be Content-Length, but no body.
  bool head_request = false;
  /// False: the connection closes after this response (`Connection: close`).
  bool keep_alive = true;
  /// The request's minor version; 0 adds `Connection: keep-alive` when the
  /// connection stays open and rules out chunked streaming.
  int version_minor = 1;

  /// The context for answering `r` as it was parsed.
  static response_context for_request(const request& r) noexcept {
    return {r.is_head(), r.keep_alive, r.version_minor};
  }
};

/// Serialises responses as HTTP/1.1 bytes, appended to a caller's buffer.
///
/// Every write validates the response first (see `validate`); a refused
/// response appends nothing and returns the reason, and the caller then
/// writes `make_error_response(500)` instead.
///
/// @warning Not thread-safe (shares the caller's `date_cache`).
class response_writer {
public:
  explicit response_writer(date_cache& dates) noexcept : dates_(dates) {}

  /// Appends head and body, framed by Content-Length. 1xx, 204 and 304 get
  /// neither Content-Length nor body (a body set on them is dropped); HEAD
  /// gets the Content-Length of `r.body` and no body. With `r.file` set only
  /// the head is appended (Content-Length: the file range's length); the
  /// caller sends the range itself, unless this is HEAD.
  std::error_code write(const response& r, const response_context& ctx, std::string& out);

  /// Appends a head with `Transfer-Encoding: chunked`, then `r.body` as the
  /// first chunk if it is not empty. Follow with `write_chunk` calls and one
  /// `write_last_chunk`, except for HEAD, where nothing may follow the head.
  /// Refused (chunked_not_allowed) for HTTP/1.0 peers and for statuses
  /// without content; the caller then buffers and uses `write`.
  std::error_code write_chunked_head(const response& r, const response_context& ctx,
                                     std::string& out);

  /// Appends one chunk; an empty `data` appends nothing (it would end the body).
  static void write_chunk(std::string_view data, std::string& out);

  /// Appends the last chunk (no trailers), ending a chunked body.
  static void write_last_chunk(std::string& out);

  /// Appends `HTTP/1.1 100 Continue` for a request that expects it.
  static void write_continue(std::string& out);

private:
  /// Status line, Server, Date, handler fields, the framing field (if
  /// `framing_name` is not empty), Connection and the empty line.
  void write_head(const response& r, const response_context& ctx, std::string_view framing_name,
                  std::string_view framing_value, std::string& out);

  date_cache& dates_;
};

} // namespace warren::http
