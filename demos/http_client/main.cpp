// warren-http-client: fetches URLs with warren's HTTP client actor and prints the responses.
// Several URLs on one host reuse one keep-alive connection.
//
//   warren-http-client [-X METHOD] [-H 'Name: value']... [-d BODY] [-i] [-f] URL...

#include "actors/engine.hpp"
#include "actors/http_client.hpp"

#include <caf/all.hpp>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage =
  "usage: warren-http-client [options] URL [URL...]\n"
  "  -X, --method METHOD      request method (default GET, or POST with --data)\n"
  "  -H, --header 'N: V'      add a request header (repeatable)\n"
  "  -d, --data BODY          send BODY as the request body\n"
  "  -i, --include            print the status line and headers before the body\n"
  "  -f, --fail               exit 22 when a response status is 400 or above\n"
  "      --timeout-ms N       time allowed for each response (default 30000)\n"
  "  -h, --help               print this text\n"
  "URLs are http://host[:port]/path; responses are printed in order. Exit status: 0 all\n"
  "responses received, 1 a request failed, 2 bad usage, 22 with --fail and a status >= 400.\n";

struct options {
  std::string method;
  warren::http::header_list headers;
  std::string body;
  bool include = false;
  bool fail = false;
  long timeout_ms = 30000;
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
    } else if (arg == "-i" || arg == "--include") {
      opt.include = true;
    } else if (arg == "-f" || arg == "--fail") {
      opt.fail = true;
    } else if (arg.rfind("--timeout-ms", 0) == 0) {
      auto v = value("--timeout-ms");
      if (!v)
        return false;
      char* end = nullptr;
      opt.timeout_ms = std::strtol(v, &end, 10);
      if (*end != '\0' || opt.timeout_ms <= 0) {
        std::cerr << "warren-http-client: --timeout-ms takes a positive number\n";
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
    opt.method = opt.body.empty() ? "GET" : "POST";
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
    auto client = warren::spawn_http_client(engine, settings);
    caf::scoped_actor self{sys};
    for (auto& url : opt.urls) {
      warren::http_client_request req{opt.method, url, opt.headers, opt.body};
      self->request(client, caf::infinite, std::move(req))
        .receive(
          [&](warren::http::client_response& r) {
            if (opt.include) {
              std::cout << "HTTP/" << r.version_major << '.' << r.version_minor << ' '
                        << r.status << ' ' << r.reason << "\r\n";
              for (auto& h : r.headers)
                std::cout << h.name << ": " << h.value << "\r\n";
              std::cout << "\r\n";
            }
            std::cout << r.body << std::flush;
            if (opt.fail && r.status >= 400 && status == 0)
              status = 22;
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
