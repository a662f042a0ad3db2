#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

/// Pure helpers for serving files over HTTP: byte ranges (RFC 9110 14), HTTP dates
/// (RFC 9110 5.6.7), content types, and mapping a URL path to a file under a root without
/// ever leaving it.
namespace warren::http {

/// What a `Range` header asks of a representation of `size` bytes.
struct byte_range {
  enum kind_t {
    /// No usable Range header (absent, not `bytes=`, several ranges, or malformed): send
    /// the whole representation with 200, as RFC 9110 allows.
    whole,
    /// One satisfiable range `first`..`last` (inclusive): send it with 206.
    partial,
    /// A well-formed range that lies outside the representation: 416.
    unsatisfiable,
  };
  kind_t kind = whole;
  std::uint64_t first = 0;
  std::uint64_t last = 0;

  std::uint64_t length() const noexcept { return last - first + 1; }
};

/// Interprets `Range` header value `header` for a representation of `size` bytes. Supports
/// one range: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
byte_range parse_range(std::string_view header, std::uint64_t size);

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); also the obsolete RFC 850 and
/// asctime forms. nullopt when it is none of them.
std::optional<std::time_t> parse_http_date(std::string_view text);

struct request;

/// What a GET or HEAD of a file must answer, given the request's precondition fields.
struct precondition_outcome {
  enum status_t {
    proceed,              ///< send the file (200, or 206 when `honour_range`)
    not_modified,         ///< 304
    precondition_failed,  ///< 412
  };
  status_t status = proceed;
  /// False when `If-Range` does not match the file: the Range field is ignored (200).
  bool honour_range = true;
};

/// Evaluates If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range
/// in RFC 9110 13.2.2 order for a file last modified at `mtime`, at time `now`. Files have
/// no entity tags here, so only `*` matches one; a date after `now`, or one that does not
/// parse, makes its field ignored; If-Range honours the range only for the exact
/// Last-Modified date.
precondition_outcome evaluate_preconditions(const request& req, std::time_t mtime,
                                            std::time_t now);

/// A Content-Type for a file name by its extension; `application/octet-stream` if unknown.
std::string_view content_type_for(std::string_view file_name);

/// Maps the part of a URL path below a mount point (e.g. "docs/a%20b.txt") to a path
/// relative to the served root. Percent-decodes, then refuses (nullopt) anything that could
/// leave the root or confuse the file system: NUL, backslash, an empty, "." or ".." segment,
/// and a leading slash. The caller still opens without following symlinks out of the root.
std::optional<std::string> safe_relative_path(std::string_view url_path);

/// The file a URL path below a mount point names: the path itself, or for a directory
/// (empty, or ending in '/') its "index.html", as web servers serve it.
std::string with_directory_index(std::string_view url_path);

} // namespace warren::http
