// Clients that pipeline requests or frames and never read: their connection must reach the
// output high-water mark (the server stops reading it), then the write-stall timeout closes
// it; the server's memory stays bounded by the high-water mark, not by what the client sent;
// other clients are served throughout.
#define BOOST_TEST_MODULE adversarial_backpressure
#include <boost/test/unit_test.hpp>

#include "tests/adversarial/canary.hpp"
#include "tests/adversarial/demo_servers.hpp"
#include "tests/adversarial/http_wire.hpp"
#include "tests/adversarial/process_probe.hpp"
#include "tests/adversarial/test_printing.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

using namespace warren::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto write_timeout = 1500ms;
const std::vector<std::string> options{"--write-timeout-ms=1500",
                                       "--output-high-water-bytes=65536",
                                       "--idle-timeout-ms=60000"};

/// HTTP servers also get a keep-alive limit the floods never reach (at the limit the server
/// answers `Connection: close` and discards further input, which is not what is tested here).
std::vector<std::string> http_options() {
  auto out = options;
  out.push_back("--max-keepalive-requests=1000000000");
  return out;
}

/// What a never-reading client saw.
struct flood_result {
  std::uint64_t sent = 0;
  bool closed = false;  ///< the server ended the connection (reset or broken pipe)
  std::chrono::milliseconds closed_after{0};           ///< since the flood began
  std::chrono::milliseconds closed_after_stall{0};     ///< since our last accepted byte
  std::int64_t peak_rss_growth_kib = 0;
  std::size_t peak_fds = 0;
};

/// Sends `unit` over and over on a fresh connection without ever reading, sampling the
/// server's RSS and descriptors, until the server ends the connection or the deadline.
flood_result flood_without_reading(std::uint16_t port, int server_pid, const std::string& unit,
                                   std::chrono::milliseconds deadline = generous) {
  flood_result out;
  auto baseline = static_cast<std::int64_t>(rss_kib(server_pid).value_or(0));
  test_client client{port};
  ::fcntl(client.fd(), F_SETFL, ::fcntl(client.fd(), F_GETFL) | O_NONBLOCK);
  auto start = clock_type::now();
  auto last_progress = start;
  std::size_t offset = 0;
  while (clock_type::now() - start < deadline) {
    out.peak_rss_growth_kib =
      std::max(out.peak_rss_growth_kib,
               static_cast<std::int64_t>(rss_kib(server_pid).value_or(0)) - baseline);
    out.peak_fds = std::max(out.peak_fds, open_fds(server_pid).value_or(0));
    pollfd pfd{client.fd(), POLLOUT, 0};
    ::poll(&pfd, 1, 10);
    if (pfd.revents & (POLLERR | POLLHUP)) {
      out.closed = true;
      break;
    }
    if (!(pfd.revents & POLLOUT))
      continue;
    auto n = ::send(client.fd(), unit.data() + offset, unit.size() - offset, MSG_NOSIGNAL);
    if (n > 0) {
      out.sent += static_cast<std::uint64_t>(n);
      offset = (offset + static_cast<std::size_t>(n)) % unit.size();
      last_progress = clock_type::now();
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      out.closed = true;  // EPIPE / ECONNRESET: the server closed it
      break;
    }
  }
  auto now = clock_type::now();
  out.closed_after = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
  out.closed_after_stall =
    std::chrono::duration_cast<std::chrono::milliseconds>(now - last_progress);
  return out;
}

std::string repeat(const std::string& unit, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes)
    out += unit;
  return out;
}

void check_flood(const flood_result& r) {
  BOOST_TEST_MESSAGE("never-reading client: sent " << r.sent / 1024 << " KiB, closed "
                                                   << r.closed_after.count() << " ms in ("
                                                   << r.closed_after_stall.count()
                                                   << " ms after its last accepted byte), "
                                                      "server RSS growth at most "
                                                   << r.peak_rss_growth_kib << " KiB, fds "
                                                   << r.peak_fds);
  BOOST_TEST(r.closed);
  BOOST_TEST(r.closed_after >= write_timeout);
  // The server stopped reading (our sends stalled) well before it closed, and closed about
  // a write timeout later.
  BOOST_TEST(r.closed_after_stall >= write_timeout / 3);
  BOOST_TEST(r.closed_after_stall < write_timeout + 8s);
  // Bounded by the high-water mark and one read batch, not by what the client sent.
  BOOST_TEST(r.peak_rss_growth_kib < 8 * 1024);
  BOOST_TEST(r.sent > 2u * 1024 * 1024);  // the flood was real
}

} // namespace

BOOST_AUTO_TEST_CASE(echo_client_that_never_reads_is_paused_then_closed) {
  auto server = start_echo(options);
  canary can{canary_kind::echo, server.port(), /*reconnect_every=*/20};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = can.rounds();
  std::string payload(64 * 1024, 'f');
  auto r = flood_without_reading(server.port(), server.pid(), encode_frame(payload));
  auto during = can.rounds() - before;
  check_flood(r);
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  BOOST_TEST(during >= 10u);
  BOOST_TEST(process_alive(server.pid()));
}

BOOST_AUTO_TEST_CASE(echo_clients_that_never_read_do_not_add_up) {
  // Eight at once: each is bounded on its own, so the total is too.
  auto server = start_echo(options);
  canary can{canary_kind::echo, server.port(), /*reconnect_every=*/20};
  BOOST_REQUIRE(can.wait_rounds(3));
  std::string unit = encode_frame(std::string(1000, 'g'));
  std::vector<std::thread> floods;
  std::vector<flood_result> results(8);
  for (std::size_t i = 0; i < results.size(); ++i)
    floods.emplace_back([&, i] { results[i] = flood_without_reading(server.port(),
                                                                    server.pid(), unit); });
  for (auto& t : floods)
    t.join();
  for (auto& r : results) {
    BOOST_TEST(r.closed);
    BOOST_TEST(r.closed_after_stall < write_timeout + 8s);
    BOOST_TEST(r.peak_rss_growth_kib < 24 * 1024);
    BOOST_TEST_MESSAGE("sent " << r.sent / 1024 << " KiB, RSS growth " << r.peak_rss_growth_kib
                               << " KiB");
  }
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
}

BOOST_AUTO_TEST_CASE(http_client_pipelining_without_reading_is_closed_by_write_timeout) {
  static_root root;
  auto server = start_http(root.path(), http_options());
  canary can{canary_kind::http, server.port(), /*reconnect_every=*/20};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = can.rounds();
  auto unit = repeat("GET /plaintext HTTP/1.1\r\nHost: flood\r\n\r\n", 64 * 1024);
  auto r = flood_without_reading(server.port(), server.pid(), unit);
  auto during = can.rounds() - before;
  check_flood(r);
  auto until = clock_type::now() + generous;
  std::optional<std::uint64_t> timeouts;
  while (clock_type::now() < until) {
    if (auto stats = http_get(server.port(), "/stats"))
      timeouts = json_counter(stats->body, "write_timeout");
    if (timeouts.value_or(0) >= 1)
      break;
    std::this_thread::sleep_for(50ms);
  }
  BOOST_TEST(timeouts == std::uint64_t{1});
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  BOOST_TEST(during >= 10u);
}

BOOST_AUTO_TEST_CASE(http_client_pipelining_file_requests_without_reading) {
  // Each queued file response holds its file open until sent: the descriptors a client that
  // never reads can pin must stay bounded too. With a 64 KiB high-water mark, one 8 MiB file
  // already passes it, so at most a few requests should be taken before reading stops.
  static_root root;
  auto server = start_http(root.path(), http_options());
  canary can{canary_kind::http, server.port(), /*reconnect_every=*/20};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto fds_before = open_fds(server.pid()).value_or(0);
  for (auto* path : {"/static/big.bin", "/static/small.txt"}) {
    BOOST_TEST_CONTEXT(path) {
      auto unit = repeat(std::string{"GET "} + path + " HTTP/1.1\r\nHost: flood\r\n\r\n",
                         64 * 1024);
      auto r = flood_without_reading(server.port(), server.pid(), unit);
      BOOST_TEST_MESSAGE(path << ": sent " << r.sent / 1024 << " KiB, server fds peaked at "
                              << r.peak_fds << " (" << fds_before << " before), RSS growth "
                              << r.peak_rss_growth_kib << " KiB");
      BOOST_TEST(r.closed);
      BOOST_TEST(r.closed_after_stall < write_timeout + 8s);
      BOOST_TEST(r.peak_rss_growth_kib < 8 * 1024);
      BOOST_TEST(r.peak_fds < fds_before + 256);
    }
  }
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
}

BOOST_AUTO_TEST_CASE(http_requests_pipelined_behind_a_stalled_stream_stay_bounded) {
  // /dynamic/ bodies are streamed piece by piece, the next piece pulled only once the output
  // drained, so a stalled stream keeps the output small and the connection keeps reading.
  // The requests pipelined behind it must still not pile up (memory, open files) without
  // bound until the write timeout. (Descriptor limit 1024 to contain the damage.)
  static_root root;
  auto server = start_http(root.path(),
                           {"--write-timeout-ms=5000", "--max-keepalive-requests=1000000000"},
                           /*fd_limit=*/1024);
  canary can{canary_kind::http, server.port(), /*reconnect_every=*/20};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto fds_before = open_fds(server.pid()).value_or(0);
  auto unit = repeat("GET /dynamic/big.bin HTTP/1.1\r\nHost: flood\r\n\r\n", 64 * 1024);
  auto r = flood_without_reading(server.port(), server.pid(), unit, /*deadline=*/15s);
  BOOST_TEST_MESSAGE("behind a stalled stream: sent " << r.sent / 1024 << " KiB, server fds "
                                                      << fds_before << " -> " << r.peak_fds
                                                      << ", RSS growth "
                                                      << r.peak_rss_growth_kib << " KiB");
  BOOST_TEST(r.closed);  // by the write timeout, 5 s after the stream stalled
  BOOST_TEST(r.peak_rss_growth_kib < 8 * 1024);
  BOOST_TEST(r.peak_fds < fds_before + 256);
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
}
