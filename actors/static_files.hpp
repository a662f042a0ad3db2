#pragma once

#include "actors/http_router.hpp"

#include <chrono>
#include <string>

namespace warren {

/// How long static_files reuses an opened file unless told otherwise.
constexpr std::chrono::milliseconds default_file_cache{1000};

/// An HTTP handler serving the files under directory `root` for request paths below
/// `mount` (e.g. "/static/"), GET and HEAD, with sendfile (zero copy).
///
/// - Content-Type by extension, Last-Modified, Accept-Ranges; preconditions in RFC 9110
///   13.2.2 order (If-Modified-Since: 304, If-Unmodified-Since / If-Match: 412, If-Range);
///   one byte range gives 206 (unsatisfiable: 416); several ranges get the whole file (200).
/// - Missing files and anything that is not a regular file: 404. Paths that could leave the
///   root (`..`, `.` or empty segments, percent-encoded dots or slashes, backslashes, NUL):
///   403. Files are opened relative to the root with RESOLVE_BENEATH, so a symlink pointing
///   outside the root is refused too (403): never a byte from outside the root.
/// - Out of file descriptors: 503 (after closing the cached ones and trying once more).
/// - Each scheduler thread keeps up to 32 recently opened files (descriptor, size, mtime)
///   for `cache_for`, saving the open, fstat and close of every request for a busy file; a
///   file replaced or changed on disk is seen once its entry expires. 0 opens every time.
/// Opens `root` once; throws std::system_error if it is not a readable directory.
http_router::handler static_files(const std::string& root, std::string mount,
                                  std::chrono::milliseconds cache_for = default_file_cache);

} // namespace warren
