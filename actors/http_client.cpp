#include "actors/http_client.hpp"

#include "actors/atoms.hpp"
#include "actors/engine.hpp"
#include "actors/http_client_connection.hpp"
#include "protocols/http/url.hpp"
#include "transport/tcp_stream.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <cstring>
#include <netdb.h>
#include <unordered_map>

namespace warren {

namespace {

constexpr auto error_category = caf::atom("http_cli");

struct client_state {
  engine* eng = nullptr;
  http_client_settings settings;
  /// Idle keep-alive connections per "host:port", most recently used last.
  std::unordered_map<std::string, std::vector<caf::actor>> idle;
};

using client_actor = caf::stateful_actor<client_state>;

bool is_idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE"
         || method == "OPTIONS" || method == "TRACE";
}

bool has_code(const caf::error& e, http_client_error code) {
  return e.category() == error_category && e.code() == static_cast<std::uint8_t>(code);
}

/// Resolves a host name with the blocking resolver into every address it has, in the
/// resolver's order; runs on its own thread (detached).
caf::behavior resolver(caf::event_based_actor* self) {
  return {
    [self](const std::string& host) -> caf::result<std::vector<std::string>> {
      self->quit();  // one lookup per resolver
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* found = nullptr;
      if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
        return make_error(http_client_error::resolve_failed, host);
      std::vector<std::string> addresses;
      for (auto* entry = found; entry != nullptr; entry = entry->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* address =
          entry->ai_family == AF_INET6
            ? static_cast<const void*>(
              &reinterpret_cast<sockaddr_in6*>(entry->ai_addr)->sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(entry->ai_addr)->sin_addr);
        if (::inet_ntop(entry->ai_family, address, text, sizeof(text)) != nullptr
            && std::find(addresses.begin(), addresses.end(), text) == addresses.end())
          addresses.emplace_back(text);
      }
      ::freeaddrinfo(found);
      if (addresses.empty())
        return make_error(http_client_error::resolve_failed, host);
      return addresses;
    },
  };
}

/// Where `url` can be reached without asking the resolver: its address literal, or for
/// `localhost` both loopback addresses (RFC 6761). Empty for any other name.
std::vector<asio::ip::tcp::endpoint> known_endpoints(const http::url& url) {
  asio::error_code ec;
  auto address = asio::ip::make_address(url.host, ec);
  if (!ec)
    return {{address, url.port}};
  if (http::iequals(url.host, "localhost"))
    return {{asio::ip::address_v4::loopback(), url.port},
            {asio::ip::address_v6::loopback(), url.port}};
  return {};
}

/// A connection for `key`: an idle one (reused = true) or a new one to `endpoint`.
caf::expected<caf::actor> acquire(client_actor* self, const std::string& key,
                                  const asio::ip::tcp::endpoint& endpoint, bool& reused) {
  auto& idle = self->state.idle[key];
  if (!idle.empty()) {
    auto conn = std::move(idle.back());
    idle.pop_back();
    reused = true;
    return conn;
  }
  reused = false;
  int error = 0;
  int fd = transport::tcp_stream::start_connect(endpoint, error);
  if (fd < 0)
    return make_error(http_client_error::connect_failed, std::strerror(error));
  std::error_code ec;
  auto stream = std::make_unique<transport::tcp_stream>(
    self->state.eng->reactors().next().context(), endpoint.protocol(), fd, ec);
  if (ec)
    return make_error(http_client_error::connect_failed, ec.message());
  auto conn = self->spawn<http_client_connection>(std::move(stream), self->state.eng->context(),
                                                  caf::actor{self}, key,
                                                  self->state.settings.limits);
  self->monitor(conn);
  return conn;
}

/// Where a job may go: the server's addresses, tried in order until one connects.
struct job_route {
  std::string key;  ///< "host:port" of the URL: idle connections are kept per key
  std::vector<asio::ip::tcp::endpoint> endpoints;
  std::size_t next = 0;  ///< the address a new connection goes to
};

void send_job(client_actor* self, job_route route, http_client_job job,
              caf::typed_response_promise<http::client_response> promise, bool may_retry) {
  bool reused = false;
  auto conn = acquire(self, route.key, route.endpoints[route.next], reused);
  if (!conn) {
    if (route.next + 1 < route.endpoints.size()) {  // this address failed: try the next
      ++route.next;
      send_job(self, std::move(route), std::move(job), std::move(promise), may_retry);
      return;
    }
    promise.deliver(std::move(conn.error()));
    return;
  }
  auto target = *conn;
  self->request(target, self->state.settings.request_timeout, job)
    .then(
      [promise](http::client_response& response) mutable {
        promise.deliver(std::move(response));
      },
      [=](caf::error& e) mutable {
        // The connection ended before the job reached its mailbox's front: a new one failed
        // to connect (its readiness came first), a reused one was closed by the server.
        // Either way not a byte of the request was sent.
        const bool never_sent = e == caf::sec::request_receiver_down;
        if (never_sent)
          e = reused ? make_error(http_client_error::connection_lost,
                                  "connection closed before the request was sent")
                     : make_error(http_client_error::connect_failed, "cannot connect");
        // A new connection that could not connect: the server's next address, if it has one.
        if (!reused && has_code(e, http_client_error::connect_failed)
            && route.next + 1 < route.endpoints.size()) {
          ++route.next;
          send_job(self, std::move(route), std::move(job), std::move(promise), may_retry);
          return;
        }
        // A reused connection the server had closed meanwhile: try once more on a new one
        // (RFC 9112 9.3.1: any request never sent, else only an idempotent one).
        if (reused && may_retry && (never_sent || is_idempotent(job.method))
            && has_code(e, http_client_error::connection_lost)) {
          send_job(self, std::move(route), std::move(job), std::move(promise), false);
          return;
        }
        if (e == caf::sec::request_timeout) {
          self->send(target, abort_atom::value);  // no linger: the server said nothing
          e = make_error(http_client_error::timeout, job.target);
        }
        promise.deliver(std::move(e));
      });
}

/// Takes a `Host` field the caller set out of `headers`: it replaces the URL's authority in
/// the request (the connection still goes to the URL's host). More than one stays, and the
/// request writer refuses them.
std::string take_host_override(http::header_list& headers, std::string from_url) {
  if (http::count_header(headers, "Host") != 1)
    return from_url;
  auto field = std::find_if(headers.begin(), headers.end(), [](const http::header_field& f) {
    return http::iequals(f.name, "Host");
  });
  auto host = std::move(field->value);
  headers.erase(field);
  return host;
}

caf::behavior client(client_actor* self, engine* eng, http_client_settings settings) {
  self->state.eng = eng;
  self->state.settings = settings;
  // Ending the client ends its idle connections too (gracefully): nothing else would, and a
  // connection still waiting for readiness when its engine stops would never end.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& entry : self->state.idle)
      for (auto& conn : entry.second)
        self->send(conn, close_atom::value);
    self->state.idle.clear();
    self->quit(std::move(msg.reason));
  });
  self->set_down_handler([self](caf::down_msg& down) {
    for (auto& entry : self->state.idle) {
      auto& list = entry.second;
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const caf::actor& a) { return a.address() == down.source; }),
                 list.end());
    }
  });
  return {
    [self](http_client_request& req) -> caf::result<http::client_response> {
      auto url = http::parse_url(req.url);
      if (!url) {
        std::string_view text = req.url;
        if (http::iequals(text.substr(0, 8), "https://"))
          return make_error(http_client_error::bad_url, "https is not supported: " + req.url);
        return make_error(http_client_error::bad_url, req.url);
      }
      http_client_job job{req.method, url->target,
                          take_host_override(req.headers, url->host_header()),
                          std::move(req.headers), std::move(req.body)};
      job_route route{url->host_header(), known_endpoints(*url)};
      auto promise = self->make_response_promise<http::client_response>();
      if (!route.endpoints.empty()) {
        send_job(self, std::move(route), std::move(job), promise, true);
        return promise;
      }
      auto lookup = self->spawn<caf::detached>(resolver);
      auto port = url->port;
      auto host = url->host;
      self->request(lookup, caf::infinite, host)
        .then(
          [=](const std::vector<std::string>& addresses) mutable {
            for (auto& text : addresses) {
              asio::error_code parse_error;
              auto address = asio::ip::make_address(text, parse_error);
              if (!parse_error)
                route.endpoints.emplace_back(address, port);
            }
            if (route.endpoints.empty()) {
              promise.deliver(make_error(http_client_error::resolve_failed, host));
              return;
            }
            send_job(self, std::move(route), std::move(job), promise, true);
          },
          [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
      return promise;
    },
    [self](idle_atom, const std::string& key, const caf::actor& conn) {
      auto& idle = self->state.idle[key];
      if (idle.size() < self->state.settings.max_idle_per_host)
        idle.push_back(conn);
      else
        self->send(conn, close_atom::value);
    },
  };
}

} // namespace

caf::error make_error(http_client_error code, std::string context) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_http_client_error(std::uint8_t code, caf::atom_value,
                                     const caf::message& context) {
  static const char* names[] = {"none",           "bad_url",         "bad_request",
                                "resolve_failed", "connect_failed",  "connection_lost",
                                "bad_response",   "timeout"};
  std::string out = code < std::size(names) ? names[code] : "unknown";
  if (context.match_elements<std::string>() && !context.get_as<std::string>(0).empty())
    out += ": " + context.get_as<std::string>(0);
  return out;
}

caf::actor spawn_http_client(engine& eng, http_client_settings settings) {
  return eng.system().spawn(client, &eng, settings);
}

} // namespace warren
