#pragma once

#include "actors/http_router.hpp"

#include <string>

namespace warren {

/// An HTTP handler serving the files under directory `root` for request paths below
/// `mount` (e.g. "/static/"), GET and HEAD, with sendfile (zero copy).
///
/// - Content-Type by extension, Last-Modified, Accept-Ranges; If-Modified-Since gives 304;
///   one byte range gives 206 (unsatisfiable: 416); several ranges get the whole file (200).
/// - Missing files and anything that is not a regular file: 404. Paths that could leave the
///   root (`..`, `.` or empty segments, percent-encoded dots or slashes, backslashes, NUL):
///   403. Files are opened relative to the root with RESOLVE_BENEATH, so a symlink pointing
///   outside the root is refused too (403): never a byte from outside the root.
/// - Out of file descriptors: 503.
/// Opens `root` once; throws std::system_error if it is not a readable directory.
http_router::handler static_files(const std::string& root, std::string mount);

} // namespace warren
