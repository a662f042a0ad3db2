#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace warren::http {

/// Line-ending and chunk-framing discipline that llhttp 8.1 does not enforce
/// when built without LLHTTP_STRICT_MODE (as Debian ships it), shared by
/// `request_parser` and `response_parser`. That build takes a bare LF as a
/// line end, a CR followed by any byte, obs-fold lines (in the head and in
/// trailers), and skips whatever two bytes follow a chunk's data. Each is a
/// place where a stricter or differently loose peer frames the message
/// differently: a request-smuggling vector (RFC 9112 2.2, 5.2, 7.1, 11.2).
///
/// Use: feed `scan_framing` every byte llhttp consumed for the head and, when
/// the body is chunked, for the body (chunk-size lines, data, trailers), in
/// order, each exactly once, whatever the split. When llhttp's
/// `on_chunk_header` reports a chunk, pause llhttp there (return HPE_PAUSED)
/// and announce the chunk's size (`data_left = size`, or
/// `chunk_framing::start_chunk`) before feeding its data: the data is skipped,
/// then exactly CRLF is required. Content-Length bodies are data, not fed.
/// Returns the reason for refusing the message (a 400), or nullptr.
const char* scan_framing(const char* bytes, std::size_t size, char& last_byte,
                          std::uint64_t& data_left, int& crlf_due) noexcept;

/// The rule for one byte outside chunk data: CR only as part of CRLF, no bare
/// LF, no SP or HTAB starting a line (obs-fold, or whitespace before the first
/// field). `last_byte` is the byte before `c`; it becomes `c` when `c` passes.
/// Returns the reason for refusing the message, or nullptr.
inline const char* check_line_byte(char& last_byte, char c) noexcept {
  if (last_byte == '\r' && c != '\n')
    return "CR not followed by LF";
  if (c == '\n' && last_byte != '\r')
    return "bare LF line ending";
  if ((c == ' ' || c == '\t') && last_byte == '\n')
    return "obsolete line folding";
  last_byte = c;
  return nullptr;
}

/// Framing state of one message (see `scan_framing`), plus the checks on
/// chunk extensions and trailer field names that llhttp 8.1 leaves out: it
/// takes an empty extension name ("1;=v") or value ("1;n="), and a trailer
/// field name with whitespace before the colon ("T : v") or none at all.
/// `request_parser` holds one. `response_parser` keeps the first three fields
/// as members of its own and calls `scan_framing`; it does not make the
/// extension and trailer-name checks yet.
struct chunk_framing {
  /// The framing byte before the next one to check ('\0' at a message start).
  char last_byte = '\0';
  /// Chunk data bytes still to skip, then the CRLF that must follow them
  /// (2: CR due, 1: LF due).
  std::uint64_t data_left = 0;
  int crlf_due = 0;
  /// The extension name or value, or trailer field name, being received
  /// (llhttp may report one in several spans): its length and whether every
  /// span was a token.
  std::uint64_t span_size = 0;
  bool span_token = true;

  /// Back to the start of a message.
  void reset() noexcept { *this = chunk_framing{}; }

  /// llhttp's on_chunk_header: the next `size` bytes fed are data.
  void start_chunk(std::uint64_t size) noexcept { data_left = size; }

  /// Checks bytes llhttp consumed; returns the reason for a 400 or nullptr.
  const char* check(const char* bytes, std::size_t size) noexcept {
    return scan_framing(bytes, size, last_byte, data_left, crlf_due);
  }

  /// A span of an extension name or value (llhttp checked its octets).
  void add_span(std::string_view part) noexcept { span_size += part.size(); }
  /// A span of a trailer field name (llhttp lets a trailing SP through).
  void add_token_span(std::string_view part) noexcept;
  /// End of the name or value: true if it was a non-empty token. Clears it.
  bool end_span() noexcept;
};

} // namespace warren::http
