#include "actors/static_files.hpp"

#include "actors/open_file_cache.hpp"

#include "protocols/http/date_cache.hpp"
#include "protocols/http/file_request.hpp"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <system_error>

namespace warren {

namespace {

http::response status_only(int status) {
  return http::make_error_response(status);
}

} // namespace

http_router::handler static_files(const std::string& root, std::string mount,
                                  std::chrono::milliseconds cache_for) {
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open static root " + root);
  auto root_owner = std::make_shared<file_descriptor>(root_fd);
  auto cache = cache_for.count() > 0 ? std::make_shared<open_file_cache>(cache_for) : nullptr;
  return [root_owner, cache, mount = std::move(mount)](http_connection* self,
                                                       const http::request& req)
           -> http_reply {
    auto path = req.path();
    auto relative = http::safe_relative_path(
      http::with_directory_index(path.substr(std::min(mount.size(), path.size()))));
    if (!relative)
      return status_only(403);
    auto now = open_file_cache::clock_type::now();
    std::optional<opened_file> opened;
    if (cache)
      opened = cache->find(*relative, now);
    if (opened) {
      // The cached descriptor is the file as it is now if it was changed in place (not
      // replaced): its size and date must be too, or the announced length would be wrong.
      struct stat now_stat{};
      if (::fstat(opened->file->fd, &now_stat) == 0) {
        opened->size = static_cast<std::uint64_t>(now_stat.st_size);
        opened->mtime = now_stat.st_mtime;
      }
    }
    if (!opened) {
      opened.emplace();
      int refused = open_beneath(root_owner->fd, *relative, *opened);
      if (refused == 503 && cache && cache->size() > 0) {
        cache->clear();  // give the cached descriptors back and try once more
        refused = open_beneath(root_owner->fd, *relative, *opened);
      }
      if (refused != 0)
        return status_only(refused);
      if (cache && self != nullptr)
        cache->put(self->system(), *relative, *opened, now);
    }
    // A modification time in the future is sent (and compared) as now (RFC 9110 8.8.2.1).
    auto seconds_now = std::time(nullptr);
    auto modified = std::min<std::time_t>(opened->mtime, seconds_now);
    auto last_modified = http::date_cache::format(modified);
    auto preconditions = http::evaluate_preconditions(req, modified, seconds_now);
    if (preconditions.status == http::precondition_outcome::not_modified) {
      http::response not_modified{304};
      not_modified.set_header("Last-Modified", last_modified);
      return not_modified;
    }
    if (preconditions.status == http::precondition_outcome::precondition_failed)
      return status_only(412);
    auto size = opened->size;
    http::response response{200};
    response.set_header("Content-Type", std::string{http::content_type_for(*relative)});
    response.set_header("Last-Modified", last_modified);
    response.set_header("Accept-Ranges", "bytes");
    http::byte_range range;
    if (auto header = req.find("Range"); header && preconditions.honour_range)
      range = http::parse_range(*header, size);
    if (range.kind == http::byte_range::unsatisfiable) {
      auto refused = status_only(416);
      refused.set_header("Content-Range", "bytes */" + std::to_string(size));
      return refused;
    }
    std::uint64_t offset = 0;
    std::uint64_t length = size;
    if (range.kind == http::byte_range::partial) {
      response.status = 206;
      offset = range.first;
      length = range.length();
      response.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-"
                                             + std::to_string(range.last) + "/"
                                             + std::to_string(size));
    }
    response.file = http::file_body{opened->file, opened->file->fd, offset, length};
    return response;
  };
}

} // namespace warren
