#include "protocols/http/response_parser.hpp"

#include "protocols/http/chunk_framing.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace warren::http {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

/// RFC 9112 4: `HTTP/d.d SP 3DIGIT SP reason`. The SP before an empty reason
/// is optional here, as many servers leave it out. Sets `reason` when valid.
const char* parse_status_line(std::string_view line, std::string& reason) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.'
      || !is_digit(line[7]) || line[8] != ' ')
    return "malformed status line";
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])
      || (line.size() > 12 && line[12] != ' '))
    return "status code is not three digits";
  if (line[9] == '0')
    return "status code below 100";
  auto phrase = line.size() > 13 ? line.substr(13) : std::string_view{};
  if (!is_field_value(phrase))
    return "control character in reason phrase";
  reason.assign(phrase);
  return nullptr;
}

/// RFC 9112 9.3 persistence rule; `close` wins over `keep-alive`.
bool wants_keep_alive(const client_response& r) noexcept {
  if (has_token(r.headers, "Connection", "close"))
    return false;
  return r.version_minor >= 1 || has_token(r.headers, "Connection", "keep-alive");
}

/// Transfer-Encoding of a response whose body is read. llhttp 8.1 takes
/// "chunked, chunked" in responses, and reads the body of "gzip" (or
/// "chunked, gzip") until EOF, still encoded: warren decodes no codings and
/// never asks for them (no TE header), so only a single "chunked" passes.
const char* transfer_coding_error(const client_response& r) noexcept {
  if (r.version_minor == 0)
    return "Transfer-Encoding in an HTTP/1.0 response"; // RFC 9112 6.1: faulty framing
  std::size_t chunked = 0;
  std::size_t other = 0;
  for (const auto& field : r.headers)
    if (iequals(field.name, "Transfer-Encoding"))
      for_each_element(field.value, [&](std::string_view coding) {
        ++(iequals(coding, "chunked") ? chunked : other);
      });
  if (other > 0)
    return "unsupported transfer coding";
  if (chunked == 0)
    return "empty Transfer-Encoding";
  if (chunked > 1)
    return "chunked applied more than once";
  return nullptr;
}

} // namespace

response_parser::response_parser(response_limits limits) noexcept : limits_(limits) {
  llhttp_init(&parser_, HTTP_RESPONSE, &settings());
  // Persistence is decided by our own rules (keep_alive); llhttp must never close on its
  // own (e.g. on a `Connection: close` trailer or `Proxy-Connection`), or it would silently
  // swallow the next message after one we reported as keep-alive (found by fuzzing).
  llhttp_set_lenient_keep_alive(&parser_, 1);
}

const llhttp_settings_t& response_parser::settings() noexcept {
  static const llhttp_settings_t instance = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_header_field = on_header_field;
    s.on_header_field_complete = on_header_field_complete;
    s.on_header_value = on_header_value;
    s.on_header_value_complete = on_header_value_complete;
    s.on_headers_complete = on_headers_complete;
    s.on_chunk_header = on_chunk_header;
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
  }();
  return instance;
}

response_parser& response_parser::self(llhttp_t* p) noexcept {
  return *static_cast<response_parser*>(p->data);
}

void response_parser::expect(std::string_view method) noexcept {
  head_request_ = method == "HEAD";
  connect_request_ = method == "CONNECT";
}

response_parse_result response_parser::feed(const char* data, std::size_t size) {
  using status = response_parse_status;
  switch (phase_) {
    case phase::failed:
      return {status::error, 0, error_reason_};
    case phase::ready:
      return {status::response_ready, 0};
    case phase::closed:
      return {status::need_more, size};
    default:
      break;
  }
  if (size == 0)
    return {status::need_more, 0};
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
      if (room == 0 && slice > 0)
        return fail("response header section too large", consumed);
      slice = std::min(slice, room);
    } else {
      // Show llhttp at most one body byte over the limit: then whatever the
      // split, the limit error comes before any error in the bytes after it.
      std::size_t room = wire_limit() - body_wire_bytes_;
      if (slice > room)
        slice = room + 1;
    }
    const char* begin = data + consumed;
    event_ = event::none;
    callback_reason_ = nullptr;
    auto err = llhttp_execute(&parser_, begin, slice);
    std::size_t n = slice;
    if (err != HPE_OK) {
      const char* pos = llhttp_get_error_pos(&parser_);
      n = pos ? std::min(slice, static_cast<std::size_t>(pos - begin)) : 0;
    }
    const char* framing_error = (in_head || body_mode_ == body_mode::chunked)
                                  ? check_framing(begin, n, in_head)
                                  : nullptr;
    consumed += n;
    (in_head ? head_bytes_ : body_wire_bytes_) += n;
    if (framing_error)
      return fail(framing_error, consumed);
    if (callback_reason_)
      return fail(callback_reason_, consumed);
    if (!in_head && body_wire_bytes_ > wire_limit())
      return fail("response body too large", consumed);
    if (err == HPE_OK) {
      if (consumed == size)
        return {status::need_more, consumed};
      continue; // the head slice is used up; the next round reports the limit
    }
    if (err != HPE_PAUSED)
      return fail(llhttp_get_error_reason(&parser_), consumed);
    llhttp_resume(&parser_);
    switch (event_) {
      case event::head_done:
        phase_ = phase::body;
        break;
      case event::chunk_header:
        data_left_ = chunk_size_; // check_framing skips the data, then wants CRLF
        break;
      case event::message_done:
        if (!interim_) {
          phase_ = phase::ready;
          return {status::response_ready, consumed};
        }
        reset_message(); // skip the interim response; its head bytes still count
        started_ = true;
        phase_ = phase::head;
        break;
      case event::none:
        return fail("unexpected llhttp pause", consumed);
    }
  }
}

response_parse_result response_parser::finish_eof() {
  using status = response_parse_status;
  switch (phase_) {
    case phase::failed:
      return {status::error, 0, error_reason_};
    case phase::ready:
      return {status::response_ready, 0};
    case phase::closed:
      return {status::need_more, 0};
    case phase::head:
      if (started_)
        break;
      phase_ = phase::closed;
      return {status::need_more, 0};
    case phase::body:
      if (body_mode_ != body_mode::until_close)
        break;
      phase_ = phase::ready; // keep_alive is false: take_response closes
      return {status::response_ready, 0};
  }
  return fail("response truncated by end of connection", 0);
}

client_response response_parser::take_response() {
  assert(phase_ == phase::ready);
  client_response out = std::move(response_);
  reset_message();
  head_bytes_ = 0;
  body_wire_bytes_ = 0;
  started_ = false;
  head_request_ = false;
  connect_request_ = false;
  phase_ = out.keep_alive ? phase::head : phase::closed;
  return out;
}

bool response_parser::has_partial_response() const noexcept {
  return (phase_ == phase::head && started_) || phase_ == phase::body;
}

void response_parser::reset_message() noexcept {
  response_ = client_response{};
  body_mode_ = body_mode::none;
  interim_ = false;
  header_count_ = 0;
  in_field_ = false;
  status_line_.clear();
  status_line_done_ = false;
  field_seen_ = false;
  last_byte_ = '\0';
  chunk_size_ = 0;
  data_left_ = 0;
  crlf_due_ = 0;
}

const char* response_parser::check_framing(const char* bytes, std::size_t size, bool in_head) {
  // Status line bytes go through the line rules and are captured one by one
  // (so errors come in stream order whatever the split); the rest in bulk.
  std::size_t i = 0;
  for (; in_head && !status_line_done_ && i < size; ++i) {
    char c = bytes[i];
    if (const char* error = check_line_byte(last_byte_, c))
      return error;
    if (c == '\r' && !status_line_.empty()) {
      status_line_done_ = true;
      if (const char* error = parse_status_line(status_line_, response_.reason))
        return error;
    } else if (c != '\r' && c != '\n') { // CRLFs before a status line are skipped
      started_ = true;
      status_line_.push_back(c);
    }
  }
  if (!in_head)
    return scan_framing(bytes + i, size - i, last_byte_, data_left_, crlf_due_);
  // Field lines. RFC 9112 5.2: a user agent replaces obs-fold in a response with SP. llhttp
  // hands a continuation line's text to on_header_value right after the line before it
  // (without the CRLF, with its leading SP or HTAB), which is that unfolding: it may pass.
  // Whitespace before the first field line stays an error.
  for (; i < size; ++i) {
    char c = bytes[i];
    if ((c == ' ' || c == '\t') && last_byte_ == '\n' && field_seen_) {
      last_byte_ = c;
      continue;
    }
    if (const char* error = check_line_byte(last_byte_, c))
      return error;
    if (c != '\r' && c != '\n')
      field_seen_ = true;
  }
  return nullptr;
}

int response_parser::reject(const char* reason) noexcept {
  callback_reason_ = reason;
  return -1;
}

response_parse_result response_parser::fail(const char* reason, std::size_t consumed) noexcept {
  phase_ = phase::failed;
  error_reason_ = reason ? reason : "";
  return {response_parse_status::error, consumed, error_reason_};
}

int response_parser::on_header_field(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.phase_ != phase::head)
    return 0; // trailer field: framing checked, bounded by max_body_bytes, dropped
  if (!s.in_field_) {
    s.response_.headers.emplace_back();
    s.in_field_ = true;
  }
  s.response_.headers.back().name.append(at, size);
  return 0;
}

int response_parser::on_header_field_complete(llhttp_t* p) {
  auto& s = self(p);
  if (s.phase_ != phase::head)
    return 0;
  if (!s.in_field_)
    s.response_.headers.emplace_back(); // empty name: refused just below
  s.in_field_ = false;
  if (++s.header_count_ > s.limits_.max_header_count)
    return s.reject("too many header fields");
  // llhttp 8.1 (loose build) accepts "Name :" and an empty name.
  if (!is_token(s.response_.headers.back().name))
    return s.reject("invalid header field name");
  return 0;
}

int response_parser::on_header_value(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.phase_ != phase::head || s.response_.headers.empty())
    return 0;
  s.response_.headers.back().value.append(at, size);
  return 0;
}

int response_parser::on_header_value_complete(llhttp_t* p) {
  auto& s = self(p);
  if (s.phase_ != phase::head || s.response_.headers.empty())
    return 0;
  auto& value = s.response_.headers.back().value;
  // llhttp keeps trailing whitespace; it refuses control octets other than
  // HTAB in values itself (unlike in the reason phrase).
  value = std::string(trim_ows(value));
  return 0;
}

int response_parser::on_headers_complete(llhttp_t* p) {
  return self(p).finish_head();
}

int response_parser::on_chunk_header(llhttp_t* p) {
  auto& s = self(p);
  s.chunk_size_ = p->content_length;
  // Refuse an oversized chunk before its data arrives (on_body keeps the
  // body within the limit, so the subtraction cannot wrap).
  if (s.chunk_size_ > s.limits_.max_body_bytes - s.response_.body.size())
    return s.reject("response body too large");
  s.event_ = event::chunk_header;
  return HPE_PAUSED; // lets feed() check the size line before the data
}

int response_parser::on_body(llhttp_t* p, const char* at, std::size_t size) {
  auto& s = self(p);
  if (s.response_.body.size() + size > s.limits_.max_body_bytes)
    return s.reject("response body too large");
  s.response_.body.append(at, size);
  return 0;
}

int response_parser::on_message_complete(llhttp_t* p) {
  self(p).event_ = event::message_done;
  return HPE_PAUSED;
}

int response_parser::finish_head() {
  auto& r = response_;
  r.status = parser_.status_code;
  r.version_major = parser_.http_major;
  r.version_minor = parser_.http_minor;
  event_ = event::head_done;
  if (r.version_major != 1 || r.version_minor > 1) // llhttp lets HTTP/2.0 through
    return reject("unsupported HTTP version");
  interim_ = r.status / 100 == 1 && r.status != 101;
  r.upgrade = r.status == 101 || (connect_request_ && r.status / 100 == 2);
  if (interim_ || r.upgrade || head_request_ || r.status == 204 || r.status == 304) {
    // RFC 9112 6.3 rules 1 and 2. llhttp itself only knows HEAD through
    // F_SKIPBODY, and reads a Content-Length or chunked body after a 304/204.
    parser_.flags |= F_SKIPBODY;
    body_mode_ = body_mode::none;
  } else if (find_header(r.headers, "Transfer-Encoding")) {
    // Content-Length beside it was already refused by llhttp.
    if (const char* error = transfer_coding_error(r))
      return reject(error);
    if (!(parser_.flags & F_CHUNKED))
      return reject("unsupported transfer coding");
    body_mode_ = body_mode::chunked;
  } else if (parser_.flags & F_CONTENT_LENGTH) {
    if (parser_.content_length > limits_.max_body_bytes)
      return reject("response body too large");
    body_mode_ = body_mode::length;
  } else {
    body_mode_ = body_mode::until_close;
  }
  r.keep_alive = !r.upgrade && body_mode_ != body_mode::until_close && wants_keep_alive(r);
  return HPE_PAUSED; // lets feed() account the head bytes first
}

} // namespace warren::http
