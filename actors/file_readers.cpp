#include "actors/file_readers.hpp"

#include "actors/atoms.hpp"
#include "actors/open_file_cache.hpp"
#include "protocols/http/date_cache.hpp"
#include "protocols/http/file_request.hpp"

#include <caf/all.hpp>

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace warren {

namespace {

/// What opening a file gave: the file and its metadata, or the HTTP status to answer.
struct open_result {
  int status = 200;
  std::shared_ptr<const file_descriptor> file;
  std::uint64_t size = 0;
  std::time_t modified = 0;
};

} // namespace

} // namespace warren

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(warren::open_result)

namespace warren {

namespace {

/// One reader: runs on its own thread, so blocking open/pread calls are fine here.
caf::behavior reader(caf::event_based_actor*, std::shared_ptr<const file_descriptor> root) {
  return {
    [root](open_atom, const std::string& relative) {
      open_result result;
      opened_file opened;
      if (int refused = open_beneath(root->fd, relative, opened); refused != 0) {
        result.status = refused;
        return result;
      }
      result.file = std::move(opened.file);
      result.size = opened.size;
      result.modified = opened.mtime;
      return result;
    },
    [](pull_atom, const std::shared_ptr<const void>& token, std::uint64_t offset,
       std::uint64_t max_bytes) {
      auto file = std::static_pointer_cast<const file_descriptor>(token);
      std::string piece(static_cast<std::size_t>(max_bytes), '\0');
      ssize_t n;
      do
        n = ::pread(file->fd, piece.data(), piece.size(), static_cast<off_t>(offset));
      while (n < 0 && errno == EINTR);
      piece.resize(n > 0 ? static_cast<std::size_t>(n) : 0);  // empty: error or file shrank
      return piece;
    },
  };
}

} // namespace

file_readers file_readers::start(caf::actor_system& sys, const std::string& root,
                                 std::size_t count) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open static root " + root);
  auto root_file = std::make_shared<const file_descriptor>(fd);
  file_readers pool;
  pool.next_ = std::make_shared<std::atomic<std::size_t>>(0);
  for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i)
    pool.readers_.push_back(sys.spawn<caf::detached>(reader, root_file));
  return pool;
}

http_router::handler file_readers::handler(std::string mount) const {
  auto readers = readers_;
  auto next = next_;
  return [readers, next, mount = std::move(mount)](http_connection* self,
                                                   const http::request& req)
           -> http_reply {
    auto path = req.path();
    auto relative = http::safe_relative_path(
      http::with_directory_index(path.substr(std::min(mount.size(), path.size()))));
    if (!relative)
      return http::make_error_response(403);
    auto reader = readers[next->fetch_add(1, std::memory_order_relaxed) % readers.size()];
    auto promise = self->make_response_promise<http::response>();
    auto type = std::string{http::content_type_for(*relative)};
    // The request is gone by the time the file is open: keep its precondition fields.
    http::request conditions;
    for (const auto& field : req.headers)
      if (field.name.size() > 3 && http::iequals(field.name.substr(0, 3), "If-"))
        conditions.headers.push_back(field);
    self->request(reader, caf::infinite, open_atom::value, *relative)
      .then(
        [promise, reader, type, conditions](open_result& opened) mutable {
          if (opened.status != 200) {
            promise.deliver(http::make_error_response(opened.status));
            return;
          }
          // A modification time in the future is sent (and compared) as now (RFC 9110 8.8.2.1).
          auto seconds_now = std::time(nullptr);
          auto modified = std::min<std::time_t>(opened.modified, seconds_now);
          auto last_modified = http::date_cache::format(modified);
          // Range is not served here (a streamed body starts at 0); the other preconditions
          // are, in RFC 9110 13.2.2 order.
          auto preconditions = http::evaluate_preconditions(conditions, modified, seconds_now);
          if (preconditions.status == http::precondition_outcome::not_modified) {
            http::response not_modified{304};
            not_modified.set_header("Last-Modified", last_modified);
            promise.deliver(std::move(not_modified));
            return;
          }
          if (preconditions.status == http::precondition_outcome::precondition_failed) {
            promise.deliver(http::make_error_response(412));
            return;
          }
          http::response response{200};
          response.set_header("Content-Type", type);
          response.set_header("Last-Modified", last_modified);
          response.stream = make_streamed_body(
            http_body_source{reader, std::move(opened.file), 0}, opened.size);
          promise.deliver(std::move(response));
        },
        [promise](caf::error&) mutable { promise.deliver(http::make_error_response(500)); });
    return promise;
  };
}

void file_readers::stop() {
  for (auto& r : readers_)
    caf::anon_send_exit(r, caf::exit_reason::user_shutdown);
  readers_.clear();
}

} // namespace warren
