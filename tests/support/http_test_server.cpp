#include "tests/support/http_test_server.hpp"

#include "actors/file_readers.hpp"
#include "actors/http_router.hpp"
#include "actors/static_files.hpp"
#include "tests/support/test_client.hpp"

#include <caf/all.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace warren::test {

namespace {

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out{path, std::ios::binary};
  out << content;
}

} // namespace

http_test_server::http_test_server(void (*configure)(http_config&)) {
  char tmpl[] = "/tmp/warren-http-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  root_ = dir_ + "/root";
  secret_ = dir_ + "/secret.txt";
  run_command("mkdir -p " + root_ + "/sub");
  write_file(secret_, "TOP SECRET: never served\n");
  write_file(root_ + "/hello.txt", "Hello from a file.\n");
  write_file(root_ + "/sub/page.html", "<p>sub page</p>\n");
  std::string big(1 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + (i * 7) % 26);
  write_file(root_ + "/big.bin", big);
  if (::symlink(secret_.c_str(), (root_ + "/escape.txt").c_str()) != 0
      || ::symlink(dir_.c_str(), (root_ + "/updir").c_str()) != 0)
    throw std::runtime_error("symlink failed");
  cfg_.set("scheduler.max-threads", size_t{2});
  cfg_.header_timeout_ms = 1000;
  cfg_.handler_timeout_ms = 1000;
  if (configure)
    configure(cfg_);
  sys_ = std::make_unique<caf::actor_system>(cfg_);
  engine_ = std::make_unique<engine>(*sys_, cfg_);
  // An actor that answers later, for promise tests.
  helper_ = sys_->spawn([]() -> caf::behavior {
    return {[](const std::string& s) { return "later: " + s; }};
  });
  http_router router;
  router.route("GET", "/plaintext", [](auto*, auto&) {
    return http::response{200, "Hello, World!", "text/plain"};
  });
  router.route("POST", "/echo", [](auto*, const http::request& req) {
    http::response r{200, req.body, "application/octet-stream"};
    r.set_header("X-Body-Length", std::to_string(req.body.size()));
    return r;
  });
  router.route("GET", "/host", [](auto*, const http::request& req) {
    return http::response{200, std::string{req.find("host").value_or("")}};
  });
  router.route("GET", "/path", [](auto*, const http::request& req) {
    return http::response{200, std::string{req.path()} + "?" + std::string{req.query()}};
  });
  router.route("GET", "/throw", [](auto*, auto&) -> caf::result<http::response> {
    throw std::runtime_error("handler failed");
  });
  router.route("GET", "/inject", [](auto*, auto&) {
    http::response r{200, "x"};
    r.set_header("X-Evil", "a\r\nSet-Cookie: stolen=1");
    return r;
  });
  auto helper = helper_;
  router.route("GET", "/later", [helper](http_connection* self, const http::request& req)
                                  -> caf::result<http::response> {
    auto promise = self->make_response_promise<http::response>();
    self->request(helper, caf::infinite, std::string{req.query()})
      .then([promise](const std::string& s) mutable {
        promise.deliver(http::response{200, s});
      });
    return promise;
  });
  router.route("GET", "/never", [](http_connection* self, auto&) -> caf::result<http::response> {
    return self->make_response_promise<http::response>();  // never delivered
  });
  router.route_prefix("GET", "/static/", static_files(root_, "/static/"));
  router.route_prefix("GET", "/uncached/",
                      static_files(root_, "/uncached/", std::chrono::milliseconds{0}));
  auto readers = file_readers::start(*sys_, root_, 2);
  router.route_prefix("GET", "/dynamic/", readers.handler("/dynamic/"));
  stop_readers_ = [readers]() mutable { readers.stop(); };
  auto server = engine_->serve_http(cfg_.host, 0, router.factory(), http_settings_from(cfg_));
  if (!server)
    throw std::runtime_error("cannot start HTTP test server");
  port_ = server->port;
}

http_test_server::~http_test_server() {
  engine_.reset();
  stop_readers_();
  caf::anon_send_exit(helper_, caf::exit_reason::user_shutdown);
  helper_ = nullptr;
  sys_.reset();
  run_command("rm -rf " + dir_);
}

std::string run_command(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr)
    return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0)
    out.append(buf, n);
  int rc = ::pclose(pipe);
  if (status)
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds deadline) {
  test_client client{port};
  client.send_all(bytes);
  return client.read_until_eof(deadline);
}

} // namespace warren::test
