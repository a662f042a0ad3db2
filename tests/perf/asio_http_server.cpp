// asio-http-server: the plain-asio HTTP/1.1 baseline for warren-http, with no
// actors: the floor that warren-http is measured against in bench_http.sh
// (tests/perf/README.md).
//
// One thread runs one io_context; one session object per connection; classic
// asio: async_read_some into a per-session buffer, every complete request of
// that read answered into one output buffer, written with one async_write.
//
// HTTP, minimal but honest:
//   - a request is its head up to the first "\r\n\r\n" (a head over 16 KiB
//     gets 431 and the connection closes); requests split across reads wait
//     for the rest, pipelined requests are answered in order;
//   - request line "METHOD TARGET HTTP/1.x"; anything else gets 400 + close;
//   - Content-Length bodies are read and dropped; Transfer-Encoding gets 501 +
//     close (this baseline does not parse chunked bodies);
//   - persistence: HTTP/1.1 keeps the connection unless "Connection: close",
//     HTTP/1.0 closes it unless "Connection: keep-alive"; a response that
//     closes carries "Connection: close", then the server sends FIN once the
//     response is out;
//   - GET/HEAD /plaintext: 200 "Hello, World!" as text/plain, byte for byte
//     what warren-http sends (Server, Date cached per second, Content-Type,
//     Content-Length), including its "Server: warren" field, so the two put the
//     same bytes on the wire;
//   - GET/HEAD /static/NAME: the file NAME under --static-root (no "..", no
//     '%', no subdirectory escapes), opened per request (as nginx does by default and
//     warren with --file-cache-ms=0), head with Content-Type (by extension), Last-Modified, Accept-Ranges,
//     Content-Length, then the body with sendfile(2) straight from the file;
//   - anything else: 404 (405 for other methods on known routes).
// TCP_NODELAY on accepted sockets; SIGPIPE ignored (sendfile to a reset
// connection fails with EPIPE and ends that session only).
//
// Usage: asio-http-server [--host=127.0.0.1] [--port=0] [--static-root=DIR]
// Prints "asio-http listening on HOST:PORT" (flushed) once listening; exits 0
// on SIGINT/SIGTERM.

#include "asio_http_session.hpp"

#include <asio.hpp>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using asio::ip::tcp;
using namespace asio_http_baseline;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string static_root;
};

class server {
public:
  server(asio::io_context& io, const options& opt)
    : io_(io), acceptor_(io), retry_timer_(io), signals_(io, SIGINT, SIGTERM) {
    if (!opt.static_root.empty()) {
      root_fd_ = ::open(opt.static_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (root_fd_ < 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot open static root " + opt.static_root);
    }
    tcp::endpoint ep(asio::ip::make_address(opt.host), opt.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    signals_.async_wait([this](std::error_code, int) { stop(); });
  }
  ~server() {
    if (root_fd_ >= 0)
      ::close(root_fd_);
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
          std::cerr << "asio-http: accept: " << ec.message() << '\n';
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
      std::make_shared<session>(std::move(socket), root_fd_)->start();
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
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  asio::signal_set signals_;
  int root_fd_ = -1;
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
    else if (key == "--static-root" && !val.empty())
      opt.static_root = val;
    else {
      std::cerr << "asio-http-server: bad argument '" << arg << "'\n"
                << "usage: asio-http-server [--host=127.0.0.1] [--port=0] [--static-root=DIR]\n";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  // sendfile(2) to a socket the peer has reset raises SIGPIPE (asio's own
  // writes use MSG_NOSIGNAL, sendfile cannot): wrk closes its connections
  // mid-response when a run ends.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    if (!parse_options(argc, argv, opt))
      return 2;
    asio::io_context io(1);
    server srv(io, opt);
    auto ep = srv.local_endpoint();
    std::cout << "asio-http listening on " << ep.address().to_string() << ':' << ep.port()
              << std::endl;
    srv.start();
    io.run();
    std::cerr << "asio-http: stopped after " << srv.accepted() << " connections\n";
  } catch (const std::exception& e) {
    std::cerr << "asio-http-server: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
