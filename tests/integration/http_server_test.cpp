#define BOOST_TEST_MODULE http_server
#include <boost/test/unit_test.hpp>

#include "tests/support/http_test_server.hpp"
#include "tests/support/test_client.hpp"

#include <cstdio>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fstream>
#include <thread>

using namespace warren::test;
using namespace std::chrono_literals;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size()
         && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Runs a Python 3 snippet with PORT set; returns its output.
std::string python(const http_test_server& server, const std::string& code) {
  return run_command("PORT=" + std::to_string(server.port()) + " timeout 60 python3 -c '"
                     + code + "' 2>&1");
}

} // namespace

BOOST_AUTO_TEST_CASE(keep_alive_with_python_http_client) {
  http_test_server server;
  auto out = python(server, R"(
import http.client, os
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]), timeout=30)
for i in range(3):
    c.request("GET", "/plaintext")
    r = c.getresponse()
    print(r.status, r.read().decode(), r.getheader("Content-Length"), r.getheader("Server"), bool(r.getheader("Date")))
c.request("HEAD", "/plaintext")
r = c.getresponse()
print("HEAD", r.status, r.getheader("Content-Length"), len(r.read()))
)");
  BOOST_TEST(count(out, "200 Hello, World! 13 warren True") == 3u, out);
  BOOST_TEST(out.find("HEAD 200 13 0") != std::string::npos, out);
  BOOST_TEST(server.stats().accepted.load() == 1u);  // all four on one connection
}

BOOST_AUTO_TEST_CASE(three_pipelined_requests_in_one_write_answer_in_order) {
  http_test_server server;
  auto reply = raw_exchange(server.port(),
                            "GET /later?one HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /path?two HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /path?three HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto one = reply.find("later: one");
  auto two = reply.find("/path?two");
  auto three = reply.find("/path?three");
  BOOST_TEST(count(reply, "HTTP/1.1 200 OK") == 3u, reply);
  BOOST_TEST((one != std::string::npos && two != std::string::npos && three != std::string::npos));
  BOOST_TEST((one < two && two < three));  // the promised answer does not lose its place
  BOOST_TEST(reply.find("Connection: close") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_request_with_the_clients_fin_right_behind_it_is_answered_and_closed) {
  // After one exchange, the next request and the FIN leave in one segment (TCP_CORK): they
  // raise one readiness edge, and no other follows the server's read of the request. The
  // server must still see the EOF (it does not wait for an edge after a read that left a FIN
  // unread) and close after its response, long before any timeout.
  http_test_server server;
  const std::string request = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";
  for (int i = 0; i < 10; ++i) {
    test_client client{server.port()};
    client.send_all(request);
    std::string first;  // one whole response; the connection stays open
    while (first.size() < 4096 && !ends_with(first, "Hello, World!")) {
      auto byte = client.read_exact(1);
      BOOST_REQUIRE(byte.has_value());
      first += *byte;
    }
    BOOST_REQUIRE(ends_with(first, "Hello, World!"));
    int one = 1;
    BOOST_REQUIRE(::setsockopt(client.fd(), IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) == 0);
    client.send_all(request);
    client.shutdown_write();
    auto reply = client.read_until_eof(10s);
    BOOST_TEST(count(reply, "HTTP/1.1 200 OK") == 1u, reply);
    BOOST_TEST(reply.find("Hello, World!") != std::string::npos, reply);
    BOOST_TEST(client.wait_closed(1ms), "client " << i << ": no close within 10 s");
  }
}

BOOST_AUTO_TEST_CASE(chunked_upload_and_expect_continue_with_curl) {
  http_test_server server;
  auto chunked = run_command("head -c 200000 /dev/urandom > /tmp/warren-upload.bin && "
                             "curl -s -H 'Transfer-Encoding: chunked' --data-binary "
                             "@/tmp/warren-upload.bin -o /tmp/warren-echoed.bin -w '%{http_code}' "
                             + server.url("/echo")
                             + " && cmp /tmp/warren-upload.bin /tmp/warren-echoed.bin && echo same");
  BOOST_TEST(chunked.find("200same") != std::string::npos, chunked);
  // curl sends Expect: 100-continue for large bodies and waits for the interim response.
  auto expect = run_command("curl -s -v -H 'Expect: 100-continue' --expect100-timeout 20 "
                            "--data-binary @/tmp/warren-upload.bin -o /dev/null -w '%{http_code}' "
                            + server.url("/echo") + " 2>&1; rm -f /tmp/warren-upload.bin "
                            "/tmp/warren-echoed.bin");
  BOOST_TEST(expect.find("HTTP/1.1 100 Continue") != std::string::npos, expect);
  BOOST_TEST(expect.find("200") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expect_continue_arrives_before_the_body_is_sent) {
  http_test_server server;
  test_client client{server.port()};
  client.send_all("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                  "Expect: 100-continue\r\n\r\n");
  auto interim = client.read_exact(25, 10s);
  BOOST_TEST(interim == std::string{"HTTP/1.1 100 Continue\r\n\r\n"});
  client.send_all("hello");
  client.shutdown_write();
  auto rest = client.read_until_eof();
  BOOST_TEST(rest.find("HTTP/1.1 200 OK") == 0u, rest);
  BOOST_TEST(rest.substr(rest.size() - 5) == "hello");
  BOOST_TEST(server.stats().http_responses[0].load() == 1u);  // the 100 counts as a 1xx
  // A refused request counts as a request too: requests and responses add up.
  auto refused = raw_exchange(server.port(), "GET / HTTP/1.1\r\nHost a\r\n\r\n");
  BOOST_TEST(refused.find("HTTP/1.1 400") == 0u, refused);
  BOOST_TEST(server.stats().http_requests.load() == 2u);
  BOOST_TEST(server.stats().http_responses[3].load() == 1u);
}

BOOST_AUTO_TEST_CASE(static_files_range_and_not_modified_with_curl) {
  http_test_server server;
  auto whole = run_command("curl -s " + server.url("/static/hello.txt"));
  BOOST_TEST(whole == "Hello from a file.\n");
  auto range = run_command("curl -s -i -H 'Range: bytes=6-9' " + server.url("/static/hello.txt"));
  BOOST_TEST(range.find("206 Partial Content") != std::string::npos, range);
  BOOST_TEST(range.find("Content-Range: bytes 6-9/19") != std::string::npos, range);
  BOOST_TEST(range.substr(range.size() - 4) == "from");
  auto bad_range = run_command("curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=100-' "
                               + server.url("/static/hello.txt"));
  BOOST_TEST(bad_range == "416");
  auto head = run_command("curl -s -I " + server.url("/static/hello.txt"));
  auto lm = head.find("Last-Modified: ");
  BOOST_REQUIRE(lm != std::string::npos);
  auto date = head.substr(lm + 15, head.find('\r', lm) - lm - 15);
  auto not_modified = run_command("curl -s -o /dev/null -w '%{http_code}' -H 'If-Modified-Since: "
                                  + date + "' " + server.url("/static/hello.txt"));
  BOOST_TEST(not_modified == "304");
  // curl resuming a download (-C) sends If-Range with the date it has: a match gets the
  // rest (206), a file changed since gets all of it again (200), never a mismatched piece.
  auto resumed = run_command("curl -s -w ' %{http_code}' -r 6- -H 'If-Range: " + date + "' "
                             + server.url("/static/hello.txt"));
  BOOST_TEST(resumed == "from a file.\n 206");
  auto changed = run_command("curl -s -w ' %{http_code}' -r 6- -H 'If-Range: Sun, 06 Nov 1994 "
                             "08:49:37 GMT' " + server.url("/static/hello.txt"));
  BOOST_TEST(changed == "Hello from a file.\n 200");
  auto failed = run_command("curl -s -o /dev/null -w '%{http_code}' -H 'If-Unmodified-Since: "
                            "Sun, 06 Nov 1994 08:49:37 GMT' " + server.url("/static/hello.txt"));
  BOOST_TEST(failed == "412");
  auto big = run_command("curl -s " + server.url("/static/big.bin") + " | md5sum; md5sum < "
                         + server.root() + "/big.bin");
  BOOST_TEST(big.substr(0, 32) == big.substr(big.find('\n') + 1, 32));
  auto dynamic = run_command("curl -s " + server.url("/dynamic/big.bin") + " | md5sum");
  BOOST_TEST(dynamic.substr(0, 32) == big.substr(0, 32));
  auto missing = run_command("curl -s -o /dev/null -w '%{http_code}' "
                             + server.url("/dynamic/missing.txt"));
  BOOST_TEST(missing == "404");
  // /dynamic/ answers the same preconditions (it streams whole files, so no Range).
  auto status_of = [&](const std::string& header, const std::string& target) {
    return run_command("curl -s -o /dev/null -w '%{http_code}' -H '" + header + "' "
                       + server.url(target));
  };
  BOOST_TEST(status_of("If-Modified-Since: " + date, "/dynamic/hello.txt") == "304");
  BOOST_TEST(status_of("If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT", "/dynamic/hello.txt")
             == "412");
  BOOST_TEST(status_of("If-Match: \"abc\"", "/dynamic/hello.txt") == "412");
  BOOST_TEST(status_of("If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT", "/dynamic/hello.txt")
             == "200");
}

BOOST_AUTO_TEST_CASE(a_future_modification_time_is_sent_as_now_and_revalidates) {
  http_test_server server;
  std::ofstream{server.root() + "/future.txt"} << "from the future";
  std::ofstream{server.root() + "/empty.txt"};
  // 2100-01-01: a clock set wrong where the file was made.
  run_command("touch -d '2100-01-01 00:00:00 UTC' " + server.root() + "/future.txt");
  for (std::string mount : {"/static/", "/dynamic/"}) {
    BOOST_TEST_CONTEXT(mount) {
      auto head = run_command("curl -s -D - -o /dev/null " + server.url(mount + "future.txt"));
      auto field = [&](const std::string& name) {
        auto at = head.find(name + ": ");
        return at == std::string::npos
                 ? std::string{}
                 : head.substr(at + name.size() + 2, head.find('\r', at) - at - name.size() - 2);
      };
      auto last_modified = field("Last-Modified");
      BOOST_REQUIRE(!last_modified.empty());
      BOOST_TEST(last_modified.find("2100") == std::string::npos, head);
      auto revalidated = run_command("curl -s -o /dev/null -w '%{http_code}' -H "
                                     "'If-Modified-Since: " + last_modified + "' "
                                     + server.url(mount + "future.txt"));
      BOOST_TEST(revalidated == "304");
    }
  }
  // A suffix range of an empty file is satisfiable but has no byte: the whole (empty) file.
  auto empty = run_command("curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "
                           "'Range: bytes=-5' " + server.url("/static/empty.txt"));
  BOOST_TEST(empty == "200 0");
}

BOOST_AUTO_TEST_CASE(a_directory_serves_its_index_html) {
  http_test_server server;
  auto get = [&](const std::string& target) {
    return run_command("curl -s -w ' %{http_code} %{content_type}' " + server.url(target));
  };
  BOOST_TEST(get("/static/").find(" 404 ") != std::string::npos);  // the root has none
  std::ofstream{server.root() + "/sub/index.html"} << "<p>index</p>";
  BOOST_TEST(get("/static/sub/") == "<p>index</p> 200 text/html; charset=utf-8");
  BOOST_TEST(get("/dynamic/sub/") == "<p>index</p> 200 text/html; charset=utf-8");
  BOOST_TEST(get("/static/sub").find(" 404 ") != std::string::npos);  // a directory, not a file
}

BOOST_AUTO_TEST_CASE(static_files_see_replaced_and_deleted_files) {
  http_test_server server;
  auto path = server.root() + "/changing.txt";
  auto get = [&](const std::string& mount) {
    return run_command("curl -s -w ' %{http_code}' " + server.url(mount + "changing.txt"));
  };
  // Waits (bounded) until /static/ serves `expected`: its cached entry expires in a second.
  auto eventually = [&](const std::string& expected) {
    auto until = std::chrono::steady_clock::now() + generous;
    std::string got;
    while ((got = get("/static/")) != expected && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(50ms);
    return got;
  };
  std::ofstream{path} << "one";
  BOOST_TEST(get("/static/") == "one 200");
  // Changed in place (the same file, cached open): its new length at once, never a mismatch.
  std::ofstream{path} << "three";
  BOOST_TEST(get("/static/") == "three 200");
  std::ofstream{path} << "one";
  BOOST_TEST(get("/static/") == "one 200");
  std::ofstream{path + ".new"} << "two!";
  BOOST_REQUIRE(std::rename((path + ".new").c_str(), path.c_str()) == 0);
  BOOST_TEST(get("/uncached/") == "two! 200");  // no cache: seen at once
  BOOST_TEST(eventually("two! 200") == "two! 200");
  BOOST_REQUIRE(std::remove(path.c_str()) == 0);
  BOOST_TEST(get("/uncached/") == "404 Not Found\n 404");
  BOOST_TEST(eventually("404 Not Found\n 404") == "404 Not Found\n 404");
}

BOOST_AUTO_TEST_CASE(traversal_attempts_never_leak_a_byte) {
  http_test_server server;
  const char* attempts[] = {
    "/static/../secret.txt",          "/static/%2e%2e/secret.txt",
    "/static/%2E%2E%2Fsecret.txt",    "/static/..%2fsecret.txt",
    "/static/sub/../../secret.txt",   "/static/escape.txt",
    "/static/updir/secret.txt",       "/static/hello.txt%00.html",
    "/static/./hello.txt",            "/static//etc/passwd",
    "/static/..\\secret.txt",         "/dynamic/../secret.txt",
    "/dynamic/escape.txt",            "/dynamic/updir/secret.txt",
    "/dynamic/%2e%2e/secret.txt",     "/static/sub/",
  };
  for (auto* target : attempts) {
    auto reply = raw_exchange(server.port(), std::string{"GET "} + target
                                               + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    BOOST_TEST_CONTEXT(target) {
      BOOST_TEST(reply.find("SECRET") == std::string::npos);
      BOOST_TEST((reply.find("HTTP/1.1 403") == 0 || reply.find("HTTP/1.1 404") == 0
                  || reply.find("HTTP/1.1 400") == 0),
                 reply.substr(0, 40));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_fifo_under_the_root_is_refused_without_blocking_anyone) {
  // Opening a FIFO for reading waits for a writer unless non-blocking: that would stall the
  // scheduler thread (every connection) or a file reader for good.
  http_test_server server;
  BOOST_REQUIRE(::mkfifo((server.root() + "/pipe").c_str(), 0600) == 0);
  auto get = [&](const std::string& target) {
    return raw_exchange(server.port(), "GET " + target
                                         + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  };
  for (const char* mount : {"/static/", "/uncached/", "/dynamic/", "/dynamic/", "/dynamic/"}) {
    auto reply = get(std::string{mount} + "pipe");
    BOOST_TEST_CONTEXT(mount) {
      BOOST_TEST(reply.find("HTTP/1.1 404") == 0, reply.substr(0, 40));
    }
  }
  auto reply = get("/dynamic/hello.txt");  // the file readers are all still free
  BOOST_TEST(reply.find("HTTP/1.1 200") == 0, reply.substr(0, 40));
}

BOOST_AUTO_TEST_CASE(limits_431_413_and_slowloris_408) {
  http_test_server server{[](warren::http_config& cfg) {
    cfg.max_header_bytes = 4096;
    cfg.max_body_bytes = 1000;
  }};
  auto big_header = raw_exchange(server.port(), "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Big: "
                                                  + std::string(5000, 'a') + "\r\n\r\n");
  BOOST_TEST(big_header.find("HTTP/1.1 431") == 0u, big_header.substr(0, 40));
  std::string many = "GET /plaintext HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 150; ++i)
    many += "X-" + std::to_string(i) + ": 1\r\n";
  BOOST_TEST(raw_exchange(server.port(), many + "\r\n").find("HTTP/1.1 431") == 0u);
  auto big_body = raw_exchange(server.port(),
                               "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  BOOST_TEST(big_body.find("HTTP/1.1 413") == 0u, big_body.substr(0, 40));
  // Slowloris: headers dribble in and never complete; the header deadline (1 s here) ends it.
  test_client slow{server.port()};
  slow.send_all("GET /plaintext HTTP/1.1\r\n");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(200ms);
    slow.send_all("X-Drip: " + std::to_string(i) + "\r\n");
  }
  auto reply = slow.read_until_eof();
  BOOST_TEST(reply.find("HTTP/1.1 408") == 0u, reply);
  BOOST_TEST(((std::chrono::steady_clock::now() - start) < 20s));
  test_client ok{server.port()};  // others are served meanwhile
  ok.send_all("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  BOOST_TEST(ok.read_until_eof().find("Hello, World!") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_status_and_a_close) {
  http_test_server server;
  struct row {
    const char* name;
    std::string input;
    const char* status;
  };
  row rows[] = {
    {"garbage request line", "HELLO\r\n\r\n", "HTTP/1.1 400"},
    {"missing Host", "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400"},
    {"CL and TE", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "HTTP/1.1 400"},
    {"conflicting CL", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                       "Content-Length: 4\r\n\r\nabcd", "HTTP/1.1 400"},
    {"bad chunk size", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "zz\r\nabc\r\n0\r\n\r\n", "HTTP/1.1 400"},
    {"unknown coding", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
     "HTTP/1.1 501"},
    {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 400"},
    {"TLS client hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
     "HTTP/1.1 400"},
    {"space before colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", "HTTP/1.1 400"},
  };
  for (auto& r : rows) {
    auto reply = raw_exchange(server.port(), r.input);
    BOOST_TEST_CONTEXT(r.name) {
      BOOST_TEST(reply.find(r.status) == 0u, reply.substr(0, 60));
      BOOST_TEST(reply.find("Connection: close") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(misbehaving_handlers_end_only_their_request) {
  http_test_server server;
  test_client bystander{server.port()};
  bystander.send_all("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_REQUIRE(bystander.read_exact(20, 10s).has_value());
  auto thrown = raw_exchange(server.port(), "GET /throw HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(thrown.find("HTTP/1.1 500") == 0u, thrown);
  BOOST_TEST(thrown.find("Connection: close") != std::string::npos);
  auto injected = raw_exchange(server.port(), "GET /inject HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(injected.find("HTTP/1.1 500") == 0u, injected);
  BOOST_TEST(injected.find("stolen") == std::string::npos);
  auto never = raw_exchange(server.port(), "GET /never HTTP/1.1\r\nHost: t\r\n\r\n");
  BOOST_TEST(never.find("HTTP/1.1 503") == 0u, never);
  auto later = raw_exchange(server.port(),
                            "GET /later?x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  BOOST_TEST(later.find("later: x") != std::string::npos, later);
  // The bystander's keep-alive connection still works.
  bystander.read_until_eof(200ms);
  bystander.send_all("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  BOOST_TEST(bystander.read_until_eof().find("Hello, World!") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(http_1_0_persistence_rules) {
  http_test_server server;
  auto closing = raw_exchange(server.port(), "GET /plaintext HTTP/1.0\r\n\r\n", 10s);
  BOOST_TEST(closing.find("HTTP/1.1 200") == 0u);  // closed after one response (EOF seen)
  test_client kept{server.port()};
  kept.send_all("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto first = kept.read_until_eof(500ms);
  BOOST_TEST(first.find("Connection: keep-alive") != std::string::npos, first);
  kept.send_all("GET /plaintext HTTP/1.0\r\n\r\n");
  BOOST_TEST(kept.read_until_eof().find("Hello, World!") != std::string::npos);
}
