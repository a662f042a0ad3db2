// echo-load's per-thread load loop: connections that each keep frames in flight against an
// echo server, every echoed byte checked (see echo_load.cpp for the tool).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace echo_load {

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

/// One thread's event loop over its share of the connections: fills each with `in_flight`
/// frames, answers every checked echo with a new frame, and counts frames echoed during the
/// measured window (after the warm-up) and errors.
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

} // namespace echo_load
