// Peers that misbehave at the transport level: reset in the middle of a large response,
// half-close after sending (every reply must still arrive), or vanish halfway through a
// request. The server must stay healthy (canaries), leak no connection, and exit 0 on SIGTERM.
#define BOOST_TEST_MODULE adversarial_abrupt_peers
#include <boost/test/unit_test.hpp>

#include "tests/adversarial/canary.hpp"
#include "tests/adversarial/demo_servers.hpp"
#include "tests/adversarial/http_wire.hpp"
#include "tests/adversarial/parallel.hpp"
#include "tests/adversarial/process_probe.hpp"
#include "tests/adversarial/test_printing.hpp"

#include <csignal>
#include <random>
#include <sys/socket.h>
#include <mutex>
#include <thread>

using namespace warren::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// Makes the next close send a reset (RST) instead of FIN.
void reset_on_close(test_client& client) {
  linger l{1, 0};
  ::setsockopt(client.fd(), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/// What a server holds that ended connections must give back.
struct held {
  std::size_t sockets = 0;
  std::size_t files = 0;  ///< open files (being sent)
};

held holding(int pid) {
  return {open_sockets(pid).value_or(0), open_files(pid).value_or(0)};
}

/// Waits until the server holds no more than `before` (closed connections are gone).
bool settles(int pid, held before) {
  auto until = clock_type::now() + generous;
  for (;;) {
    auto now = holding(pid);
    if (now.sockets <= before.sockets && now.files <= before.files)
      return true;
    if (clock_type::now() > until)
      return false;
    std::this_thread::sleep_for(20ms);
  }
}

/// No leaked connection, the canary served during the attack and still served after it,
/// the process alive, and a clean exit on SIGTERM.
void check_healthy_then_stop(server_process& server, canary& can, std::uint64_t rounds_before,
                             held before) {
  BOOST_TEST(can.rounds() > rounds_before);
  BOOST_TEST(can.wait_rounds(3, can.rounds()));
  BOOST_TEST(settles(server.pid(), before),
             "sockets " << before.sockets << ", files " << before.files << " before; now "
                        << holding(server.pid()).sockets << ", "
                        << holding(server.pid()).files);
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  BOOST_TEST(process_alive(server.pid()));
  server.signal(SIGTERM);
  BOOST_TEST(server.wait_exit(generous) == 0);
}

std::string big_request(bool dynamic) {
  return std::string{"GET "} + (dynamic ? "/dynamic/big.bin" : "/static/big.bin")
         + " HTTP/1.1\r\nHost: reset\r\n\r\n";
}

} // namespace

BOOST_AUTO_TEST_CASE(http_peers_resetting_mid_response) {
  static_root root;
  auto server = start_http(root.path());
  canary can{canary_kind::http, server.port()};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = holding(server.pid());
  auto rounds_before = can.rounds();
  std::atomic<int> partial{0};
  in_parallel(4, [&](int t) {
    std::mt19937 rng{static_cast<unsigned>(100 + t)};
    for (int i = 0; i < 30; ++i) {
      test_client client{server.port()};
      // Two requests pipelined, so a reset can also hit a queued second response.
      client.send_all(big_request(i % 2 == 0) + big_request(i % 3 == 0));
      auto want = rng() % (2u << 20);  // read up to 2 MiB of the 16 MiB, then reset
      if (want > 0 && client.read_exact(want, 10s))
        ++partial;
      reset_on_close(client);
    }
  });
  BOOST_TEST(partial.load() > 100);  // the responses were really under way
  check_healthy_then_stop(server, can, rounds_before, before);
}

BOOST_AUTO_TEST_CASE(echo_peers_resetting_mid_echo) {
  auto server = start_echo();
  canary can{canary_kind::echo, server.port()};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = holding(server.pid());
  auto rounds_before = can.rounds();
  in_parallel(4, [&](int t) {
    std::mt19937 rng{static_cast<unsigned>(200 + t)};
    // At most 3.5 frames in flight (< the 1 MiB high-water mark): our blocking sends can
    // never wait for a server that waits for us to read.
    const std::string frame = encode_frame(std::string(256 * 1024, 'r'));
    for (int i = 0; i < 30; ++i) {
      test_client client{server.port()};
      auto frames = 1 + rng() % 3;
      for (std::size_t f = 0; f < frames; ++f)
        client.send_all(frame);
      auto want = rng() % frame.size();
      if (want > 0)
        client.read_exact(want, 10s);
      if (i % 5 == 0) {  // sometimes half a frame more, then the reset
        client.send_all(frame.substr(0, frame.size() / 2));
      }
      reset_on_close(client);
    }
  });
  check_healthy_then_stop(server, can, rounds_before, before);
}

BOOST_AUTO_TEST_CASE(half_closed_http_peers_get_every_response) {
  static_root root;
  auto server = start_http(root.path());
  canary can{canary_kind::http, server.port()};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = holding(server.pid());
  auto rounds_before = can.rounds();
  in_parallel(4, [&](int t) {
    for (int i = 0; i < 3; ++i) {
      test_client client{server.port()};
      std::string requests;
      std::vector<std::string> expected;  // the bodies, in order
      for (int r = 0; r < 12; ++r) {
        if (r % 6 == 5) {  // one large file per six requests, by sendfile or streamed
          requests += big_request((t + i + r) % 2 == 0);
          expected.push_back("big");
        } else if (r % 2 == 1) {
          requests += "GET /static/small.txt HTTP/1.1\r\nHost: h\r\n\r\n";
          expected.push_back("small file\n");
        } else {
          requests += "GET /plaintext HTTP/1.1\r\nHost: h\r\n\r\n";
          expected.push_back("Hello, World!");
        }
      }
      client.send_all(requests);
      client.shutdown_write();
      auto received = client.read_until_eof();  // EOF: every response is out
      auto parsed = parse_responses(received);
      std::lock_guard<std::mutex> one_thread_asserts{assertion_mutex()};
      BOOST_TEST_CONTEXT("thread " << t << " client " << i) {
        BOOST_TEST(parsed.error == "");
        BOOST_TEST(parsed.consumed == received.size());
        BOOST_TEST(parsed.responses.size() == expected.size());
        if (parsed.responses.size() != expected.size())
          continue;
        for (std::size_t r = 0; r < expected.size(); ++r) {
          auto& body = parsed.responses[r].body;
          BOOST_TEST(parsed.responses[r].status == 200);
          if (expected[r] != "big") {
            BOOST_TEST(body == expected[r]);
            continue;
          }
          BOOST_TEST(body.size() == static_root::big_bytes);
          if (body.size() != static_root::big_bytes)
            continue;
          std::size_t wrong = 0;
          for (std::size_t k = 0; k < body.size(); ++k)
            wrong += body[k] != static_root::big_byte(k) ? 1 : 0;
          BOOST_TEST(wrong == 0u);
        }
      }
    }
  });
  check_healthy_then_stop(server, can, rounds_before, before);
}

BOOST_AUTO_TEST_CASE(half_closed_echo_peers_get_every_frame) {
  auto server = start_echo();
  canary can{canary_kind::echo, server.port()};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto before = holding(server.pid());
  auto rounds_before = can.rounds();
  in_parallel(4, [&](int t) {
    std::mt19937 rng{static_cast<unsigned>(300 + t)};
    for (int i = 0; i < 10; ++i) {
      test_client client{server.port()};
      std::string wire;
      for (int f = 0; f < 200; ++f) {
        std::string payload(rng() % (f % 50 == 0 ? 300000 : 2000), '\0');
        for (auto& c : payload)
          c = static_cast<char>(rng());
        wire += encode_frame(payload);
      }
      // Send from another thread: the echo comes back while we still send.
      std::thread sender{[&] {
        client.send_all(wire);
        client.shutdown_write();
      }};
      auto received = client.read_until_eof();
      sender.join();
      std::lock_guard<std::mutex> one_thread_asserts{assertion_mutex()};
      BOOST_TEST(received.size() == wire.size());
      BOOST_TEST((received == wire));
    }
  });
  check_healthy_then_stop(server, can, rounds_before, before);
}

BOOST_AUTO_TEST_CASE(peers_vanishing_mid_request) {
  static_root root;
  auto http = start_http(root.path());
  auto echo = start_echo();
  canary http_can{canary_kind::http, http.port()};
  canary echo_can{canary_kind::echo, echo.port()};
  BOOST_REQUIRE(http_can.wait_rounds(3));
  BOOST_REQUIRE(echo_can.wait_rounds(3));
  auto http_before = holding(http.pid());
  auto echo_before = holding(echo.pid());
  auto http_rounds = http_can.rounds();
  auto echo_rounds = echo_can.rounds();
  const std::string request = "POST /plaintext HTTP/1.1\r\nHost: v\r\nContent-Length: 100\r\n\r\n"
                              + std::string(50, 'b');
  const std::string frame = encode_frame(std::string(1000, 'v'));
  // At least 250 vanishing peers per thread, and on until each canary was served twice while
  // they came: a quick attack must not end before an ordinary client had its turn, or
  // "served during the attack" would depend on how fast the machine is.
  auto attack_until = clock_type::now() + generous;
  auto both_served = [&] {
    return http_can.rounds() >= http_rounds + 2 && echo_can.rounds() >= echo_rounds + 2;
  };
  in_parallel(4, [&](int t) {
    std::mt19937 rng{static_cast<unsigned>(400 + t)};
    for (int i = 0; i < 250 || (!both_served() && clock_type::now() < attack_until); ++i) {
      bool to_http = i % 2 == 0;
      test_client client{to_http ? http.port() : echo.port()};
      auto& bytes = to_http ? request : frame;
      client.send_all(std::string_view{bytes}.substr(0, rng() % bytes.size()));
      if (i % 4 < 2)
        reset_on_close(client);  // half of them reset, half just close
    }
  });
  check_healthy_then_stop(http, http_can, http_rounds, http_before);
  check_healthy_then_stop(echo, echo_can, echo_rounds, echo_before);
}

BOOST_AUTO_TEST_CASE(sigterm_right_after_listening_is_graceful) {
  // A supervisor may stop a server as soon as it said it listens: that must be the graceful
  // shutdown (exit 0) too, not death by the signal's default action.
  int killed_by_signal = 0;
  for (int i = 0; i < 20; ++i) {
    auto server = start_echo();
    server.signal(SIGTERM);
    killed_by_signal += server.wait_exit(generous) == 0 ? 0 : 1;
  }
  BOOST_TEST(killed_by_signal == 0, killed_by_signal << " of 20 did not exit 0");
}
