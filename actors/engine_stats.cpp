#include "actors/engine_stats.hpp"

namespace warren {

const char* to_string(close_reason reason) {
  switch (reason) {
    case close_reason::peer_closed: return "peer_closed";
    case close_reason::io_error: return "io_error";
    case close_reason::idle_timeout: return "idle_timeout";
    case close_reason::header_timeout: return "header_timeout";
    case close_reason::write_timeout: return "write_timeout";
    case close_reason::protocol_error: return "protocol_error";
    case close_reason::handler_error: return "handler_error";
    case close_reason::shutdown: return "shutdown";
    case close_reason::closed_by_user: return "closed_by_user";
    case close_reason::output_overflow: return "output_overflow";
    case close_reason::count_: break;
  }
  return "unknown";
}

std::string engine_stats::to_json() const {
  auto field = [](std::string& out, const char* name, const counter& value) {
    out += '"';
    out += name;
    out += "\":";
    out += std::to_string(value.load(std::memory_order_relaxed));
  };
  std::string out = "{\"connections\":{";
  field(out, "open", open);
  out += ',';
  field(out, "accepted", accepted);
  out += ',';
  field(out, "refused", refused);
  out += ',';
  field(out, "accept_paused", accept_paused);
  out += ",\"closed\":{";
  for (std::size_t i = 0; i < closed.size(); ++i) {
    if (i > 0)
      out += ',';
    field(out, to_string(static_cast<close_reason>(i)), closed[i]);
  }
  out += "}},";
  field(out, "bytes_in", bytes_in);
  out += ',';
  field(out, "bytes_out", bytes_out);
  out += ',';
  field(out, "frames_in", frames_in);
  out += ',';
  field(out, "frames_out", frames_out);
  out += ",\"http\":{";
  field(out, "requests", http_requests);
  out += ",\"responses\":{";
  static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i < http_responses.size(); ++i) {
    if (i > 0)
      out += ',';
    field(out, classes[i], http_responses[i]);
  }
  out += "}}}";
  return out;
}

} // namespace warren
