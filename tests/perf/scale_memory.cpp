// scale-memory: N framed connection actors over the in-memory transport in one process, each
// answering one frame. Reports RSS per connection actor and the time until all answered.
//
//   scale-memory [--connections=1000000] [--wave=10000] [--scheduler.max-threads=N]
//                [--idle-timeout-ms=0]
//
// The RSS growth counted per connection includes everything a connection costs here: the
// actor, its stream end, the shared in-memory pipe and the harness's own stream end.

#include "actors/engine.hpp"
#include "actors/run_main.hpp"
#include "transport/memory_stream.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <malloc.h>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct scale_config : warren::config {
  std::size_t connections = 1000000;
  std::size_t wave = 10000;
  scale_config() {
    opt_group{custom_options_, "global"}
      .add(connections, "connections", "connection actors to spawn (default 1000000)")
      .add(wave, "wave", "frames sent before waiting for their answers (default 10000)");
    idle_timeout_ms = 0;  // no timers by default: this measures the actors themselves
  }
};

long rss_kib() {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

std::string encode(const std::string& payload) {
  std::string out(4, '\0');
  auto n = static_cast<std::uint32_t>(payload.size());
  out[0] = static_cast<char>(n >> 24);
  out[1] = static_cast<char>(n >> 16);
  out[2] = static_cast<char>(n >> 8);
  out[3] = static_cast<char>(n);
  return out + payload;
}

} // namespace

int main(int argc, char** argv) {
  return warren::run_main<scale_config>(argc, argv, [](caf::actor_system& sys,
                                                       const scale_config& cfg) {
    using clock = std::chrono::steady_clock;
    const auto n = cfg.connections;
    warren::engine engine{sys, cfg};
    auto factory = std::make_shared<const warren::framed_behavior_factory>(
      [](warren::framed_connection*) -> caf::behavior {
        return {[](const warren::frame& f) { return f; }};
      });
    std::vector<std::unique_ptr<warren::transport::memory_stream>> peers;
    peers.reserve(n);
    auto rss_before = rss_kib();
    auto start = clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      auto [server_end, client_end] = warren::transport::make_memory_stream_pair(1024);
      engine.attach_framed(std::move(server_end), factory);
      peers.push_back(std::move(client_end));
    }
    auto spawned = clock::now();
    // One frame to every connection, each actor answering it, in waves so the messages in
    // flight at once stay few; every actor stays alive to the end.
    std::size_t answered_count = 0;
    std::size_t wrong = 0;
    std::vector<std::uint32_t> pending;
    auto deadline = clock::now() + std::chrono::seconds(300);
    const auto wave = cfg.wave > 0 ? cfg.wave : n;
    for (std::size_t first = 0; first < n && clock::now() < deadline; first += wave) {
      auto last = std::min(n, first + wave);
      pending.clear();
      for (std::size_t i = first; i < last; ++i) {
        auto bytes = encode(std::to_string(i));
        iovec v{bytes.data(), bytes.size()};
        if (peers[i]->write_some(&v, 1).bytes != bytes.size()) {
          std::cerr << "write to connection " << i << " failed\n";
          return 1;
        }
        pending.push_back(static_cast<std::uint32_t>(i));
      }
      while (!pending.empty() && clock::now() < deadline) {
        std::vector<std::uint32_t> still;
        for (auto i : pending) {
          char buf[64];
          auto r = peers[i]->read_some(buf, sizeof(buf));
          if (r.status != warren::transport::io_result::ok) {
            still.push_back(i);
            continue;
          }
          ++answered_count;
          if (std::string(buf, r.bytes) != encode(std::to_string(i)))
            ++wrong;
        }
        pending.swap(still);
        if (!pending.empty())
          std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    auto answered = clock::now();
    auto rss_after = rss_kib();
    // Freed transient memory (the N readiness messages and replies in flight at the peak) stays
    // in malloc's free lists; give it back to see what the live actors hold.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    malloc_trim(0);
    auto rss_trimmed = rss_kib();
    auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    double per_conn = (rss_after - rss_before) * 1024.0 / static_cast<double>(n);
    double per_conn_trimmed = (rss_trimmed - rss_before) * 1024.0 / static_cast<double>(n);
    std::printf("connections=%zu answered=%zu wrong=%zu spawn_s=%.2f total_s=%.2f "
                "rss_before_kib=%ld rss_after_kib=%ld bytes_per_connection=%.0f "
                "bytes_per_connection_after_trim=%.0f threads=%zu\n",
                n, answered_count, wrong, secs(spawned - start), secs(answered - start),
                rss_before, rss_after, per_conn, per_conn_trimmed,
                caf::get_or(sys.config(), "scheduler.max-threads", std::size_t{0}));
    std::fflush(stdout);
    // Tear down: closing the harness's ends makes every actor see EOF and end.
    peers.clear();
    auto until = clock::now() + std::chrono::seconds(120);
    while (engine.stats().open.load() > 0 && clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return answered_count == n && wrong == 0 ? 0 : 1;
  });
}
