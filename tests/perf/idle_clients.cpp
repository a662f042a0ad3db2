// idle-clients: opens many TCP connections to one server and holds them idle,
// for measuring a server's memory per idle connection (bench_idle_memory.sh).
//
// Source addresses go round-robin over 127.0.0.1 .. 127.0.0.K (--sources=K)
// with IP_BIND_ADDRESS_NO_PORT, so the kernel picks the ephemeral port per
// 4-tuple and the port range does not run out. Connects are non-blocking, at
// most --batch at a time (so the server's listen backlog is not flooded), all
// within --connect-timeout-s. With --ping=1 (the default) each connection then
// sends one 8-byte length-prefixed frame and waits for its echo: it counts as
// connected only once the server has accepted it and answered, so the server
// holds its whole per-connection state when the line below is printed.
//
// Usage: idle-clients --port=P [--host=127.0.0.1] [--connections=15000]
//          [--sources=4] [--batch=256] [--connect-timeout-s=60] [--ping=1]
//          [--hold-s=60] [--watch-stdin=auto|0|1]
// Prints "connected=<n> failed=<n>" on stdout (flushed) once every connection
// is up or failed, then holds them for --hold-s seconds, or until SIGTERM /
// SIGINT, or until stdin reaches EOF (auto: watched when stdin is a pipe, a
// socket or a tty, never /dev/null or a file), then closes all and exits.
// Exit status: 0 when all connected, 1 when some failed, 2 on bad usage.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 15000;
  int sources = 4;
  int batch = 256;
  double connect_timeout_s = 60;
  bool ping = true;
  double hold_s = 60;
  std::string watch_stdin = "auto";
};

enum class state : std::uint8_t { unused, connecting, pinging, open, closed };

constexpr std::size_t ping_bytes = 12; // 4-byte length (8) + 8-byte payload

struct connection {
  int fd = -1;
  state st = state::unused;
  std::uint8_t echoed = 0; ///< ping bytes echoed so far
};

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

void ping_frame(std::uint32_t index, unsigned char* out) {
  out[0] = out[1] = out[2] = 0;
  out[3] = 8;
  for (int i = 0; i < 8; ++i)
    out[4 + i] = static_cast<unsigned char>((std::uint64_t{index} * 0x9e3779b97f4a7c15ULL) >> (8 * i));
}

class idle_clients {
public:
  explicit idle_clients(const options& opt) : opt_(opt), conns_(static_cast<std::size_t>(opt.connections)) {}
  int run();

private:
  void launch(std::uint32_t index);
  void on_event(std::uint32_t index, std::uint32_t events);
  void on_connected(std::uint32_t index);
  void finish(std::uint32_t index, bool ok);
  void set_events(int fd, std::uint32_t events, std::uint32_t index);
  void hold();

  const options& opt_;
  std::vector<connection> conns_;
  int epfd_ = -1;
  sockaddr_in server_{};
  int in_flight_ = 0;
  int connected_ = 0;
  int failed_ = 0;
  int closed_by_server_ = 0;
  std::string first_error_;
};

void idle_clients::set_events(int fd, std::uint32_t events, std::uint32_t index) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u32 = index;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev);
}

void idle_clients::finish(std::uint32_t index, bool ok) {
  auto& c = conns_[index];
  --in_flight_;
  if (ok) {
    c.st = state::open;
    ++connected_;
    set_events(c.fd, EPOLLIN | EPOLLRDHUP, index);
  } else {
    if (first_error_.empty())
      first_error_ = std::strerror(errno);
    ++failed_;
    c.st = state::closed;
    ::close(c.fd);
    c.fd = -1;
  }
}

void idle_clients::launch(std::uint32_t index) {
  auto& c = conns_[index];
  ++in_flight_;
  c.st = state::connecting;
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    if (first_error_.empty())
      first_error_ = std::string("socket: ") + std::strerror(errno);
    --in_flight_;
    ++failed_;
    c.st = state::closed;
    return;
  }
  int one = 1;
  setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl((127u << 24) | (1u + index % static_cast<std::uint32_t>(opt_.sources)));
  if (::bind(c.fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
    return finish(index, false);
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.u32 = index;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
  if (::connect(c.fd, reinterpret_cast<sockaddr*>(&server_), sizeof server_) == 0)
    on_connected(index);
  else if (errno != EINPROGRESS)
    finish(index, false);
}

void idle_clients::on_connected(std::uint32_t index) {
  auto& c = conns_[index];
  if (!opt_.ping)
    return finish(index, true);
  unsigned char frame[ping_bytes];
  ping_frame(index, frame);
  // 12 bytes into an empty socket buffer: a short write cannot happen.
  if (::send(c.fd, frame, sizeof frame, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof frame))
    return finish(index, false);
  c.st = state::pinging;
  set_events(c.fd, EPOLLIN | EPOLLRDHUP, index);
}

void idle_clients::on_event(std::uint32_t index, std::uint32_t events) {
  auto& c = conns_[index];
  if (c.st == state::connecting) {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      errno = so_error;
      return finish(index, false);
    }
    return on_connected(index);
  }
  unsigned char buf[256];
  ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
  if (n < 0 && errno == EAGAIN)
    return;
  if (c.st == state::pinging) {
    if (n <= 0) {
      if (n == 0)
        errno = ECONNRESET;
      return finish(index, false);
    }
    unsigned char expected[ping_bytes];
    ping_frame(index, expected);
    for (ssize_t i = 0; i < n; ++i) {
      if (c.echoed >= ping_bytes || buf[i] != expected[c.echoed++]) {
        errno = EPROTO;
        return finish(index, false);
      }
    }
    if (c.echoed == ping_bytes)
      finish(index, true);
    return;
  }
  // An open, idle connection: anything but more bytes means the server closed it.
  if (n <= 0 || (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    ++closed_by_server_;
    c.st = state::closed;
    ::close(c.fd);
    c.fd = -1;
  }
}

void idle_clients::hold() {
  bool watch_stdin = opt_.watch_stdin == "1";
  if (opt_.watch_stdin == "auto") {
    struct stat st{};
    watch_stdin = fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(0));
  }
  constexpr std::uint32_t stdin_tag = 0xffffffffu;
  if (watch_stdin) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = stdin_tag;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, 0, &ev) != 0)
      watch_stdin = false;
  }
  auto end = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                     std::chrono::duration<double>(opt_.hold_s));
  std::vector<epoll_event> events(1024);
  while (!stop_requested) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_type::now()).count();
    if (left <= 0)
      break;
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(left < 1000 ? left : 1000));
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u32 == stdin_tag) {
        char buf[512];
        if (::read(0, buf, sizeof buf) <= 0)
          return;
        continue;
      }
      auto index = events[i].data.u32;
      if (conns_[index].st == state::open)
        on_event(index, events[i].events);
    }
  }
}

int idle_clients::run() {
  server_.sin_family = AF_INET;
  server_.sin_port = htons(static_cast<std::uint16_t>(opt_.port));
  if (inet_pton(AF_INET, opt_.host.c_str(), &server_.sin_addr) != 1) {
    std::fprintf(stderr, "idle-clients: --host must be an IPv4 address\n");
    return 2;
  }
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                          std::chrono::duration<double>(opt_.connect_timeout_s));
  std::uint32_t next = 0;
  const auto total = static_cast<std::uint32_t>(opt_.connections);
  std::vector<epoll_event> events(1024);
  while ((next < total || in_flight_ > 0) && !stop_requested) {
    while (next < total && in_flight_ < opt_.batch)
      launch(next++);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0)
      break;
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(left < 100 ? left : 100));
    for (int i = 0; i < n; ++i) {
      auto index = events[i].data.u32;
      if (conns_[index].st != state::closed)
        on_event(index, events[i].events);
    }
  }
  // Whatever did not make it in time (or was never launched) failed.
  for (std::uint32_t i = 0; i < total; ++i) {
    auto& c = conns_[i];
    if (c.st == state::connecting || c.st == state::pinging) {
      errno = ETIMEDOUT;
      finish(i, false);
    } else if (c.st == state::unused) {
      ++failed_;
    }
  }
  std::printf("connected=%d failed=%d\n", connected_, failed_);
  std::fflush(stdout);
  if (failed_ > 0)
    std::fprintf(stderr, "idle-clients: first failure: %s\n", first_error_.c_str());

  auto held_from = clock_type::now();
  hold();
  double held = std::chrono::duration<double>(clock_type::now() - held_from).count();
  for (auto& c : conns_)
    if (c.fd >= 0)
      ::close(c.fd);
  ::close(epfd_);
  std::fprintf(stderr, "idle-clients: held %.1f s, %d closed by the server meanwhile\n", held,
               closed_by_server_);
  return failed_ > 0 ? 1 : 0;
}

bool parse_options(int argc, char** argv, options& opt) {
  try {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      auto eq = arg.find('=');
      if (eq == std::string::npos || eq + 1 == arg.size())
        throw std::invalid_argument(arg);
      std::string key = arg.substr(0, eq);
      std::string val = arg.substr(eq + 1);
      if (key == "--host")
        opt.host = val;
      else if (key == "--port")
        opt.port = std::stoi(val);
      else if (key == "--connections")
        opt.connections = std::stoi(val);
      else if (key == "--sources")
        opt.sources = std::stoi(val);
      else if (key == "--batch")
        opt.batch = std::stoi(val);
      else if (key == "--connect-timeout-s")
        opt.connect_timeout_s = std::stod(val);
      else if (key == "--ping")
        opt.ping = std::stoi(val) != 0;
      else if (key == "--hold-s")
        opt.hold_s = std::stod(val);
      else if (key == "--watch-stdin" && (val == "auto" || val == "0" || val == "1"))
        opt.watch_stdin = val;
      else
        throw std::invalid_argument(arg);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idle-clients: bad argument: %s\n", e.what());
    return false;
  }
  bool ok = opt.port > 0 && opt.port < 65536 && opt.connections > 0 && opt.sources >= 1
            && opt.sources <= 254 && opt.batch > 0 && opt.hold_s >= 0;
  if (!ok)
    std::fprintf(stderr, "usage: idle-clients --port=P [--host=127.0.0.1] [--connections=15000] "
                         "[--sources=4] [--batch=256] [--connect-timeout-s=60] [--ping=1] "
                         "[--hold-s=60] [--watch-stdin=auto|0|1]\n");
  return ok;
}

/// Raises the soft fd limit to what N connections need, within the hard limit.
bool ensure_fd_limit(int connections) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  rlim_t need = static_cast<rlim_t>(connections) + 16;
  if (lim.rlim_cur >= need)
    return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need) {
    std::fprintf(stderr, "idle-clients: %d connections need %lu fds; the limit is %lu\n",
                 connections, static_cast<unsigned long>(need),
                 static_cast<unsigned long>(lim.rlim_max));
    return false;
  }
  lim.rlim_cur = need;
  return setrlimit(RLIMIT_NOFILE, &lim) == 0;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse_options(argc, argv, opt) || !ensure_fd_limit(opt.connections))
    return 2;
  struct sigaction sa{};
  sa.sa_handler = on_signal; // no SA_RESTART: epoll_wait returns EINTR
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return idle_clients(opt).run();
}
