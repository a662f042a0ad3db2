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

#include "tests/perf/echo_load_loop.hpp"

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

using namespace echo_load;

namespace {

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
