// warren-http-client: fetches URLs with warren's HTTP client actor and prints the responses.
// Several URLs on one host reuse one keep-alive connection.
//
//   warren-http-client [-X METHOD] [-H 'Name: value']... [-d BODY] [-i] [-f] URL...

#include "actors/engine.hpp"
#include "actors/http_client.hpp"

#include <caf/all.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage =
  "usage: warren-http-client [options] URL [URL...]\n"
  "  -X, --method METHOD      request method (default GET, or POST with --data)\n"
  "  -H, --header 'N: V'      add a request header (repeatable); a Host header replaces the\n"
  "                           URL's host:port in the request (the connection still goes there);\n"
  "                           Content-Length and Transfer-Encoding are the client's own\n"
  "  -d, --data BODY          send BODY (may be empty) as the request body\n"
  "  -i, --include            print the status line and headers before the body\n"
  "  -f, --fail               on a status of 400 or above print no body, say so on stderr\n"
  "                           and exit 22\n"
  "      --timeout-ms N       time allowed for each response, 1..10^12 (default 30000)\n"
  "      --max-body-bytes N   largest response body accepted, 1..2^62 (default 67108864)\n"
  "  -h, --help               print this text\n"
  "URLs are http://host[:port]/path (a name, an IPv4 address or [IPv6]; every address of a\n"
  "name is tried in turn); responses are printed in order; redirects are not followed.\n"
  "Exit status: 0 all responses received, 1 a request failed, 2 bad usage, 22 with --fail\n"
  "and a status >= 400.\n";

/// Reads a decimal number in [min, max] from `text`; false for anything else.
bool parse_number(const char* text, unsigned long long min, unsigned long long max,
                  unsigned long long& out) {
  if (text == nullptr || *text < '0' || *text > '9')
    return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && *end == '\0' && out >= min && out <= max;
}

struct options {
  std::string method;
  warren::http::header_list headers;
  std::string body;
  bool has_body = false;  ///< --data was given (perhaps empty)
  bool include = false;
  bool fail = false;
  unsigned long long timeout_ms = 30000;
  unsigned long long max_body_bytes = 64ull << 20;
  std::vector<std::string> urls;
};

/// Parses argv; returns false (after printing why) on bad usage.
bool parse(int argc, char** argv, options& opt, bool& help) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      auto eq = arg.find('=');
      if (arg.rfind("--", 0) == 0 && eq != std::string::npos)
        return argv[i] + eq + 1;
      if (i + 1 >= argc) {
        std::cerr << "warren-http-client: " << name << " needs a value\n";
        return nullptr;
      }
      return argv[++i];
    };
    auto is = [&](const char* s, const char* l) {
      return arg == s || arg == l || arg.rfind(std::string{l} + "=", 0) == 0;
    };
    if (arg == "-h" || arg == "--help") {
      help = true;
      return true;
    } else if (is("-X", "--method")) {
      auto v = value("--method");
      if (!v)
        return false;
      opt.method = v;
    } else if (is("-H", "--header")) {
      auto v = value("--header");
      if (!v)
        return false;
      std::string header = v;
      auto colon = header.find(':');
      if (colon == std::string::npos || colon == 0) {
        std::cerr << "warren-http-client: a header is 'Name: value', got '" << header << "'\n";
        return false;
      }
      auto field_value = header.substr(colon + 1);
      field_value.erase(0, field_value.find_first_not_of(" \t"));
      opt.headers.push_back({header.substr(0, colon), field_value});
    } else if (is("-d", "--data")) {
      auto v = value("--data");
      if (!v)
        return false;
      opt.body = v;
      opt.has_body = true;
    } else if (arg == "-i" || arg == "--include") {
      opt.include = true;
    } else if (arg == "-f" || arg == "--fail") {
      opt.fail = true;
    } else if (is("--timeout-ms", "--timeout-ms")) {
      auto v = value("--timeout-ms");
      if (!v)
        return false;
      if (!parse_number(v, 1, 1000000000000ull, opt.timeout_ms)) {
        std::cerr << "warren-http-client: --timeout-ms takes a number from 1 to 10^12, got '"
                  << v << "'\n";
        return false;
      }
    } else if (is("--max-body-bytes", "--max-body-bytes")) {
      auto v = value("--max-body-bytes");
      if (!v)
        return false;
      if (!parse_number(v, 1, 1ull << 62, opt.max_body_bytes)) {
        std::cerr << "warren-http-client: --max-body-bytes takes a number from 1 to 2^62, got '"
                  << v << "'\n";
        return false;
      }
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "warren-http-client: unknown option " << arg << " (see --help)\n";
      return false;
    } else {
      opt.urls.push_back(arg);
    }
  }
  if (opt.urls.empty()) {
    std::cerr << "warren-http-client: no URL given (see --help)\n";
    return false;
  }
  if (opt.method.empty())
    opt.method = opt.has_body ? "POST" : "GET";
  return true;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  bool help = false;
  if (!parse(argc, argv, opt, help))
    return 2;
  if (help) {
    std::cout << usage;
    return 0;
  }
  warren::config cfg;
  cfg.add_error_category(caf::atom("http_cli"), warren::render_http_client_error);
  cfg.set("scheduler.max-threads", size_t{1});
  caf::actor_system sys{cfg};
  int status = 0;
  {
    warren::engine engine{sys, cfg};
    warren::http_client_settings settings;
    settings.request_timeout = std::chrono::milliseconds(opt.timeout_ms);
    settings.limits.max_body_bytes = static_cast<std::size_t>(opt.max_body_bytes);
    auto client = warren::spawn_http_client(engine, settings);
    caf::scoped_actor self{sys};
    for (auto& url : opt.urls) {
      warren::http_client_request req{opt.method, url, opt.headers, opt.body};
      self->request(client, caf::infinite, std::move(req))
        .receive(
          [&](warren::http::client_response& r) {
            if (opt.fail && r.status >= 400) {  // as curl --fail: no output, a message
              std::cerr << "warren-http-client: " << url << ": the server answered " << r.status
                        << '\n';
              if (status == 0)
                status = 22;
              return;
            }
            if (opt.include) {
              std::cout << "HTTP/" << r.version_major << '.' << r.version_minor << ' '
                        << r.status << ' ' << r.reason << "\r\n";
              for (auto& h : r.headers)
                std::cout << h.name << ": " << h.value << "\r\n";
              std::cout << "\r\n";
            }
            std::cout << r.body << std::flush;
          },
          [&](caf::error& e) {
            std::cerr << "warren-http-client: " << url << ": " << sys.render(e) << std::endl;
            status = 1;
          });
    }
    caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  }
  return status;
}
