// Handlers that throw, misbehave or never answer, and connection actors that crash or are
// killed from outside: only the connection concerned ends; the engine keeps serving
// everyone else, including new clients.
#define BOOST_TEST_MODULE adversarial_failing_handlers
#include <boost/test/unit_test.hpp>

#include "actors/atoms.hpp"
#include "actors/engine.hpp"
#include "tests/adversarial/canary.hpp"
#include "tests/adversarial/http_wire.hpp"
#include "tests/adversarial/parallel.hpp"
#include "tests/adversarial/test_printing.hpp"
#include "tests/support/http_test_server.hpp"
#include "transport/memory_stream.hpp"

#include <caf/all.hpp>

#include <map>
#include <mutex>
#include <thread>

using namespace warren;
using namespace warren::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

bool says_close(const wire_response& r) {
  return r.head.find("\r\nConnection: close") != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(throwing_and_misbehaving_http_handlers_end_only_their_connection) {
  http_test_server server;  // handler timeout 1 s
  canary can{canary_kind::http, server.port(), /*reconnect_every=*/10};
  BOOST_REQUIRE(can.wait_rounds(3));
  // Keep-alive bystanders with answers through promises in flight meanwhile.
  std::atomic<bool> attack_over{false};
  std::atomic<int> bystander_failures{0};
  std::atomic<int> bystander_rounds{0};
  std::thread bystanders{[&] {
    std::vector<test_client> clients;
    for (int i = 0; i < 4; ++i)
      clients.emplace_back(server.port());
    for (int n = 0; !attack_over || n < 8; ++n) {
      auto& c = clients[static_cast<std::size_t>(n) % clients.size()];
      auto q = "b" + std::to_string(n);
      auto r = http_exchange(c, "GET /later?" + q + " HTTP/1.1\r\nHost: b\r\n\r\n", 10s);
      if (r && r->status == 200 && r->body == "later: " + q)
        ++bystander_rounds;
      else
        ++bystander_failures;
    }
  }};
  constexpr int per_thread = 25;
  in_parallel(4, [&](int t) {
    for (int i = 0; i < per_thread; ++i) {
      test_client client{server.port()};
      auto bad = i % 2 == 0 ? "/throw" : "/inject";  // throws; CR/LF in a header
      client.send_all("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\nGET " + std::string{bad}
                      + " HTTP/1.1\r\nHost: t\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
      auto received = client.read_until_eof();  // the 500 closes the connection
      auto parsed = parse_responses(received);
      std::lock_guard<std::mutex> one_thread_asserts{assertion_mutex()};
      BOOST_TEST_CONTEXT("thread " << t << " client " << i << " got '" << received << "'") {
        BOOST_TEST(parsed.error == "");
        BOOST_TEST(parsed.consumed == received.size());
        BOOST_TEST(parsed.responses.size() == 2u);  // nothing after the failure
        if (parsed.responses.size() != 2u)
          continue;
        BOOST_TEST(parsed.responses[0].status == 200);
        BOOST_TEST(parsed.responses[0].body == "Hello, World!");
        BOOST_TEST(parsed.responses[1].status == 500);
        BOOST_TEST(says_close(parsed.responses[1]));
        BOOST_TEST(received.find("stolen") == std::string::npos);
      }
    }
  });
  // Handlers that never answer: 503 at the handler deadline, then close.
  in_parallel(4, [&](int) {
    test_client client{server.port()};
    client.send_all("GET /never HTTP/1.1\r\nHost: n\r\n\r\n");
    auto parsed = parse_responses(client.read_until_eof());
    std::lock_guard<std::mutex> one_thread_asserts{assertion_mutex()};
    BOOST_TEST(parsed.responses.size() == 1u);
    if (parsed.responses.size() == 1u)
      BOOST_TEST(parsed.responses[0].status == 503);
  });
  attack_over = true;
  bystanders.join();
  BOOST_TEST(bystander_failures.load() == 0);
  BOOST_TEST(bystander_rounds.load() >= 8);
  BOOST_TEST(test::eventually([&] {
    return server.stats().closed_by(close_reason::handler_error) == 4u * per_thread + 4u;
  }), "handler_error closes: " << server.stats().closed_by(close_reason::handler_error));
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
}

namespace {

/// An in-process framed echo engine on a loopback port whose connections register their
/// actor handle under a name (first frame "name:NAME"), so a test can crash or kill them.
/// Frame "throw" makes the handler throw; "quit" makes the actor quit on its own.
struct framed_engine {
  config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<engine> eng;
  server_info server;
  std::mutex mtx;
  std::map<std::string, caf::actor> actors;

  framed_engine() {
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.idle_timeout_ms = 0;
    sys = std::make_unique<caf::actor_system>(cfg);
    eng = std::make_unique<engine>(*sys, cfg);
    auto started = eng->serve_framed("127.0.0.1", 0, [this](framed_connection* self) {
      return caf::behavior{[this, self](const frame& f) -> frame {
        if (f.payload.rfind("name:", 0) == 0) {
          std::lock_guard<std::mutex> guard{mtx};
          actors[f.payload.substr(5)] = caf::actor{self};
        } else if (f.payload == "throw") {
          throw std::runtime_error("handler failed");
        } else if (f.payload == "quit") {
          self->quit(caf::exit_reason::user_shutdown);
        }
        return f;
      }};
    });
    BOOST_REQUIRE(started);
    server = *started;
  }

  ~framed_engine() {
    actors.clear();
    eng.reset();
    sys.reset();
  }

  /// A client that registered as `name` (its echo proves the actor is running).
  test_client connect(const std::string& name) {
    test_client c{server.port};
    c.send_frame("name:" + name);
    BOOST_REQUIRE(c.read_frame() == "name:" + name);
    return c;
  }

  /// Forgets the handle (so the ended actor can be destroyed) and returns it.
  caf::actor take(const std::string& name) {
    std::lock_guard<std::mutex> guard{mtx};
    auto handle = actors[name];
    actors.erase(name);
    return handle;
  }

  std::size_t listener_count() {
    caf::scoped_actor self{*sys};
    std::size_t count = 0;
    self->request(server.listener, caf::infinite, count_atom::value)
      .receive([&](std::size_t n) { count = n; }, [](caf::error&) {});
    return count;
  }
};

bool echoes(test_client& c, const std::string& payload) {
  try {
    c.send_frame(payload);
    return c.read_frame(10s) == payload;
  } catch (const std::exception&) {
    return false;
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(crashed_and_killed_connection_actors_end_only_their_connection) {
  framed_engine fx;
  canary can{canary_kind::echo, fx.server.port, /*reconnect_every=*/10};
  BOOST_REQUIRE(can.wait_rounds(3));
  std::vector<test_client> clients;
  for (int i = 0; i < 12; ++i)
    clients.push_back(fx.connect("c" + std::to_string(i)));
  // Every even client is a victim, ended in one of four ways: killed, sent a non-normal
  // exit, its handler throws, or it quits on its own.
  std::vector<std::size_t> victims;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (i % 2 == 1)
      continue;  // the odd ones are bystanders
    victims.push_back(i);
    auto name = "c" + std::to_string(i);
    switch (i / 2 % 4) {
      case 0:
        caf::anon_send_exit(fx.take(name), caf::exit_reason::kill);
        break;
      case 1:
        caf::anon_send_exit(fx.take(name), caf::exit_reason::user_shutdown);
        break;
      case 2:
        fx.take(name);
        clients[i].send_frame("throw");
        break;
      default:
        fx.take(name);
        clients[i].send_frame("quit");
        break;
    }
  }
  for (auto i : victims)
    BOOST_TEST(clients[i].wait_closed(), "victim " << i << " still open");
  for (std::size_t i = 1; i < clients.size(); i += 2)
    BOOST_TEST(echoes(clients[i], "bystander " + std::to_string(i)));
  auto newcomer = fx.connect("newcomer");
  BOOST_TEST(echoes(newcomer, "new and served"));
  auto report = can.stop();
  BOOST_TEST(report.failures == 0u, "canary failed: " << report.first_failure);
  // Every ended actor is gone: the listener and the open count forget them.
  auto live = clients.size() - victims.size() + 1;
  BOOST_TEST(test::eventually([&] { return fx.listener_count() == live; }),
             "listener counts " << fx.listener_count() << ", expected " << live);
  BOOST_TEST(test::eventually([&] { return fx.eng->stats().open.load() == live; }),
             "open " << fx.eng->stats().open.load() << ", expected " << live);
  auto& stats = fx.eng->stats();
  std::uint64_t closed = 0;
  for (auto& c : stats.closed)
    closed += c.load();
  BOOST_TEST_MESSAGE("accepted " << stats.accepted.load() << ", open " << stats.open.load()
                                 << ", closed by some reason " << closed << " (handler_error "
                                 << stats.closed_by(close_reason::handler_error) << ")");
}

BOOST_AUTO_TEST_CASE(killed_in_memory_connection_leaves_the_others_running) {
  framed_engine fx;
  auto echo = std::make_shared<const framed_behavior_factory>([](framed_connection*) {
    return caf::behavior{[](const frame& f) { return f; }};
  });
  auto [victim_end, victim_peer] = transport::make_memory_stream_pair();
  auto [other_end, other_peer] = transport::make_memory_stream_pair();
  auto victim = fx.eng->attach_framed(std::move(victim_end), echo);
  auto other = fx.eng->attach_framed(std::move(other_end), echo);
  // A round trip through the in-memory pipe, polling (bounded).
  auto round_trip = [](transport::memory_stream& peer, const std::string& payload) {
    auto wire = encode_frame(payload);
    iovec v{wire.data(), wire.size()};
    if (peer.write_some(&v, 1).bytes != wire.size())
      return false;
    std::string got;
    char buf[4096];
    auto until = clock_type::now() + generous;
    while (got.size() < wire.size() && clock_type::now() < until) {
      auto r = peer.read_some(buf, sizeof(buf));
      if (r.status == transport::io_result::ok)
        got.append(buf, r.bytes);
      else if (r.status == transport::io_result::would_block)
        std::this_thread::sleep_for(1ms);
      else
        return false;
    }
    return got == wire;
  };
  BOOST_TEST(round_trip(*victim_peer, "before"));
  caf::anon_send_exit(victim, caf::exit_reason::kill);
  victim = nullptr;
  BOOST_TEST(test::eventually([&] {
    char buf[64];
    auto r = victim_peer->read_some(buf, sizeof(buf));
    return r.status == transport::io_result::eof || r.status == transport::io_result::failed;
  }));
  BOOST_TEST(round_trip(*other_peer, "still here"));
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
}
