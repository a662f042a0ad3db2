#pragma once
// The plain asio HTTP baseline's connection (asio_http_server.cpp): one session per accepted
// socket reads requests, answers every complete one of a read into one buffer, writes it
// with one async_write and sends files with sendfile. Header-only, used by that one program.

#include "asio_http_head.hpp"
#include "byte_buffer.hpp"

#include <asio.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <string>
#include <string_view>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace asio_http_baseline {

using asio::ip::tcp;

constexpr std::size_t read_chunk_bytes = 16 * 1024;
constexpr std::size_t max_head_bytes = 16 * 1024;

using asio_baseline::byte_buffer;

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, int root_fd) : socket_(std::move(socket)), root_fd_(root_fd) {}
  ~session() {
    if (file_fd_ >= 0)
      ::close(file_fd_);
  }

  void start() { do_read(); }

private:
  void do_read() {
    in_.reserve(in_.size() + read_chunk_bytes);
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(in_.end(), in_.free_space()),
                            [this, self](std::error_code ec, std::size_t n) {
                              if (ec)
                                return; // EOF or error: the last reference closes the socket
                              in_.commit(n);
                              process();
                            });
  }

  /// Answers the complete requests at the front of in_ (stopping after one
  /// with a file body, which is sent before the next is looked at), then
  /// writes, or reads more.
  void process() {
    std::size_t off = 0;
    while (!closing_ && file_fd_ < 0) {
      if (body_left_ > 0) { // drop a request body
        std::size_t n = std::min<std::uint64_t>(body_left_, in_.size() - off);
        off += n;
        body_left_ -= n;
        if (body_left_ > 0)
          break;
      }
      std::string_view rest(in_.data() + off, in_.size() - off);
      auto end = rest.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (rest.size() > max_head_bytes)
          refuse(431);
        break;
      }
      if (end + 4 > max_head_bytes) {
        refuse(431);
        break;
      }
      handle(rest.substr(0, end + 2)); // request line and fields, each ending in CRLF
      off += end + 4;
    }
    in_.consume(off);
    if (!out_.empty() || file_fd_ >= 0)
      write();
    else if (closing_)
      finish();
    else
      do_read();
  }

  void refuse(int status) {
    append_head_start(out_, status);
    append_head_end(out_, 0, false, false);
    closing_ = true;
  }

  /// One request head: "METHOD SP TARGET SP HTTP/1.x CRLF (field CRLF)*".
  void handle(std::string_view head) {
    auto eol = head.find("\r\n");
    auto line = head.substr(0, eol);
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) {
      refuse(400);
      return;
    }
    auto method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    auto version = line.substr(sp2 + 1);
    bool http10;
    if (version == "HTTP/1.1")
      http10 = false;
    else if (version == "HTTP/1.0")
      http10 = true;
    else {
      refuse(400);
      return;
    }
    bool keep_alive = !http10;
    std::uint64_t content_length = 0;
    std::string_view fields = head.substr(eol + 2);
    while (!fields.empty()) {
      auto e = fields.find("\r\n");
      auto field = fields.substr(0, e);
      fields.remove_prefix(e + 2);
      auto colon = field.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        refuse(400);
        return;
      }
      auto name = field.substr(0, colon);
      auto value = field.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      if (iequals(name, "Connection")) {
        if (has_token(value, "close"))
          keep_alive = false;
        else if (has_token(value, "keep-alive"))
          keep_alive = true;
      } else if (iequals(name, "Content-Length")) {
        if (value.empty() || value.size() > 18
            || value.find_first_not_of("0123456789") != std::string_view::npos) {
          refuse(400);
          return;
        }
        content_length = std::strtoull(std::string(value).c_str(), nullptr, 10);
      } else if (iequals(name, "Transfer-Encoding")) {
        refuse(501);
        return;
      }
    }
    body_left_ = content_length;
    if (!keep_alive)
      closing_ = true;
    bool head_only = method == "HEAD";
    bool get = method == "GET" || head_only;
    auto path = target.substr(0, target.find('?'));

    if (path == "/plaintext") {
      if (!get)
        return simple(405, keep_alive, http10);
      append_head_start(out_, 200);
      out_.append("Content-Type: text/plain\r\n");
      append_head_end(out_, 13, keep_alive, http10);
      if (!head_only)
        out_.append("Hello, World!");
      return;
    }
    constexpr std::string_view mount = "/static/";
    if (root_fd_ >= 0 && path.substr(0, mount.size()) == mount) {
      if (!get)
        return simple(405, keep_alive, http10);
      auto name = path.substr(mount.size());
      if (name.empty() || name.find("..") != std::string_view::npos
          || name.find('%') != std::string_view::npos || name.front() == '/')
        return simple(403, keep_alive, http10);
      int fd = ::openat(root_fd_, std::string(name).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        return simple(errno == EMFILE || errno == ENFILE ? 503 : 404, keep_alive, http10);
      struct stat st {};
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return simple(404, keep_alive, http10);
      }
      append_head_start(out_, 200);
      out_.append("Content-Type: ");
      out_.append(content_type_for(name));
      out_.append("\r\nLast-Modified: ");
      out_.append(date_cache::format(st.st_mtime));
      out_.append("\r\nAccept-Ranges: bytes\r\n");
      append_head_end(out_, static_cast<std::uint64_t>(st.st_size), keep_alive, http10);
      if (head_only || st.st_size == 0) {
        ::close(fd);
        return;
      }
      file_fd_ = fd;
      file_offset_ = 0;
      file_left_ = static_cast<std::uint64_t>(st.st_size);
      return;
    }
    simple(404, keep_alive, http10);
  }

  void simple(int status, bool keep_alive, bool http10) {
    append_head_start(out_, status);
    append_head_end(out_, 0, keep_alive, http10);
  }

  /// Writes out_, then the file body (if any), then goes on.
  void write() {
    if (out_.empty())
      return send_file();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_), [this, self](std::error_code ec, std::size_t) {
      if (ec)
        return;
      out_.clear();
      send_file();
    });
  }

  void send_file() {
    if (file_fd_ >= 0) {
      if (!socket_.native_non_blocking()) {
        std::error_code ignored;
        socket_.native_non_blocking(true, ignored);
      }
      while (file_left_ > 0) {
        ssize_t n = ::sendfile(socket_.native_handle(), file_fd_, &file_offset_,
                               std::min<std::uint64_t>(file_left_, 1u << 30));
        if (n > 0) {
          file_left_ -= static_cast<std::uint64_t>(n);
          continue;
        }
        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          auto self = shared_from_this();
          socket_.async_wait(tcp::socket::wait_write, [this, self](std::error_code ec) {
            if (!ec)
              send_file();
          });
          return;
        }
        return; // error, or the file shrank: give up on the connection
      }
      ::close(file_fd_);
      file_fd_ = -1;
    }
    if (closing_)
      finish();
    else
      process(); // pipelined requests already buffered, else read more
  }

  /// A response said "Connection: close": send FIN, then let the session go.
  void finish() {
    std::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    // The last reference (this call's caller's handler) closes the socket.
  }

  tcp::socket socket_;
  int root_fd_;
  byte_buffer in_;
  std::string out_;
  std::uint64_t body_left_ = 0;
  bool closing_ = false;
  int file_fd_ = -1;
  off_t file_offset_ = 0;
  std::uint64_t file_left_ = 0;
};

} // namespace asio_http_baseline
