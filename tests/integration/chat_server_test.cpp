#define BOOST_TEST_MODULE chat_server
#include <boost/test/unit_test.hpp>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

#include <map>
#include <vector>

using namespace warren::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(fan_out_to_fifty_clients) {
  server_process server{WARREN_CHAT_PATH, {"--host=127.0.0.1", "--port=0"}};
  constexpr int members = 50;
  constexpr int messages_each = 5;
  std::vector<test_client> clients;
  for (int i = 0; i < members; ++i)
    clients.emplace_back(server.port());
  // Joining is asynchronous: client 0 sends probes until every other client has seen one,
  // so all of them are surely in the room before the real traffic starts.
  std::vector<bool> joined(members, false);
  joined[0] = true;
  int probes = 0;
  auto until = std::chrono::steady_clock::now() + generous;
  auto all_joined = [&] {
    for (bool j : joined)
      if (!j)
        return false;
    return true;
  };
  while (!all_joined() && std::chrono::steady_clock::now() < until) {
    clients[0].send_frame("probe");
    ++probes;
    for (int i = 1; i < members; ++i)
      if (!joined[i])
        joined[i] = clients[i].read_frame(20ms).has_value();
  }
  BOOST_REQUIRE(all_joined());
  // Drain the remaining probes: each client got at most `probes` of them.
  for (int i = 1; i < members; ++i)
    while (auto f = clients[i].read_frame(100ms))
      BOOST_REQUIRE(*f == "probe");
  // Everyone says something; every other member hears all of it, in each sender's order.
  for (int m = 0; m < messages_each; ++m)
    for (int i = 0; i < members; ++i)
      clients[i].send_frame("from " + std::to_string(i) + " #" + std::to_string(m));
  for (int i = 0; i < members; ++i) {
    std::map<int, int> next_from;  // sender -> next expected message number
    for (int k = 0; k < (members - 1) * messages_each; ++k) {
      auto f = clients[i].read_frame();
      BOOST_REQUIRE_MESSAGE(f.has_value(), "client " << i << " missed frame " << k);
      auto sender = std::stoi(f->substr(5, f->find(' ', 5) - 5));
      auto number = std::stoi(f->substr(f->find('#') + 1));
      BOOST_TEST(sender != i);  // nobody hears themselves
      BOOST_TEST(number == next_from[sender]);
      next_from[sender] = number + 1;
    }
    BOOST_TEST(next_from.size() == std::size_t{members - 1});
  }
  // Nothing more for anyone.
  for (int i = 0; i < members; ++i)
    BOOST_TEST(!clients[i].read_frame(50ms).has_value());
}

BOOST_AUTO_TEST_CASE(a_member_that_stops_reading_is_dropped_once_its_output_passes_the_limit) {
  // The room's frames are pushed to members, so backpressure cannot slow them: a member that
  // reads nothing would hold an ever-growing queue. Past --max-output-bytes it is closed,
  // and everyone else keeps getting every frame.
  server_process server{WARREN_CHAT_PATH,
                        {"--host=127.0.0.1", "--port=0", "--output-high-water-bytes=4096",
                         "--max-output-bytes=65536", "--write-timeout-ms=0"}};
  test_client sender{server.port()};
  test_client reader{server.port()};
  test_client stalled{server.port(), 4096};  // the kernel holds little for it (faster runs)
  // Joining is asynchronous: probe until both others have heard the sender.
  bool reader_joined = false;
  bool stalled_joined = false;
  auto until = std::chrono::steady_clock::now() + generous;
  while (!(reader_joined && stalled_joined) && std::chrono::steady_clock::now() < until) {
    sender.send_frame("probe");
    reader_joined = reader_joined || reader.read_frame(20ms).has_value();
    stalled_joined = stalled_joined || stalled.read_frame(20ms).has_value();
  }
  BOOST_REQUIRE(reader_joined && stalled_joined);
  while (auto f = reader.read_frame(100ms))
    BOOST_REQUIRE(*f == "probe");
  // 6 MiB: more than the limit plus what the kernel buffers for the stalled member (its
  // send buffer grows to net.ipv4.tcp_wmem's 4 MiB on loopback).
  constexpr int frames = 384;
  for (int i = 0; i < frames; ++i) {
    std::string payload(16 * 1024, static_cast<char>('a' + i % 26));
    payload.replace(0, std::to_string(i).size(), std::to_string(i));
    sender.send_frame(payload);
    auto got = reader.read_frame();
    BOOST_REQUIRE_MESSAGE(got.has_value(), "the reader missed frame " << i);
    BOOST_REQUIRE(*got == payload);
  }
  BOOST_TEST(stalled.wait_closed());
  // The room goes on without it.
  sender.send_frame("still here");
  BOOST_TEST(reader.read_frame() == std::optional<std::string>{"still here"});
}
