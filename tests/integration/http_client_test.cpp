#define BOOST_TEST_MODULE http_client
#include <boost/test/unit_test.hpp>

#include "actors/engine.hpp"
#include "actors/http_client.hpp"
#include "tests/support/http_test_server.hpp"

#include <caf/all.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
  BOOST_TEST(sys->render(refused.error()).find("connect_failed: Connection refused")
               != std::string::npos,
             sys->render(refused.error()));
  auto secure = fetch({"GET", "https://127.0.0.1/x", {}, {}});
  BOOST_REQUIRE(!secure);
  BOOST_TEST(sys->render(secure.error()).find("https is not supported") != std::string::npos);
  test::http_test_server server;
  auto injected = fetch({"GET", server.url("/plaintext"), {{"X-Evil", "a\r\nb: c"}}, {}});
  BOOST_REQUIRE(!injected);
  BOOST_TEST(sys->render(injected.error()).find("bad_request") != std::string::npos);
  auto not_found = fetch({"GET", server.url("/nothing"), {}, {}});
  BOOST_REQUIRE(not_found);
  BOOST_TEST(not_found->status == 404);
}

BOOST_FIXTURE_TEST_CASE(a_host_field_replaces_the_urls_authority, client_fixture) {
  test::http_test_server server;
  auto own = fetch({"GET", server.url("/host"), {}, {}});
  BOOST_REQUIRE(own);
  BOOST_TEST(own->body == "127.0.0.1:" + std::to_string(server.port()));
  auto replaced = fetch({"GET", server.url("/host"), {{"host", "example.com:8443"}}, {}});
  BOOST_REQUIRE(replaced);
  BOOST_TEST(replaced->body == "example.com:8443");
  auto two = fetch({"GET", server.url("/host"), {{"Host", "a"}, {"Host", "b"}}, {}});
  BOOST_TEST(!two);
  auto invalid = fetch({"GET", server.url("/host"), {{"Host", "a b"}}, {}});
  BOOST_TEST(!invalid);
}

/// True if this machine can listen on ::1 (some containers have no IPv6 at all).
bool ipv6_loopback_available() {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

BOOST_FIXTURE_TEST_CASE(ipv6_literals_and_localhost_reach_a_server_on_ipv6_loopback,
                        client_fixture) {
  if (!ipv6_loopback_available()) {
    BOOST_TEST_MESSAGE("no IPv6 loopback here: nothing to check");
    return;
  }
  test::http_test_server server{[](http_config& cfg) { cfg.host = "::1"; }};
  auto port = std::to_string(server.port());
  auto literal = fetch({"GET", "http://[::1]:" + port + "/host", {}, {}});
  BOOST_REQUIRE_MESSAGE(literal, (literal ? "" : sys->render(literal.error())));
  BOOST_TEST(literal->body == "[::1]:" + port);
  // localhost: 127.0.0.1 first (nobody listens there on this port), then ::1.
  auto named = fetch({"GET", "http://localhost:" + port + "/plaintext", {}, {}});
  BOOST_REQUIRE_MESSAGE(named, (named ? "" : sys->render(named.error())));
  BOOST_TEST(named->body == "Hello, World!");
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
  out = test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " -f " + server.url("/nothing")
                           + " 2>/dev/null",
                         &status);
  BOOST_TEST(status == 22);
  BOOST_TEST(out.empty(), out);  // as curl --fail: no body
  // An empty --data is still a POST, with Content-Length: 0.
  out = test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " -i -d '' " + server.url("/echo"),
                          &status);
  BOOST_TEST(status == 0);
  BOOST_TEST(out.find("X-Body-Length: 0") != std::string::npos, out);
  test::run_command(std::string{WARREN_HTTP_CLIENT_PATH}
                      + " --timeout-ms=99999999999999999999 " + server.url("/") + " 2>/dev/null",
                    &status);
  BOOST_TEST(status == 2);
  test::run_command(std::string{WARREN_HTTP_CLIENT_PATH} + " --bogus >/dev/null 2>&1", &status);
  BOOST_TEST(status == 2);
}
