#define BOOST_TEST_MODULE http_client
#include <boost/test/unit_test.hpp>

#include "actors/engine.hpp"
#include "actors/http_client.hpp"
#include "tests/support/http_test_server.hpp"

#include <caf/all.hpp>

#include <thread>

using namespace warren;
using namespace std::chrono_literals;

namespace {

/// The client side: its own actor system and engine, like a separate program.
struct client_fixture {
  config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<engine> eng;
  caf::actor client;

  client_fixture() {
    cfg.set("scheduler.max-threads", size_t{2});
    cfg.add_error_category(caf::atom("http_cli"), render_http_client_error);
    sys = std::make_unique<caf::actor_system>(cfg);
    eng = std::make_unique<engine>(*sys, cfg);
    client = spawn_http_client(*eng);
  }

  ~client_fixture() {
    caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
    client = nullptr;
    eng.reset();
    sys.reset();
  }

  /// Sends one request and waits for its outcome.
  caf::expected<http::client_response> fetch(http_client_request req) {
    caf::scoped_actor self{*sys};
    caf::expected<http::client_response> result{caf::sec::request_timeout};
    self->request(client, std::chrono::seconds(60), std::move(req))
      .receive([&](http::client_response& r) { result = std::move(r); },
               [&](caf::error& e) { result = std::move(e); });
    return result;
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(requests_reuse_one_keep_alive_connection, client_fixture) {
  test::http_test_server server;
  for (int i = 0; i < 3; ++i) {
    auto r = fetch({"GET", server.url("/plaintext"), {}, {}});
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 200);
    BOOST_TEST(r->body == "Hello, World!");
  }
  auto posted = fetch({"POST", server.url("/echo"), {{"X-Test", "1"}}, "payload bytes"});
  BOOST_REQUIRE(posted);
  BOOST_TEST(posted->body == "payload bytes");
  auto head = fetch({"HEAD", server.url("/static/big.bin"), {}, {}});
  BOOST_REQUIRE(head);
  BOOST_TEST(head->body.empty());
  BOOST_TEST(head->find("Content-Length").value_or("") == "1048576");
  auto big = fetch({"GET", server.url("/dynamic/big.bin"), {}, {}});
  BOOST_REQUIRE(big);
  BOOST_TEST(big->body.size() == 1048576u);
  BOOST_TEST(big->body.substr(0, 4) == "ahov");
  BOOST_TEST(server.stats().accepted.load() == 1u);  // every request on one connection
}

BOOST_FIXTURE_TEST_CASE(a_connection_the_server_closed_is_replaced, client_fixture) {
  test::http_test_server server{[](http_config& cfg) { cfg.idle_timeout_ms = 200; }};
  BOOST_REQUIRE(fetch({"GET", server.url("/plaintext"), {}, {}}));
  std::this_thread::sleep_for(700ms);  // the server closes the idle connection meanwhile
  auto again = fetch({"GET", server.url("/plaintext"), {}, {}});
  BOOST_REQUIRE(again);
  BOOST_TEST(again->status == 200);
  BOOST_TEST(server.stats().accepted.load() == 2u);
}

BOOST_FIXTURE_TEST_CASE(errors_are_clear, client_fixture) {
  auto bad_url = fetch({"GET", "ftp://127.0.0.1/x", {}, {}});
  BOOST_REQUIRE(!bad_url);
  BOOST_TEST(sys->render(bad_url.error()).find("bad_url") != std::string::npos);
  // A port nobody listens on (bound, then closed).
  std::uint16_t closed_port;
  {
    test::http_test_server gone;
    closed_port = gone.port();
  }
  auto refused = fetch({"GET", "http://127.0.0.1:" + std::to_string(closed_port) + "/", {}, {}});
  BOOST_REQUIRE(!refused);
  BOOST_TEST(sys->render(refused.error()).find("connect_failed") != std::string::npos,
             sys->render(refused.error()));
  test::http_test_server server;
  auto injected = fetch({"GET", server.url("/plaintext"), {{"X-Evil", "a\r\nb: c"}}, {}});
  BOOST_REQUIRE(!injected);
  BOOST_TEST(sys->render(injected.error()).find("bad_request") != std::string::npos);
  auto not_found = fetch({"GET", server.url("/nothing"), {}, {}});
  BOOST_REQUIRE(not_found);
  BOOST_TEST(not_found->status == 404);
}

BOOST_AUTO_TEST_CASE(command_line_client_prints_responses) {
  test::http_test_server server;
  int status = -1;
  auto out = test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " -i "
                                 + server.url("/plaintext") + " " + server.url("/static/hello.txt"),
                               &status);
  BOOST_TEST(status == 0);
  BOOST_TEST(out.find("HTTP/1.1 200 OK") == 0u, out);
  BOOST_TEST(out.find("Hello, World!") != std::string::npos);
  BOOST_TEST(out.find("Hello from a file.") != std::string::npos);
  BOOST_TEST(server.stats().accepted.load() == 1u);  // both URLs on one connection
  test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " -f " + server.url("/nothing")
                      + " >/dev/null 2>&1",
                    &status);
  BOOST_TEST(status == 22);
  test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " --bogus >/dev/null 2>&1", &status);
  BOOST_TEST(status == 2);
}
