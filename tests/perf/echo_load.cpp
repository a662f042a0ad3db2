// echo-load: closed-loop load generator for length-prefixed echo servers
// (warren-echo, asio-echo-server). Plain epoll, one event loop per thread.
//
// Each connection keeps --in-flight frames outstanding: every echoed frame is
// checked and answered with a new one. Frame k of connection c carries a
// payload derived from (c, k) (the first 8 bytes are k, big-endian, when the
// frame is that large), so every echoed byte, the length and the order are
// verified; a mismatch counts as an error. A connection that the server
// closes, or that gets no frame back during the measured window, counts as an
// error too.
//
// Usage: echo-load --port=P [--host=127.0.0.1] [--connections=64]
//          [--frame-size=16] [--in-flight=16] [--duration-s=10] [--warmup-s=2]
//          [--threads=1] [--connect-timeout-s=5]
// Prints one line on stdout at the end:
//   frames_per_s=<float> errors=<n> connections=<n>
// (frames echoed per second over the measured window, after the warm-up), and
// details on stderr, among them "echo-load: cpu_s=<f>" (its own CPU time).
// Exit status: 0 ok, 1 errors, 2 bad usage or cannot connect, 3 no frame echoed.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t max_frame_size = 16u << 20;
constexpr std::size_t read_chunk_bytes = 256 * 1024;

struct options {
  std::string host = "127.0.0.1";
  std::string port;
  int connections = 64;
  std::size_t frame_size = 16;
  int in_flight = 16;
  double duration_s = 10;
  double warmup_s = 2;
  int threads = 1;
  double connect_timeout_s = 5;
};

struct connection {
  int fd = -1;
  std::uint32_t id = 0;
  std::uint64_t next_send_seq = 0;
  std::uint64_t next_recv_seq = 0;
  std::uint64_t measured_frames = 0;
  std::vector<char> out; ///< bytes not yet accepted by the kernel
  std::size_t out_off = 0;
  std::vector<char> tail; ///< an incomplete echoed frame
  bool want_writable = false;
  bool dead = false;
};

struct thread_result {
  double frames_per_s = 0;
  std::uint64_t frames = 0;
  std::uint64_t errors = 0;
  int alive = 0;
};

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The payload of frame `seq` on connection `id`.
void fill_payload(char* p, std::size_t size, std::uint32_t id, std::uint64_t seq) {
  std::size_t i = 0;
  if (size >= 8) {
    for (; i < 8; ++i)
      p[i] = static_cast<char>(seq >> (56 - 8 * i));
  }
  std::uint64_t x = mix((std::uint64_t{id} << 40) ^ seq);
  for (; i < size; ++i) {
    if (i % 8 == 0)
      x = mix(x);
    p[i] = static_cast<char>(x >> (8 * (i % 8)));
  }
}

void append_frame(connection& c, std::size_t frame_size) {
  std::size_t at = c.out.size();
  c.out.resize(at + 4 + frame_size);
  char* p = c.out.data() + at;
  p[0] = static_cast<char>(frame_size >> 24);
  p[1] = static_cast<char>(frame_size >> 16);
  p[2] = static_cast<char>(frame_size >> 8);
  p[3] = static_cast<char>(frame_size);
  fill_payload(p + 4, frame_size, c.id, c.next_send_seq++);
}

class load_loop {
public:
  load_loop(const options& opt, std::vector<connection>& conns, clock_type::time_point start)
    : opt_(opt), conns_(conns), start_(start), expected_(opt.frame_size + 1),
      scratch_(read_chunk_bytes) {}

  thread_result run();

private:
  void on_readable(connection& c);
  bool on_bytes(connection& c, const char* p, std::size_t n, std::size_t& used);
  void check_frame(connection& c, const char* payload, std::size_t len);
  void flush(connection& c);
  void fail(connection& c, const char* why);

  const options& opt_;
  std::vector<connection>& conns_;
  clock_type::time_point start_;
  int epfd_ = -1;
  bool measuring_ = false;
  bool stopping_ = false;
  std::uint64_t errors_ = 0;
  std::vector<char> expected_;
  std::vector<char> scratch_;
};

void load_loop::fail(connection& c, const char* why) {
  if (c.dead)
    return;
  if (!stopping_) {
    ++errors_;
    std::fprintf(stderr, "echo-load: connection %u: %s\n", c.id, why);
  }
  c.dead = true;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
}

/// Checks one echoed frame of the expected length and sends the next one.
void load_loop::check_frame(connection& c, const char* payload, std::size_t len) {
  std::uint64_t seq = c.next_recv_seq++;
  fill_payload(expected_.data(), len, c.id, seq);
  if (std::memcmp(expected_.data(), payload, len) != 0) {
    ++errors_;
    if (errors_ <= 10)
      std::fprintf(stderr, "echo-load: connection %u: frame %llu echoed wrong bytes\n", c.id,
                   static_cast<unsigned long long>(seq));
  }
  if (measuring_)
    ++c.measured_frames;
  if (!stopping_)
    append_frame(c, opt_.frame_size);
}

/// Consumes the complete frames at the front of [p, p+n); used = bytes consumed.
bool load_loop::on_bytes(connection& c, const char* p, std::size_t n, std::size_t& used) {
  used = 0;
  while (n - used >= 4) {
    const auto* h = reinterpret_cast<const unsigned char*>(p + used);
    std::size_t len = (std::size_t{h[0]} << 24) | (std::size_t{h[1]} << 16)
                      | (std::size_t{h[2]} << 8) | std::size_t{h[3]};
    if (len != opt_.frame_size) {
      fail(c, "echoed frame has the wrong length");
      return false;
    }
    if (n - used - 4 < len)
      break;
    check_frame(c, p + used + 4, len);
    used += 4 + len;
  }
  return true;
}

void load_loop::on_readable(connection& c) {
  for (int round = 0; round < 4; ++round) {
    ssize_t n = ::read(c.fd, scratch_.data(), scratch_.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        break;
      fail(c, std::strerror(errno));
      return;
    }
    if (n == 0) {
      fail(c, "closed by the server");
      return;
    }
    auto got = static_cast<std::size_t>(n);
    std::size_t used = 0;
    if (c.tail.empty()) {
      if (!on_bytes(c, scratch_.data(), got, used))
        return;
      c.tail.assign(scratch_.data() + used, scratch_.data() + got);
    } else {
      c.tail.insert(c.tail.end(), scratch_.data(), scratch_.data() + got);
      if (!on_bytes(c, c.tail.data(), c.tail.size(), used))
        return;
      c.tail.erase(c.tail.begin(), c.tail.begin() + static_cast<long>(used));
    }
    if (got < scratch_.size())
      break;
  }
  flush(c);
}

void load_loop::flush(connection& c) {
  while (c.out_off < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN) {
        fail(c, std::strerror(errno));
        return;
      }
      break;
    }
    c.out_off += static_cast<std::size_t>(n);
  }
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
  }
  bool want = !c.out.empty();
  if (want != c.want_writable) {
    c.want_writable = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  }
}

thread_result load_loop::run() {
  thread_result res;
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  for (auto& c : conns_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    for (int i = 0; i < opt_.in_flight; ++i)
      append_frame(c, opt_.frame_size);
    flush(c);
  }
  auto warm_end = start_ + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(opt_.warmup_s));
  auto run_end = warm_end + std::chrono::duration_cast<clock_type::duration>(
                                std::chrono::duration<double>(opt_.duration_s));
  clock_type::time_point measure_start;
  clock_type::time_point measure_end = run_end;
  std::vector<epoll_event> events(256);
  for (;;) {
    auto now = clock_type::now();
    if (!measuring_ && now >= warm_end && now < run_end) {
      measuring_ = true;
      measure_start = now;
    }
    if (now >= run_end) {
      measure_end = now;
      break;
    }
    auto next = measuring_ ? run_end : warm_end;
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(wait_ms));
    if (n < 0 && errno != EINTR)
      break;
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<connection*>(events[i].data.ptr);
      if (c.dead)
        continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
      if (!c.dead && (events[i].events & EPOLLOUT))
        flush(c);
    }
  }
  stopping_ = true;
  double window = measuring_ ? std::chrono::duration<double>(measure_end - measure_start).count()
                             : 0.0;
  for (auto& c : conns_) {
    if (!c.dead && measuring_ && c.measured_frames == 0) {
      ++errors_;
      std::fprintf(stderr, "echo-load: connection %u: no frame echoed in the measured window\n",
                   c.id);
    }
    res.frames += c.measured_frames;
    if (!c.dead)
      ++res.alive;
    ::close(c.fd);
  }
  ::close(epfd_);
  res.errors = errors_;
  res.frames_per_s = window > 0 ? static_cast<double>(res.frames) / window : 0.0;
  return res;
}

int connect_one(const addrinfo* ai, double timeout_s, std::string& err) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    err = std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      err = std::strerror(errno);
      ::close(fd);
      return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout_s * 1000));
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (r <= 0) {
      err = r == 0 ? "connect timed out" : std::strerror(errno);
      ::close(fd);
      return -1;
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      err = std::strerror(so_error);
      ::close(fd);
      return -1;
    }
  }
  return fd;
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
        opt.port = val;
      else if (key == "--connections")
        opt.connections = std::stoi(val);
      else if (key == "--frame-size")
        opt.frame_size = std::stoul(val);
      else if (key == "--in-flight")
        opt.in_flight = std::stoi(val);
      else if (key == "--duration-s")
        opt.duration_s = std::stod(val);
      else if (key == "--warmup-s")
        opt.warmup_s = std::stod(val);
      else if (key == "--threads")
        opt.threads = std::stoi(val);
      else if (key == "--connect-timeout-s")
        opt.connect_timeout_s = std::stod(val);
      else
        throw std::invalid_argument(arg);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo-load: bad argument: %s\n", e.what());
    return false;
  }
  bool ok = !opt.port.empty() && opt.connections > 0 && opt.in_flight > 0
            && opt.frame_size <= max_frame_size && opt.duration_s > 0 && opt.warmup_s >= 0
            && opt.threads > 0;
  if (!ok)
    std::fprintf(stderr,
                 "usage: echo-load --port=P [--host=127.0.0.1] [--connections=64] "
                 "[--frame-size=16] [--in-flight=16] [--duration-s=10] [--warmup-s=2] "
                 "[--threads=1] [--connect-timeout-s=5]\n");
  return ok;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse_options(argc, argv, opt))
    return 2;
  std::signal(SIGPIPE, SIG_IGN);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* ai = nullptr;
  if (int rc = getaddrinfo(opt.host.c_str(), opt.port.c_str(), &hints, &ai); rc != 0) {
    std::fprintf(stderr, "echo-load: %s:%s: %s\n", opt.host.c_str(), opt.port.c_str(),
                 gai_strerror(rc));
    return 2;
  }
  int threads = opt.threads < opt.connections ? opt.threads : opt.connections;
  std::vector<std::vector<connection>> groups(static_cast<std::size_t>(threads));
  for (int i = 0; i < opt.connections; ++i) {
    std::string err;
    int fd = connect_one(ai, opt.connect_timeout_s, err);
    if (fd < 0) {
      std::fprintf(stderr, "echo-load: cannot connect to %s:%s: %s\n", opt.host.c_str(),
                   opt.port.c_str(), err.c_str());
      for (auto& g : groups)
        for (auto& c : g)
          ::close(c.fd);
      freeaddrinfo(ai);
      std::printf("frames_per_s=0 errors=0 connections=%d\n", i);
      return 2;
    }
    connection c;
    c.fd = fd;
    c.id = static_cast<std::uint32_t>(i);
    groups[static_cast<std::size_t>(i % threads)].push_back(std::move(c));
  }
  freeaddrinfo(ai);

  auto start = clock_type::now();
  std::vector<thread_result> results(groups.size());
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < groups.size(); ++t)
    workers.emplace_back([&, t] { results[t] = load_loop(opt, groups[t], start).run(); });
  results[0] = load_loop(opt, groups[0], start).run();
  for (auto& w : workers)
    w.join();

  thread_result total;
  for (auto& r : results) {
    total.frames_per_s += r.frames_per_s;
    total.frames += r.frames;
    total.errors += r.errors;
    total.alive += r.alive;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                 + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::fprintf(stderr, "echo-load: %llu frames in %.2f s measured, %d of %d connections alive\n",
               static_cast<unsigned long long>(total.frames), opt.duration_s, total.alive,
               opt.connections);
  // For bench_echo.sh, which subtracts it from the machine's busy time.
  std::fprintf(stderr, "echo-load: cpu_s=%.3f\n", cpu_s);
  std::printf("frames_per_s=%.1f errors=%llu connections=%d\n", total.frames_per_s,
              static_cast<unsigned long long>(total.errors), opt.connections);
  std::fflush(stdout);
  if (total.errors > 0)
    return 1;
  if (total.frames == 0)
    return 3;
  return 0;
}
