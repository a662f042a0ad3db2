// File-descriptor exhaustion: the server runs with a low descriptor limit and more clients
// connect than it can hold. It must keep serving the connections it has, not spin while it
// cannot accept, and accept again once descriptors free up.
#define BOOST_TEST_MODULE adversarial_fd_exhaustion
#include <boost/test/unit_test.hpp>

#include "tests/adversarial/canary.hpp"
#include "tests/adversarial/demo_servers.hpp"
#include "tests/adversarial/http_wire.hpp"
#include "tests/adversarial/process_probe.hpp"
#include "tests/adversarial/test_printing.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

using namespace warren::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int fd_limit = 200;
constexpr std::size_t clients_total = 320;  // well over the limit
constexpr std::size_t clients_to_close = 150;

enum class protocol { echo, http };

std::string request_for(protocol p, std::size_t i) {
  if (p == protocol::echo)
    return encode_frame("client " + std::to_string(i));
  return "GET /plaintext HTTP/1.1\r\nHost: client-" + std::to_string(i) + "\r\n\r\n";
}

bool reply_complete(protocol p, std::size_t i, const std::string& received) {
  if (p == protocol::echo)
    return received == encode_frame("client " + std::to_string(i));
  auto parsed = parse_responses(received);
  return parsed.error.empty() && parsed.responses.size() == 1
         && parsed.responses[0].status == 200 && parsed.responses[0].body == "Hello, World!"
         && parsed.consumed == received.size();
}

/// A client whose request went out at connect time; the reply comes once it is accepted.
struct waiting_client {
  std::unique_ptr<test_client> client;
  std::string received;
  bool served = false;
};

/// Reads replies until every open client is served, or no reply came for `quiet`, or the
/// deadline. Returns how many are served.
std::size_t collect_replies(protocol p, std::vector<waiting_client>& clients,
                            std::chrono::milliseconds quiet,
                            std::chrono::milliseconds deadline = generous) {
  auto until = clock_type::now() + deadline;
  auto last_reply = clock_type::now();
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> index;
    std::size_t served = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (clients[i].served)
        ++served;
      else if (clients[i].client) {
        fds.push_back({clients[i].client->fd(), POLLIN, 0});
        index.push_back(i);
      }
    }
    auto now = clock_type::now();
    if (fds.empty() || now > until || now - last_reply > quiet)
      return served;
    ::poll(fds.data(), fds.size(), 50);
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      auto& c = clients[index[k]];
      char buf[4096];
      auto n = ::recv(c.client->fd(), buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0)
        c.received.append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        c.client.reset();  // closed: never served
      if (c.client && reply_complete(p, index[k], c.received)) {
        c.served = true;
        last_reply = clock_type::now();
      }
    }
  }
}

void saturate_and_recover(protocol p, server_process& server) {
  const int pid = server.pid();
  auto kind = p == protocol::echo ? canary_kind::echo : canary_kind::http;
  // Admitted before the flood; paced so that its traffic does not count in the CPU window.
  canary can{kind, server.port(), /*reconnect_every=*/0, /*seed=*/3, /*pace=*/100ms};
  BOOST_REQUIRE(can.wait_rounds(2));
  std::unique_ptr<test_client> stats;
  if (p == protocol::http)
    stats = std::make_unique<test_client>(server.port());
  const std::string stats_request = "GET /stats HTTP/1.1\r\nHost: stats\r\n\r\n";
  if (stats)
    BOOST_REQUIRE(http_exchange(*stats, stats_request).has_value());

  std::vector<waiting_client> clients(clients_total);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i].client = std::make_unique<test_client>(server.port());  // the backlog takes it
    clients[i].client->send_all(request_for(p, i));
  }
  // Saturated: every descriptor the server may have is in use.
  auto until = clock_type::now() + generous;
  while (open_fds(pid).value_or(0) < static_cast<std::size_t>(fd_limit)
         && clock_type::now() < until)
    std::this_thread::sleep_for(20ms);
  BOOST_REQUIRE_GE(open_fds(pid).value_or(0), static_cast<std::size_t>(fd_limit));
  auto served = collect_replies(p, clients, /*quiet=*/1500ms);
  BOOST_TEST_MESSAGE("saturated at " << fd_limit << " descriptors: " << served << " of "
                                     << clients_total << " clients served");
  BOOST_TEST(served >= clients_to_close);
  BOOST_TEST(served < clients_total);  // the rest wait in the backlog

  // No spinning while it cannot accept (the old clients keep talking meanwhile).
  auto rounds_before = can.rounds();
  auto cpu_before = cpu_seconds(pid).value_or(0);
  std::this_thread::sleep_for(2s);
  auto cpu_used = cpu_seconds(pid).value_or(100) - cpu_before;
  BOOST_TEST_MESSAGE("server CPU while saturated: " << cpu_used << " s in 2 s");
  BOOST_TEST(cpu_used < 0.5);
  BOOST_TEST(can.rounds() - rounds_before >= 5u);  // admitted connections still served
  if (stats) {
    auto r = http_exchange(*stats, stats_request);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(json_counter(r->body, "accept_paused").value_or(0) > 0u);
  }

  // Free descriptors: the clients waiting in the backlog and newcomers get served.
  std::size_t closed = 0;
  for (auto& c : clients)
    if (c.served && closed < clients_to_close) {
      c.client.reset();
      c.served = false;
      ++closed;
    }
  std::size_t waiting = 0;
  for (auto& c : clients)
    waiting += c.client && !c.served ? 1 : 0;
  auto now_served = collect_replies(p, clients, /*quiet=*/generous);
  BOOST_TEST(now_served == clients_total - clients_to_close,
             waiting << " were waiting; " << now_served + clients_to_close - served
                     << " of them were served");
  test_client newcomer{server.port()};
  newcomer.send_all(request_for(p, 9999));
  std::string got;
  auto newcomer_until = clock_type::now() + generous;
  while (!reply_complete(p, 9999, got) && clock_type::now() < newcomer_until) {
    char buf[4096];
    pollfd pfd{newcomer.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 100) > 0) {
      auto n = ::recv(newcomer.fd(), buf, sizeof(buf), 0);
      if (n <= 0)
        break;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }
  BOOST_TEST(reply_complete(p, 9999, got));

  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  clients.clear();
  server.signal(SIGTERM);
  BOOST_TEST(server.wait_exit(generous) == 0);
}

} // namespace

BOOST_AUTO_TEST_CASE(echo_server_out_of_descriptors_keeps_serving_and_recovers) {
  auto server = start_echo({}, fd_limit);
  saturate_and_recover(protocol::echo, server);
}

BOOST_AUTO_TEST_CASE(http_server_out_of_descriptors_keeps_serving_and_recovers) {
  static_root root;
  auto server = start_http(root.path(), {}, fd_limit);
  saturate_and_recover(protocol::http, server);
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_cannot_pin_every_descriptor) {
  // Default high-water mark; a keep-alive limit the flood never reaches. Each queued file
  // response keeps its file open until it is sent, so pipelined requests for a small file
  // that are never read pin descriptors: that must stay a small share of the limit.
  constexpr int limit = 1024;
  static_root root;
  auto server = start_http(root.path(), {"--max-keepalive-requests=1000000000"}, limit);
  auto fds_before = open_fds(server.pid()).value_or(0);
  test_client flood{server.port()};
  ::fcntl(flood.fd(), F_SETFL, ::fcntl(flood.fd(), F_GETFL) | O_NONBLOCK);
  std::string unit;
  while (unit.size() < 64 * 1024)
    unit += "GET /static/small.txt HTTP/1.1\r\nHost: flood\r\n\r\n";
  // Send until the server stops taking requests (no progress for a second).
  std::size_t offset = 0;
  std::size_t peak_fds = 0;
  auto last_progress = clock_type::now();
  auto until = clock_type::now() + generous;
  while (clock_type::now() - last_progress < 1s && clock_type::now() < until) {
    peak_fds = std::max(peak_fds, open_fds(server.pid()).value_or(0));
    pollfd pfd{flood.fd(), POLLOUT, 0};
    if (::poll(&pfd, 1, 10) <= 0 || !(pfd.revents & POLLOUT))
      continue;
    auto n = ::send(flood.fd(), unit.data() + offset, unit.size() - offset, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    offset = (offset + static_cast<std::size_t>(n)) % unit.size();
    last_progress = clock_type::now();
  }
  peak_fds = std::max(peak_fds, open_fds(server.pid()).value_or(0));
  BOOST_TEST_MESSAGE("one never-reading client: server descriptors " << fds_before << " -> "
                                                                     << peak_fds << " of "
                                                                     << limit);
  // Others are still served, files included.
  auto other = http_get(server.port(), "/static/small.txt", 10s);
  BOOST_TEST((other && other->status == 200 && other->body == "small file\n"),
             "GET /static/small.txt by another client: "
               << (other ? std::to_string(other->status) : std::string{"no answer"}));
  BOOST_TEST(peak_fds < static_cast<std::size_t>(limit) / 2);
}
