#define BOOST_TEST_MODULE framed_connection
#include <boost/test/unit_test.hpp>

#include "actors/atoms.hpp"
#include "actors/engine.hpp"
#include "tests/support/test_client.hpp"
#include "transport/memory_stream.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <random>
#include <thread>

using namespace warren;
using namespace std::chrono_literals;

namespace {

/// The test's end of an in-memory connection, used from the test thread by polling.
struct peer {
  std::unique_ptr<transport::memory_stream> end;

  /// Writes everything, waiting (bounded) while the pipe is full. False on failure.
  bool write_all(std::string_view bytes, std::chrono::milliseconds deadline = test::generous) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!bytes.empty()) {
      iovec v{const_cast<char*>(bytes.data()), bytes.size()};
      auto r = end->write_some(&v, 1);
      if (r.status == transport::io_result::ok) {
        bytes.remove_prefix(r.bytes);
        continue;
      }
      if (r.status != transport::io_result::would_block
          || std::chrono::steady_clock::now() > until)
        return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  /// Reads until `n` bytes arrived, EOF, or the deadline.
  std::string read(std::size_t n, std::chrono::milliseconds deadline = test::generous) {
    auto until = std::chrono::steady_clock::now() + deadline;
    std::string out;
    char buf[65536];
    while (out.size() < n && std::chrono::steady_clock::now() < until) {
      auto r = end->read_some(buf, std::min(sizeof(buf), n - out.size()));
      if (r.status == transport::io_result::ok)
        out.append(buf, r.bytes);
      else if (r.status == transport::io_result::would_block)
        std::this_thread::sleep_for(1ms);
      else
        break;
    }
    return out;
  }

  /// True once the other side closed (EOF or failure) within the deadline.
  bool closed(std::chrono::milliseconds deadline = test::generous) {
    auto until = std::chrono::steady_clock::now() + deadline;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
      auto r = end->read_some(buf, sizeof(buf));
      if (r.status == transport::io_result::eof || r.status == transport::io_result::failed)
        return true;
      if (r.status == transport::io_result::would_block)
        std::this_thread::sleep_for(1ms);
    }
    return false;
  }
};

struct fixture {
  config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<engine> eng;

  fixture() {
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.idle_timeout_ms = 0;
  }

  void start() {
    sys = std::make_unique<caf::actor_system>(cfg);
    eng = std::make_unique<engine>(*sys, cfg);
  }

  ~fixture() {
    eng.reset();
    sys.reset();
  }

  peer attach(framed_behavior_factory factory, std::size_t capacity = 64 * 1024) {
    if (!eng)
      start();
    auto [server_end, client_end] = transport::make_memory_stream_pair(capacity);
    eng->attach_framed(std::move(server_end), std::move(factory));
    return peer{std::move(client_end)};
  }
};

framed_behavior_factory echo() {
  return [](framed_connection*) -> caf::behavior {
    return {[](const frame& f) { return f; }};
  };
}

caf::behavior returns_strings_then_frames(framed_connection* self);

/// Answers one frame with a frame, then behaves as returns_strings_then_frames.
caf::behavior returns_frames_then_strings(framed_connection* self) {
  return {[=](const frame& f) -> frame {
    self->become(returns_strings_then_frames(self));
    return frame{"frame:" + f.payload};
  }};
}

/// Answers one frame with a string, then behaves as returns_frames_then_strings.
caf::behavior returns_strings_then_frames(framed_connection* self) {
  return {[=](const frame& f) -> std::string {
    self->become(returns_frames_then_strings(self));
    return "string:" + f.payload;
  }};
}

} // namespace

BOOST_FIXTURE_TEST_CASE(echoes_frames_written_in_random_splits, fixture) {
  auto p = attach(echo());
  std::mt19937 rng{42};
  std::string wire;
  for (int i = 0; i < 500; ++i)
    wire += test::encode_frame("frame-" + std::to_string(i) + std::string(i % 37, 'z'));
  wire += test::encode_frame("");
  for (std::size_t pos = 0; pos < wire.size();) {
    auto n = std::min<std::size_t>(wire.size() - pos, 1 + rng() % 50);
    BOOST_REQUIRE(p.write_all(std::string_view{wire}.substr(pos, n)));
    pos += n;
  }
  BOOST_TEST(p.read(wire.size()) == wire);
}

BOOST_FIXTURE_TEST_CASE(handlers_that_move_the_payload_out_echo_every_byte, fixture) {
  // The echo demo's form: the returned frame's buffer goes back to the message reused for the
  // next frame. Sizes vary (empty, short, longer than the previous one, one above the reuse
  // limit, which travels in a message of its own), and every frame has its own bytes, so a
  // buffer handed back at the wrong time shows up as a wrong echo.
  cfg.max_frame_size = 256 * 1024;
  auto p = attach(
    [](framed_connection*) -> caf::behavior {
      return {[](frame& f) { return std::move(f); }};
    },
    1024 * 1024);
  std::mt19937 rng{7};
  std::string wire;
  for (int i = 0; i < 300; ++i) {
    auto size = i == 150 ? std::size_t{100 * 1024} : std::size_t{rng() % 300};
    std::string payload(size, static_cast<char>('a' + i % 26));
    if (!payload.empty())
      payload.front() = static_cast<char>(i % 251);
    wire += test::encode_frame(payload);
  }
  for (std::size_t pos = 0; pos < wire.size();) {
    auto n = std::min<std::size_t>(wire.size() - pos, 1 + rng() % 4000);
    BOOST_REQUIRE(p.write_all(std::string_view{wire}.substr(pos, n)));
    pos += n;
  }
  BOOST_TEST((p.read(wire.size()) == wire));
}

BOOST_FIXTURE_TEST_CASE(oversize_frame_closes_with_protocol_error, fixture) {
  cfg.max_frame_size = 100;
  auto p = attach(echo());
  BOOST_REQUIRE(p.write_all(test::encode_frame("fine")));
  BOOST_TEST(p.read(8) == test::encode_frame("fine"));
  BOOST_REQUIRE(p.write_all(test::encode_frame(std::string(101, 'x'))));
  BOOST_TEST(p.closed());
  BOOST_TEST(test::eventually([&] { return eng->stats().closed_by(close_reason::protocol_error) == 1; }));
}

BOOST_FIXTURE_TEST_CASE(throwing_handler_closes_only_its_connection, fixture) {
  auto factory = [](framed_connection*) -> caf::behavior {
    return {[](const frame& f) -> frame {
      if (f.payload == "boom")
        throw std::runtime_error("handler failed");
      return f;
    }};
  };
  auto bad = attach(factory);
  auto good = attach(factory);
  BOOST_REQUIRE(bad.write_all(test::encode_frame("boom")));
  BOOST_TEST(bad.closed());
  BOOST_REQUIRE(good.write_all(test::encode_frame("still here")));
  BOOST_TEST(good.read(14) == test::encode_frame("still here"));
  BOOST_TEST(test::eventually([&] { return eng->stats().closed_by(close_reason::handler_error) == 1; }));
}

BOOST_FIXTURE_TEST_CASE(behaviour_without_frame_handler_is_a_handler_error, fixture) {
  auto p = attach([](framed_connection*) -> caf::behavior {
    return {[](int x) { return x; }};
  });
  BOOST_REQUIRE(p.write_all(test::encode_frame("unhandled")));
  BOOST_TEST(p.closed());
}

BOOST_FIXTURE_TEST_CASE(other_actors_write_frames_at_any_time, fixture) {
  start();
  auto [server_end, client_end] = transport::make_memory_stream_pair();
  auto conn = eng->attach_framed(std::move(server_end), echo());
  peer p{std::move(client_end)};
  auto sender = sys->spawn([conn](caf::event_based_actor* self) {
    for (int i = 0; i < 10; ++i)
      self->send(conn, write_atom::value, frame{"push-" + std::to_string(i)});
  });
  std::string expected;
  for (int i = 0; i < 10; ++i)
    expected += test::encode_frame("push-" + std::to_string(i));
  BOOST_TEST(p.read(expected.size()) == expected);
  send_frame(conn, frame{"via helper"});
  BOOST_TEST(p.read(14) == test::encode_frame("via helper"));
  caf::anon_send(conn, close_atom::value);
  BOOST_TEST(p.closed());
}

BOOST_FIXTURE_TEST_CASE(frames_pushed_to_a_peer_that_reads_nothing_end_at_max_output_bytes, fixture) {
  // Pushed frames bypass backpressure; past the limit the connection closes instead of
  // holding them all. A reading peer with the same traffic is never closed.
  cfg.output_high_water_bytes = 4096;
  cfg.max_output_bytes = 64 * 1024;
  start();
  auto [stalled_end, stalled_peer] = transport::make_memory_stream_pair(8 * 1024);
  auto [reading_end, reading_peer] = transport::make_memory_stream_pair(8 * 1024);
  auto stalled = eng->attach_framed(std::move(stalled_end), echo());
  auto reading = eng->attach_framed(std::move(reading_end), echo());
  peer reader{std::move(reading_peer)};
  const std::string payload(1000, 'p');
  constexpr int frames = 200;  // 200 KB: three times the limit
  for (int i = 0; i < frames; ++i) {
    send_frame(stalled, frame{payload});
    send_frame(reading, frame{payload});
    BOOST_REQUIRE(reader.read(1004) == test::encode_frame(payload));
  }
  BOOST_TEST(test::eventually(
    [&] { return eng->stats().closed_by(close_reason::output_overflow) == 1; }));
  peer{std::move(stalled_peer)}.closed();
  send_frame(reading, frame{"still here"});
  BOOST_TEST(reader.read(14) == test::encode_frame("still here"));
  BOOST_TEST(eng->stats().closed_by(close_reason::output_overflow) == 1);
}

BOOST_FIXTURE_TEST_CASE(replies_can_come_later_through_write, fixture) {
  start();
  auto doubler = sys->spawn([]() -> caf::behavior {
    return {[](const std::string& s) { return s + s; }};
  });
  auto p = attach([doubler](framed_connection* self) -> caf::behavior {
    return {[=](const frame& f) {
      self->request(doubler, caf::infinite, f.payload).then([=](const std::string& doubled) {
        self->write(doubled);
      });
    }};
  });
  BOOST_REQUIRE(p.write_all(test::encode_frame("ab")));
  BOOST_TEST(p.read(8) == test::encode_frame("abab"));
  caf::anon_send_exit(doubler, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(idle_connection_times_out, fixture) {
  cfg.idle_timeout_ms = 200;
  auto p = attach(echo());
  BOOST_TEST(p.closed());
  BOOST_TEST(test::eventually([&] { return eng->stats().closed_by(close_reason::idle_timeout) == 1; }));
}

BOOST_FIXTURE_TEST_CASE(backpressure_stops_reading_until_the_peer_drains, fixture) {
  cfg.output_high_water_bytes = 1024;
  auto p = attach(echo(), 4096);
  // The peer writes without reading: the server's output fills, it stops reading, and the
  // pipe towards the server fills up too, so the peer's writes eventually block.
  std::string wire;
  for (int i = 0; i < 2000; ++i)
    wire += test::encode_frame("payload-" + std::to_string(i) + std::string(90, '.'));
  std::size_t pos = 0;
  bool blocked = false;
  for (int spins = 0; pos < wire.size() && spins < 3000; ++spins) {
    iovec v{wire.data() + pos, wire.size() - pos};
    auto r = p.end->write_some(&v, 1);
    if (r.status == transport::io_result::ok) {
      pos += r.bytes;
      spins = 0;
      continue;
    }
    std::this_thread::sleep_for(1ms);
  }
  blocked = pos < wire.size();
  BOOST_TEST(blocked);
  // Now read everything while writing the rest: nothing is lost, order is kept.
  std::string received;
  auto until = std::chrono::steady_clock::now() + test::generous;
  char buf[65536];
  while (received.size() < wire.size() && std::chrono::steady_clock::now() < until) {
    if (pos < wire.size()) {
      iovec v{wire.data() + pos, wire.size() - pos};
      auto w = p.end->write_some(&v, 1);
      if (w.status == transport::io_result::ok)
        pos += w.bytes;
    }
    auto r = p.end->read_some(buf, sizeof(buf));
    if (r.status == transport::io_result::ok)
      received.append(buf, r.bytes);
    else
      std::this_thread::sleep_for(1ms);
  }
  BOOST_TEST(received.size() == wire.size());
  BOOST_TEST((received == wire));
}

BOOST_FIXTURE_TEST_CASE(peer_half_close_still_gets_every_reply, fixture) {
  auto p = attach(echo());
  std::string wire;
  for (int i = 0; i < 100; ++i)
    wire += test::encode_frame("last words " + std::to_string(i));
  BOOST_REQUIRE(p.write_all(wire));
  p.end->shutdown_write();
  BOOST_TEST(p.read(wire.size()) == wire);
  BOOST_TEST(p.closed());
  BOOST_TEST(test::eventually([&] { return eng->stats().closed_by(close_reason::peer_closed) == 1; }));
}

BOOST_FIXTURE_TEST_CASE(frames_and_strings_returned_by_handlers_go_to_the_peer_in_order, fixture) {
  // Two behaviours taking turns: one returns frames, the other strings.
  auto p = attach(returns_frames_then_strings);
  std::string wire;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    auto payload = std::string(static_cast<std::size_t>(i), 'p');
    wire += test::encode_frame(payload);
    expected += test::encode_frame((i % 2 == 0 ? "frame:" : "string:") + payload);
  }
  BOOST_REQUIRE(p.write_all(wire));
  BOOST_TEST(p.read(expected.size()) == expected);
  BOOST_TEST(test::eventually([&] { return eng->stats().frames_out.load() == 20; }));
}

BOOST_FIXTURE_TEST_CASE(a_frame_returned_after_close_is_not_sent, fixture) {
  auto p = attach([](framed_connection* self) -> caf::behavior {
    return {[=](const frame& f) {
      if (f.payload == "bye")
        self->close();
      return f;
    }};
  });
  BOOST_REQUIRE(p.write_all(test::encode_frame("hi") + test::encode_frame("bye")
                            + test::encode_frame("after")));
  BOOST_TEST(p.read(1024) == test::encode_frame("hi"));
  BOOST_TEST(p.closed());
}

BOOST_FIXTURE_TEST_CASE(frames_returned_to_other_actors_are_ordinary_replies, fixture) {
  start();
  // A plain actor answering with a frame: the requester gets it as a message.
  auto shouter = sys->spawn([]() -> caf::behavior {
    return {[](const frame& f) { return frame{f.payload + "!"}; }};
  });
  // A framed connection answering another actor's request with a frame: that actor gets the
  // frame, and the peer gets nothing.
  auto [server_end, client_end] = transport::make_memory_stream_pair();
  auto conn = eng->attach_framed(std::move(server_end), [](framed_connection*) -> caf::behavior {
    return {
      [](const frame& f) { return f; },
      [](const std::string& question) { return frame{"answer to " + question}; },
    };
  });
  peer p{std::move(client_end)};
  caf::scoped_actor self{*sys};
  std::string from_shouter;
  self->request(shouter, test::generous, frame{"hey"})
    .receive([&](const frame& f) { from_shouter = f.payload; },
             [&](const caf::error& e) { from_shouter = sys->render(e); });
  BOOST_TEST(from_shouter == "hey!");
  std::string from_connection;
  self->request(conn, test::generous, std::string{"ping"})
    .receive([&](const frame& f) { from_connection = f.payload; },
             [&](const caf::error& e) { from_connection = sys->render(e); });
  BOOST_TEST(from_connection == "answer to ping");
  // The peer's own echo comes back alone: the request's answer never reached the socket.
  BOOST_REQUIRE(p.write_all(test::encode_frame("echo")));
  BOOST_TEST(p.read(test::encode_frame("echo").size()) == test::encode_frame("echo"));
  caf::anon_send_exit(shouter, caf::exit_reason::user_shutdown);
}
