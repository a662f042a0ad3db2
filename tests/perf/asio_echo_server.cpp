// asio-echo-server: the plain-asio baseline for warren's framed echo, with no
// actors: the floor that warren-echo is measured against (tests/perf/README.md).
//
// Protocol: each frame is a 4-byte big-endian length and that many payload
// bytes (zero-length frames are legal). Every complete frame is copied into an
// output buffer and written back; a frame longer than max_frame_bytes closes
// the connection.
//
// One thread runs one io_context; one session object per connection.
//   --mode=read (default): the classic asio server. async_read_some into a
//     per-session buffer; the frames one read completed are written back with
//     one async_write, and the session reads again once that write is done (so
//     the output buffer is bounded by what one read produced).
//   --mode=wait: the readiness design warren uses. async_wait(wait_read), then
//     a non-blocking read_some into a per-thread scratch buffer; the session
//     keeps only an unconsumed partial frame, so an idle session holds no
//     buffer. Use it as the idle-memory floor for that design.
//
// Usage: asio-echo-server [--host=127.0.0.1] [--port=0] [--mode=read|wait]
//                         [--read-buffer-bytes=16384]
// Prints "asio-echo listening on HOST:PORT" (flushed) once listening; exits 0
// on SIGINT/SIGTERM.

#include "byte_buffer.hpp"

#include <asio.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

namespace {

using asio::ip::tcp;

constexpr std::size_t max_frame_bytes = 1u << 20;
constexpr std::size_t frame_header_bytes = 4;
constexpr std::size_t scratch_bytes = 64 * 1024;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool wait_mode = false;
  std::size_t read_buffer_bytes = 16 * 1024;
};

using asio_baseline::byte_buffer;

/// Copies every complete frame at the front of [p, p+n) into out and returns
/// the bytes consumed, or -1 when a frame announces more than max_frame_bytes.
long copy_complete_frames(const char* p, std::size_t n, byte_buffer& out) {
  std::size_t off = 0;
  while (n - off >= frame_header_bytes) {
    const auto* h = reinterpret_cast<const unsigned char*>(p + off);
    std::size_t len = (std::size_t{h[0]} << 24) | (std::size_t{h[1]} << 16)
                      | (std::size_t{h[2]} << 8) | std::size_t{h[3]};
    if (len > max_frame_bytes)
      return -1;
    if (n - off - frame_header_bytes < len)
      break;
    std::size_t frame = frame_header_bytes + len;
    out.append(p + off, frame);
    off += frame;
  }
  return static_cast<long>(off);
}

/// --mode=read: async_read_some into a per-session buffer.
class read_session : public std::enable_shared_from_this<read_session> {
public:
  read_session(tcp::socket socket, std::size_t read_buffer_bytes)
    : socket_(std::move(socket)), chunk_bytes_(read_buffer_bytes) {}

  void start() { do_read(); }

private:
  void do_read() {
    // A partial frame larger than the buffer makes it grow; shrink it back
    // once that frame is gone.
    if (in_.capacity() > 4 * chunk_bytes_ && in_.size() < chunk_bytes_) {
      byte_buffer small;
      small.reserve(chunk_bytes_);
      small.append(in_.data(), in_.size());
      in_ = std::move(small);
    }
    in_.reserve(in_.size() + chunk_bytes_);
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(in_.end(), in_.free_space()),
                            [this, self](std::error_code ec, std::size_t n) {
                              if (!ec)
                                on_read(n);
                            });
  }

  void on_read(std::size_t n) {
    in_.commit(n);
    long used = copy_complete_frames(in_.data(), in_.size(), out_);
    if (used < 0)
      return; // oversized frame: dropping the last reference closes the socket
    in_.consume(static_cast<std::size_t>(used));
    if (out_.size() > 0)
      do_write();
    else
      do_read();
  }

  void do_write() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.data(), out_.size()),
                      [this, self](std::error_code ec, std::size_t) {
                        if (ec)
                          return;
                        out_.clear();
                        do_read();
                      });
  }

  tcp::socket socket_;
  std::size_t chunk_bytes_;
  byte_buffer in_;  ///< unconsumed bytes, then free space for the next read
  byte_buffer out_; ///< complete frames waiting for the write in flight
};

/// --mode=wait: wait for readability, read into a per-thread scratch buffer,
/// keep only the partial tail; an idle session holds no buffer.
class wait_session : public std::enable_shared_from_this<wait_session> {
public:
  explicit wait_session(tcp::socket socket) : socket_(std::move(socket)) {
    std::error_code ignored;
    socket_.non_blocking(true, ignored);
  }

  void start() { do_wait(); }

private:
  void do_wait() {
    auto self = shared_from_this();
    socket_.async_wait(tcp::socket::wait_read, [this, self](std::error_code ec) {
      if (!ec)
        on_readable();
    });
  }

  void on_readable() {
    static thread_local std::unique_ptr<char[]> scratch(new char[scratch_bytes]);
    // Bounded: at most a few scratch-fulls per wake-up, then write them back.
    for (int i = 0; i < 4; ++i) {
      std::error_code ec;
      std::size_t n = socket_.read_some(asio::buffer(scratch.get(), scratch_bytes), ec);
      if (ec == asio::error::would_block)
        break;
      if (ec)
        return; // EOF or error: dropping the last reference closes the socket
      if (!consume(scratch.get(), n))
        return;
      if (n < scratch_bytes)
        break;
    }
    if (out_.size() > 0)
      do_write();
    else
      do_wait();
  }

  bool consume(const char* p, std::size_t n) {
    if (tail_.size() == 0) {
      long used = copy_complete_frames(p, n, out_);
      if (used < 0)
        return false;
      if (static_cast<std::size_t>(used) < n)
        tail_.append(p + used, n - static_cast<std::size_t>(used));
      return true;
    }
    tail_.append(p, n);
    long used = copy_complete_frames(tail_.data(), tail_.size(), out_);
    if (used < 0)
      return false;
    tail_.consume(static_cast<std::size_t>(used));
    if (tail_.size() == 0)
      tail_.release();
    return true;
  }

  void do_write() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.data(), out_.size()),
                      [this, self](std::error_code ec, std::size_t) {
                        if (ec)
                          return;
                        out_.release();
                        do_wait();
                      });
  }

  tcp::socket socket_;
  byte_buffer tail_; ///< an incomplete frame; empty (unallocated) when idle
  byte_buffer out_;  ///< complete frames waiting for the write in flight
};

class server {
public:
  server(asio::io_context& io, const options& opt)
    : io_(io), opt_(opt), acceptor_(io), retry_timer_(io), signals_(io, SIGINT, SIGTERM) {
    tcp::endpoint ep(asio::ip::make_address(opt.host), opt.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    signals_.async_wait([this](std::error_code, int) { stop(); });
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start() { do_accept(); }
  unsigned long accepted() const { return accepted_; }

private:
  void do_accept() {
    acceptor_.async_accept([this](std::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted)
        return;
      if (ec) {
        // Typically EMFILE: back off instead of spinning on the error.
        if (!reported_accept_error_) {
          std::cerr << "asio-echo: accept: " << ec.message() << '\n';
          reported_accept_error_ = true;
        }
        retry_timer_.expires_after(std::chrono::milliseconds(10));
        retry_timer_.async_wait([this](std::error_code e) {
          if (!e)
            do_accept();
        });
        return;
      }
      ++accepted_;
      std::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (opt_.wait_mode)
        std::make_shared<wait_session>(std::move(socket))->start();
      else
        std::make_shared<read_session>(std::move(socket), opt_.read_buffer_bytes)->start();
      do_accept();
    });
  }

  void stop() {
    std::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    io_.stop(); // pending handlers, and with them the sessions, die with io_
  }

  asio::io_context& io_;
  const options& opt_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  asio::signal_set signals_;
  unsigned long accepted_ = 0;
  bool reported_accept_error_ = false;
};

bool parse_options(int argc, char** argv, options& opt) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    std::string key = arg.substr(0, eq);
    std::string val = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (key == "--host" && !val.empty())
      opt.host = val;
    else if (key == "--port" && !val.empty())
      opt.port = static_cast<std::uint16_t>(std::stoul(val));
    else if (key == "--mode" && (val == "read" || val == "wait"))
      opt.wait_mode = val == "wait";
    else if (key == "--read-buffer-bytes" && !val.empty() && std::stoul(val) > 0)
      opt.read_buffer_bytes = std::stoul(val);
    else {
      std::cerr << "asio-echo-server: bad argument '" << arg << "'\n"
                << "usage: asio-echo-server [--host=127.0.0.1] [--port=0] "
                   "[--mode=read|wait] [--read-buffer-bytes=16384]\n";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  try {
    if (!parse_options(argc, argv, opt))
      return 2;
    asio::io_context io(1);
    server srv(io, opt);
    auto ep = srv.local_endpoint();
    std::cout << "asio-echo listening on " << ep.address().to_string() << ':' << ep.port()
              << std::endl;
    srv.start();
    io.run();
    std::cerr << "asio-echo: stopped after " << srv.accepted() << " connections\n";
  } catch (const std::exception& e) {
    std::cerr << "asio-echo-server: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
