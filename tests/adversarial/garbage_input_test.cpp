// Garbage and truncated input on every listener: random bytes, random truncations of valid
// frames and requests, and mutated valid input (seeded, so every run sends the same cases),
// one connection per case with a bounded number in flight. Each case must end with the server
// answering or closing, never hanging; answers must be well formed (HTTP: "HTTP/1.1 " and a
// valid status; echo: exactly the frames that were complete); canaries keep being served.
#define BOOST_TEST_MODULE adversarial_garbage_input
#include <boost/test/unit_test.hpp>

#include "tests/adversarial/canary.hpp"
#include "tests/adversarial/connection_batch.hpp"
#include "tests/adversarial/demo_servers.hpp"
#include "tests/adversarial/http_wire.hpp"
#include "tests/adversarial/process_probe.hpp"
#include "tests/adversarial/test_printing.hpp"

#include <csignal>
#include <map>
#include <random>
#include <sstream>

using namespace warren::test;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t max_frame_size = 4096;

/// Makes the cases: valid input from `valid`, then random bytes, truncations or mutations.
class case_maker {
public:
  explicit case_maker(unsigned seed) : rng_(seed) {}

  std::string random_bytes(std::size_t max_size) {
    std::string out(rng_() % (max_size + 1), '\0');
    for (auto& c : out)
      c = static_cast<char>(rng_());
    return out;
  }

  /// One case out of valid input: kept, truncated, or mutated; or plain random bytes.
  std::string make(const std::string& valid) {
    switch (rng_() % 4) {
      case 0:
        return random_bytes(600);
      case 1:
        return valid.substr(0, rng_() % (valid.size() + 1));
      case 2:
        return valid;
      default:
        return mutate(valid);
    }
  }

  std::string mutate(std::string s) {
    auto edits = 1 + rng_() % 4;
    for (std::size_t e = 0; e < edits; ++e) {
      auto pos = s.empty() ? 0 : rng_() % s.size();
      switch (rng_() % 4) {
        case 0:  // flip a byte
          if (!s.empty())
            s[pos] = static_cast<char>(rng_());
          break;
        case 1:  // insert bytes
          s.insert(pos, random_bytes(8));
          break;
        case 2:  // delete bytes
          if (!s.empty())
            s.erase(pos, 1 + rng_() % 8);
          break;
        default:  // duplicate a piece
          s.insert(pos, s.substr(pos, rng_() % 32));
          break;
      }
    }
    return s;
  }

  std::mt19937& rng() { return rng_; }

private:
  std::mt19937 rng_;
};

/// What the echo server must send back for `input` (then EOF): every complete frame up to
/// the first oversize announcement or the end. `oversize` tells whether one came.
std::string expected_echo(const std::string& input, bool& oversize) {
  std::string out;
  std::size_t pos = 0;
  oversize = false;
  while (input.size() - pos >= 4) {
    auto b = reinterpret_cast<const unsigned char*>(input.data() + pos);
    std::size_t length = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16)
                         | (std::size_t{b[2]} << 8) | std::size_t{b[3]};
    if (length > max_frame_size) {
      oversize = true;
      break;
    }
    if (input.size() - pos - 4 < length)
      break;
    out += input.substr(pos, 4 + length);
    pos += 4 + length;
  }
  return out;
}

/// True when `bytes` is a whole number of frames (what a chat member may receive).
bool whole_frames(const std::string& bytes) {
  bool oversize = false;
  return expected_echo(bytes, oversize).size() == bytes.size();
}

std::string valid_frames(case_maker& maker) {
  std::string out;
  auto frames = 1 + maker.rng()() % 5;
  for (std::size_t f = 0; f < frames; ++f)
    out += encode_frame(maker.random_bytes(f % 3 == 0 ? 2000 : 100));
  return out;
}

std::string valid_requests(case_maker& maker) {
  static const std::vector<std::string> requests{
    "GET /plaintext HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    "GET /static/small.txt HTTP/1.1\r\nHost: fuzz\r\nIf-Modified-Since: Sun, 06 Nov 1994 "
    "08:49:37 GMT\r\n\r\n",
    "GET /static/big.bin HTTP/1.1\r\nHost: fuzz\r\nRange: bytes=100-299\r\n\r\n",
    "GET /dynamic/small.txt HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    "GET /static/../secret HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    "GET / HTTP/1.0\r\n\r\n",
    "GET /nothing-here?a=b HTTP/1.1\r\nHost: fuzz\r\nAccept: */*\r\n\r\n",
    "POST /plaintext HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 5\r\n\r\nhello",
    "POST /plaintext HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n",
    "PUT /plaintext HTTP/1.1\r\nHost: fuzz\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
    "abc",
    "OPTIONS * HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    "GET /plaintext HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n",
  };
  std::string out;
  auto count = 1 + maker.rng()() % 3;
  for (std::size_t r = 0; r < count; ++r)
    out += requests[maker.rng()() % requests.size()];
  return out;
}

/// Runs `inputs` twice as one batch: half-closed after sending (the server sees EOF), and, for
/// the first `open_cases`, left open (only the server's timeouts can end them).
struct batches {
  std::vector<case_result> closed;
  std::vector<case_result> open;
};

batches run(std::uint16_t port, const std::vector<std::string>& inputs, std::size_t open_cases) {
  batch_options options;
  options.max_in_flight = 32;
  options.case_deadline = 15s;
  batches out;
  out.closed = run_batch(port, inputs, options);
  options.half_close = false;
  options.max_in_flight = 64;
  std::vector<std::string> some(inputs.begin(),
                                inputs.begin() + static_cast<std::ptrdiff_t>(open_cases));
  out.open = run_batch(port, some, options);
  return out;
}

std::size_t count_endings(const std::vector<case_result>& results, ending e) {
  std::size_t n = 0;
  for (auto& r : results)
    n += r.end == e ? 1 : 0;
  return n;
}

void check_ended(const batches& b) {
  for (auto* results : {&b.closed, &b.open})
    for (std::size_t i = 0; i < results->size(); ++i)
      BOOST_TEST_CONTEXT("case " << i << (results == &b.open ? " (left open)" : "")) {
        BOOST_TEST((*results)[i].end != ending::deadline);
        BOOST_TEST((*results)[i].end != ending::connect_failed);
      }
  BOOST_TEST_MESSAGE("ended by eof " << count_endings(b.closed, ending::eof) << ", reset "
                                     << count_endings(b.closed, ending::reset) << "; left open: "
                                     << count_endings(b.open, ending::eof) << " / "
                                     << count_endings(b.open, ending::reset));
}

void finish(server_process& server, canary& can, std::uint64_t rounds_before) {
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  BOOST_TEST(report.rounds - rounds_before >= 10u);
  BOOST_TEST(process_alive(server.pid()));
  server.signal(SIGTERM);
  BOOST_TEST(server.wait_exit(generous) == 0);
}

const std::vector<std::string> framed_options{"--max-frame-size=4096", "--idle-timeout-ms=2000"};

} // namespace

BOOST_AUTO_TEST_CASE(echo_listener_survives_garbage) {
  auto server = start_echo(framed_options);
  canary can{canary_kind::echo, server.port(), /*reconnect_every=*/10};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto rounds_before = can.rounds();
  case_maker maker{11};
  std::vector<std::string> inputs;
  for (int i = 0; i < 2500; ++i)
    inputs.push_back(maker.make(valid_frames(maker)));
  auto b = run(server.port(), inputs, 200);
  check_ended(b);
  std::size_t oversize_cases = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    bool oversize = false;
    auto expected = expected_echo(inputs[i], oversize);
    auto& got = b.closed[i].received;
    BOOST_TEST_CONTEXT("case " << i << " (" << inputs[i].size() << " bytes)") {
      if (!oversize) {
        BOOST_TEST(got.size() == expected.size());
        BOOST_TEST((got == expected));
        continue;
      }
      // An oversize announcement closes the connection at once: what came back, if anything,
      // is the echo of some of the complete frames before it, whole frames only.
      ++oversize_cases;
      BOOST_TEST((expected.compare(0, got.size(), got) == 0 && whole_frames(got)));
    }
  }
  BOOST_TEST_MESSAGE("echo: " << inputs.size() << " cases, " << oversize_cases << " oversize");
  finish(server, can, rounds_before);
}

BOOST_AUTO_TEST_CASE(chat_listener_survives_garbage) {
  auto server = start_chat(framed_options);
  canary can{canary_kind::chat, server.port()};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto rounds_before = can.rounds();
  case_maker maker{12};
  std::vector<std::string> inputs;
  for (int i = 0; i < 1500; ++i)
    inputs.push_back(maker.make(valid_frames(maker)));
  // None left open: relayed lines are traffic, so a member's idle timeout never fires while
  // the room talks (the canaries talk all the time).
  auto b = run(server.port(), inputs, 0);
  check_ended(b);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    bool oversize = false;
    expected_echo(inputs[i], oversize);
    if (!oversize && b.closed[i].end == ending::eof)
      BOOST_TEST(whole_frames(b.closed[i].received), "case " << i);  // relayed lines, whole
  }
  finish(server, can, rounds_before);
}

BOOST_AUTO_TEST_CASE(http_listener_survives_garbage) {
  static_root root;
  auto server = start_http(root.path(), {"--header-timeout-ms=1000", "--idle-timeout-ms=2000"});
  canary can{canary_kind::http, server.port(), /*reconnect_every=*/10};
  BOOST_REQUIRE(can.wait_rounds(3));
  auto rounds_before = can.rounds();
  case_maker maker{13};
  std::vector<std::string> inputs;
  for (int i = 0; i < 3000; ++i)
    inputs.push_back(maker.make(valid_requests(maker)));
  auto b = run(server.port(), inputs, 300);
  check_ended(b);
  std::map<int, std::size_t> statuses;
  for (auto* results : {&b.closed, &b.open})
    for (std::size_t i = 0; i < results->size(); ++i) {
      auto& got = (*results)[i].received;
      auto parsed = parse_responses(got);
      for (auto& r : parsed.responses)
        ++statuses[r.status];
      BOOST_TEST_CONTEXT("case " << i << (results == &b.open ? " (left open)" : "")
                                 << " sent '" << inputs[i] << "' got '" << got << "'") {
        BOOST_TEST(parsed.error == "");
        if ((*results)[i].received_bytes == got.size())  // (not when we kept only a prefix)
          BOOST_TEST(parsed.consumed == got.size());     // no response cut short
      }
    }
  std::ostringstream seen;
  for (auto& [status, n] : statuses)
    seen << ' ' << status << ':' << n;
  BOOST_TEST_MESSAGE("http statuses:" << seen.str());
  BOOST_TEST(statuses[400] > 0u);
  BOOST_TEST(statuses[200] > 0u);
  finish(server, can, rounds_before);
}

BOOST_AUTO_TEST_CASE(frames_before_an_oversize_one_are_answered) {
  // The handler ran for "hello" before the oversize announcement arrived in the same read:
  // its reply must not be thrown away (HTTP answers the requests before a bad one, too).
  auto server = start_echo(framed_options);
  test_client client{server.port()};
  client.send_all(encode_frame("hello") + std::string{"\x7f\xff\xff\xff", 4});
  BOOST_TEST(client.read_frame(10s) == std::string{"hello"});
  BOOST_TEST(client.wait_closed());
}
