#include "protocols/http/request_parser.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace warren::http {

namespace {

/// RFC 9112 3.2: a request-target is visible ASCII only (no SP, CTL, non-ASCII).
/// llhttp 8.1 in loose mode lets octets >= 0x80 through, so check here.
bool valid_target(std::string_view target) noexcept {
  if (target.empty())
    return false;
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return false;
  }
  return true;
}

/// RFC 9112 9.3 persistence rule; `close` wins over `keep-alive`.
bool wants_keep_alive(const request& r) noexcept {
  if (has_token(r.headers, "Connection", "close"))
    return false;
  return r.version_minor >= 1 || has_token(r.headers, "Connection", "keep-alive");
}

} // namespace

request_parser::request_parser(parser_limits limits) noexcept : limits_(limits) {
  llhttp_init(&parser_, HTTP_REQUEST, &settings());
  // Persistence is decided by our own rules (keep_alive); llhttp must never close on its
  // own (e.g. on a `Connection: close` trailer or `Proxy-Connection`), or it would silently
  // swallow the next message after one we reported as keep-alive (found by fuzzing).
  llhttp_set_lenient_keep_alive(&parser_, 1);
}

const llhttp_settings_t& request_parser::settings() noexcept {
  static const llhttp_settings_t instance = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_url = on_url;
    s.on_url_complete = on_url_complete;
    s.on_header_field = on_header_field;
    s.on_header_field_complete = on_header_field_complete;
    s.on_header_value = on_header_value;
    s.on_header_value_complete = on_header_value_complete;
    s.on_headers_complete = on_headers_complete;
    s.on_chunk_header = on_chunk_header;
    s.on_chunk_extension_name = on_chunk_extension_name;
    s.on_chunk_extension_name_complete = on_chunk_extension_name_complete;
    s.on_chunk_extension_value = on_chunk_extension_value;
    s.on_chunk_extension_value_complete = on_chunk_extension_value_complete;
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
  }();
  return instance;
}

request_parser& request_parser::self(llhttp_t* p) noexcept {
  return *static_cast<request_parser*>(p->data);
}

parse_result request_parser::feed(const char* data, std::size_t size) {
  switch (phase_) {
    case phase::failed:
      return {parse_status::error, 0, error_status_, error_reason_};
    case phase::ready:
      return {parse_status::request_ready, 0};
    case phase::closed:
      return {parse_status::need_more, size};
    default:
      break;
  }
  if (size == 0)
    return {parse_status::need_more, 0};
  // Set per call rather than once so that the parser stays movable.
  parser_.data = this;
  std::size_t consumed = 0;
  for (;;) {
    const bool in_head = phase_ == phase::head;
    std::size_t slice = size - consumed;
    if (in_head) {
      // Never show llhttp more head bytes than allowed: the limit is exact
      // and independent of how the input is split.
      std::size_t room = limits_.max_header_bytes - head_bytes_;
      if (room == 0 && slice > 0) {
        if (!request_.target.empty() && !url_complete_)
          return fail(414, "request target too long", consumed);
        return fail(431, "request header section too large", consumed);
      }
      slice = std::min(slice, room);
    } else {
      // Show llhttp at most one body byte over the limit: then whatever the
      // split, the 413 comes before any error in the bytes after that one.
      std::size_t room = wire_limit() - body_wire_bytes_;
      if (slice > room)
        slice = room + 1;
    }
    const char* begin = data + consumed;
    event_ = event::none;
    callback_status_ = 0;
    auto err = llhttp_execute(&parser_, begin, slice);
    std::size_t n = slice;
    if (err != HPE_OK) {
      const char* pos = llhttp_get_error_pos(&parser_);
      n = pos ? std::min(slice, static_cast<std::size_t>(pos - begin)) : 0;
    }
    const char* framing_error = (in_head || chunked_) ? framing_.check(begin, n) : nullptr;
    consumed += n;
    (in_head ? head_bytes_ : body_wire_bytes_) += n;
    if (framing_error)
      return fail(400, framing_error, consumed);
    if (callback_status_ != 0)
      return fail(callback_status_, callback_reason_, consumed);
    if (!in_head && body_wire_bytes_ > wire_limit())
      return fail(413, "request body too large", consumed);
    switch (err) {
      case HPE_OK:
        if (consumed == size)
          return {parse_status::need_more, consumed};
        continue; // the head slice is used up; the next round reports 431
      case HPE_PAUSED:
        llhttp_resume(&parser_);
        switch (event_) {
          case event::message_done:
            phase_ = phase::ready;
            return {parse_status::request_ready, consumed};
          case event::head_done:
            phase_ = phase::body;
            if (continue_pending_) {
              continue_pending_ = false;
              return {parse_status::expect_continue, consumed};
            }
            continue;
          case event::chunk_header:
            // The size line is checked; skip the data, then demand CRLF.
            framing_.start_chunk(parser_.content_length);
            continue;
          case event::none:
            break;
        }
        return fail(400, "unexpected llhttp pause", consumed); // not reached
      case HPE_PAUSED_UPGRADE:
        // The caller took the upgrade request and kept feeding: it ignored
        // the upgrade (RFC 9110 7.8), so go on parsing HTTP.
        llhttp_resume_after_upgrade(&parser_);
        continue;
      default:
        return fail(map_llhttp_error(err), llhttp_get_error_reason(&parser_), consumed);
    }
  }
}

request request_parser::take_request() {
  assert(phase_ == phase::ready);
  request out = std::move(request_);
  request_ = request{};
  head_bytes_ = 0;
  body_wire_bytes_ = 0;
  header_count_ = 0;
  in_field_ = false;
  continue_pending_ = false;
  chunked_ = false;
  url_complete_ = false;
  framing_.reset();
  phase_ = out.keep_alive ? phase::head : phase::closed;
  return out;
}

void request_parser::recycle(request&& done) noexcept {
  if (phase_ != phase::head || head_bytes_ > 0 || !request_.headers.empty())
    return;
  // A large body's buffer is let go: a parser kept between requests stays small.
  constexpr std::size_t max_kept_body_capacity = 16 * 1024;
  request fresh;
  fresh.method.swap(done.method);
  fresh.target.swap(done.target);
  fresh.headers.swap(done.headers);
  if (done.body.capacity() <= max_kept_body_capacity)
    fresh.body.swap(done.body);
  fresh.method.clear();
  fresh.target.clear();
  fresh.headers.clear();
  fresh.body.clear();
  request_ = std::move(fresh);
}

void request_parser::restart(parser_limits limits) noexcept {
  auto kept = std::move(request_);
  *this = request_parser{limits};
  recycle(std::move(kept));
}

bool request_parser::has_partial_request() const noexcept {
  return (phase_ == phase::head && head_bytes_ > 0) || phase_ == phase::body;
}

int request_parser::reject(int status, const char* reason) noexcept {
  callback_status_ = status;
  callback_reason_ = reason;
  return -1;
}

parse_result request_parser::fail(int status, const char* reason, std::size_t consumed) noexcept {
  phase_ = phase::failed;
  error_status_ = status;
  error_reason_ = reason ? reason : "";
  return {parse_status::error, consumed, error_status_, error_reason_};
}

int request_parser::map_llhttp_error(llhttp_errno_t err) const noexcept {
  // llhttp reports "HTTP/1.2" or "HTTP/3.0" with the same code as a garbled
  // version; only its reason text tells them apart.
  if (err == HPE_INVALID_VERSION
      && std::strcmp(llhttp_get_error_reason(&parser_), "Invalid HTTP version") == 0)
    return 505;
  return 400; // malformed syntax, CL+TE, duplicate CL, bad chunk, h2 preface
}

int request_parser::on_url(llhttp_t* p, const char* at, std::size_t size) {
  self(p).request_.target.append(at, size);
  return 0;
}

int request_parser::on_url_complete(llhttp_t* p) {
  self(p).url_complete_ = true;
  return 0;
}

int request_parser::on_header_field(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.phase_ != phase::head) {
    // Trailer field: checked, bounded by max_body_bytes, dropped.
    s.framing_.add_token_span({at, size});
    return 0;
  }
  if (!s.in_field_) {
    s.request_.headers.emplace_back();
    s.in_field_ = true;
  }
  s.request_.headers.back().name.append(at, size);
  return 0;
}

int request_parser::on_header_field_complete(llhttp_t* p) {
  auto& s = self(p);
  if (s.phase_ != phase::head) // llhttp 8.1 takes "T : v" and ": v" here too
    return s.framing_.end_span() ? 0 : s.reject(400, "invalid trailer field name");
  if (!s.in_field_)
    s.request_.headers.emplace_back(); // empty name: refused just below
  s.in_field_ = false;
  if (++s.header_count_ > s.limits_.max_header_count)
    return s.reject(431, "too many header fields");
  // llhttp 8.1 (loose build) accepts "Name :" and an empty name; RFC 9112 5.1
  // requires a 400 for whitespace before the colon.
  if (!is_token(s.request_.headers.back().name))
    return s.reject(400, "invalid header field name");
  return 0;
}

int request_parser::on_header_value(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.phase_ != phase::head || s.request_.headers.empty())
    return 0;
  s.request_.headers.back().value.append(at, size);
  return 0;
}

int request_parser::on_header_value_complete(llhttp_t* p) {
  auto& s = self(p);
  if (s.phase_ != phase::head || s.request_.headers.empty())
    return 0;
  auto& value = s.request_.headers.back().value;
  auto trimmed = trim_ows(value); // llhttp keeps trailing whitespace
  value = std::string(trimmed);
  return 0;
}

int request_parser::on_headers_complete(llhttp_t* p) {
  return self(p).finish_head();
}

int request_parser::on_chunk_header(llhttp_t* p) {
  auto& s = self(p);
  // Refuse an oversized chunk before its data arrives (on_body keeps the
  // body within the limit, so the subtraction cannot wrap).
  if (p->content_length > s.limits_.max_body_bytes - s.request_.body.size())
    return s.reject(413, "request body too large");
  s.event_ = event::chunk_header;
  return HPE_PAUSED; // lets feed() check the size line before the data
}

int request_parser::on_chunk_extension_name(llhttp_t* p, const char* at, std::size_t size) {
  self(p).framing_.add_span({at, size});
  return 0;
}

int request_parser::on_chunk_extension_name_complete(llhttp_t* p) {
  auto& s = self(p);
  return s.framing_.end_span() ? 0 : s.reject(400, "empty chunk extension name");
}

int request_parser::on_chunk_extension_value(llhttp_t* p, const char* at, std::size_t size) {
  self(p).framing_.add_span({at, size});
  return 0;
}

int request_parser::on_chunk_extension_value_complete(llhttp_t* p) {
  auto& s = self(p);
  return s.framing_.end_span() ? 0 : s.reject(400, "empty chunk extension value");
}

int request_parser::on_body(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.request_.body.size() + size > s.limits_.max_body_bytes)
    return s.reject(413, "request body too large");
  s.request_.body.append(at, size);
  return 0;
}

int request_parser::on_message_complete(llhttp_t* p) {
  self(p).event_ = event::message_done;
  return HPE_PAUSED;
}

int request_parser::finish_head() {
  auto& r = request_;
  event_ = event::head_done;
  r.version_major = parser_.http_major;
  r.version_minor = parser_.http_minor;
  r.method = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
  if (r.version_major == 0) // "GET /" parses as HTTP/0.9 in llhttp
    return reject(400, "missing HTTP version");
  if (r.version_major != 1 || r.version_minor > 1) // llhttp lets HTTP/2.0 through
    return reject(505, "unsupported HTTP version");
  // CONNECT turns the connection into a tunnel: llhttp stops at its head, so any body
  // bytes would be read as the next request. warren is an origin server, not a proxy.
  if (parser_.method == HTTP_CONNECT)
    return reject(501, "CONNECT is not supported");
  if (!valid_target(r.target))
    return reject(400, "invalid request target");
  if (r.target == "*" && parser_.method != HTTP_OPTIONS)
    return reject(400, "asterisk-form target outside OPTIONS"); // RFC 9112 3.2.4
  if (r.target.front() != '/' && r.target != "*") {
    // Absolute-form (RFC 9112 3.2.2): an HTTP server takes http and https URIs only.
    auto scheme = std::string_view{r.target}.substr(0, r.target.find("://"));
    bool http_uri = scheme.size() < r.target.size()
                    && (iequals(scheme, "http") || iequals(scheme, "https"));
    if (!http_uri)
      return reject(400, "request target is not an http or https URI");
  }
  const std::string* host = nullptr;
  std::size_t hosts = 0;
  for (const auto& field : r.headers)
    if (iequals(field.name, "Host")) {
      host = &field.value;
      ++hosts;
    }
  if (hosts > 1 || (hosts == 0 && r.version_minor == 1))
    return reject(400, "missing or repeated Host"); // RFC 9112 3.2
  if (host && !is_host_value(*host))
    return reject(400, "invalid Host"); // RFC 9112 3.2
  if (find_header(r.headers, "Transfer-Encoding")) {
    // llhttp already refused "chunked" twice or not last; it accepts
    // "gzip, chunked" and fails "gzip" later with a 400.
    if (r.version_minor == 0)
      return reject(400, "Transfer-Encoding in an HTTP/1.0 request"); // RFC 9112 6.1
    bool any = false;
    bool unknown = false;
    for (const auto& field : r.headers)
      if (iequals(field.name, "Transfer-Encoding"))
        for_each_element(field.value, [&](std::string_view coding) {
          any = true;
          unknown = unknown || !iequals(coding, "chunked");
        });
    if (unknown)
      return reject(501, "unsupported transfer coding");
    if (!any)
      return reject(400, "empty Transfer-Encoding");
  }
  if ((parser_.flags & F_CONTENT_LENGTH) && parser_.content_length > limits_.max_body_bytes)
    return reject(413, "request body too large");
  r.keep_alive = wants_keep_alive(r) && llhttp_should_keep_alive(&parser_);
  auto expect = find_header(r.headers, "Expect");
  r.expects_continue = r.version_minor >= 1 && expect && iequals(*expect, "100-continue");
  r.upgrade = parser_.upgrade != 0;
  chunked_ = (parser_.flags & F_CHUNKED) != 0;
  bool has_body = chunked_ || parser_.content_length > 0;
  continue_pending_ = r.expects_continue && has_body;
  return HPE_PAUSED; // lets feed() account the head bytes and report expect_continue
}

} // namespace warren::http
