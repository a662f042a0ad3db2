#include "actors/http_router.hpp"

#include <memory>

namespace warren {

namespace {

/// Appends `method` to the comma-separated `allow` list unless it is there already.
void add_allowed(std::string& allow, std::string_view method) {
  std::string_view rest = allow;
  while (!rest.empty()) {
    auto comma = rest.find(", ");
    if (rest.substr(0, comma) == method)
      return;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  if (!allow.empty())
    allow += ", ";
  allow += method;
}

} // namespace

http_router& http_router::route(std::string method, std::string path, handler h) {
  entries_.push_back(entry{std::move(method), std::move(path), false, std::move(h)});
  return *this;
}

http_router& http_router::route_prefix(std::string method, std::string prefix, handler h) {
  entries_.push_back(entry{std::move(method), std::move(prefix), true, std::move(h)});
  return *this;
}

const http_router::entry* http_router::find(std::string_view method, std::string_view path,
                                            bool& path_known, std::string& allow) const {
  const entry* best = nullptr;
  std::size_t best_rank = 0;  // exact: max; prefix: its length + 1
  for (auto& e : entries_) {
    bool matches = e.prefix ? path.substr(0, e.path.size()) == e.path : path == e.path;
    if (!matches)
      continue;
    auto rank = e.prefix ? e.path.size() + 1 : std::string::npos;
    path_known = true;
    add_allowed(allow, e.method);
    if (e.method == "GET")
      add_allowed(allow, "HEAD");  // HEAD falls back to GET (see dispatch)
    if (e.method == method && (best == nullptr || rank > best_rank)) {
      best = &e;
      best_rank = rank;
    }
  }
  return best;
}

caf::result<http::response> http_reply::to_result() && {
  if (auto* now = response())
    return std::move(*now);
  return std::move(std::get<caf::result<http::response>>(answer_));
}

http_reply http_router::dispatch(http_connection* self, const http::request& req) const {
  if (req.target == "*")  // OPTIONS * (the parser refuses "*" with any other method)
    return server_options();
  bool path_known = false;
  std::string allow;
  auto path = req.path();
  auto* e = find(req.method, path, path_known, allow);
  if (e == nullptr && req.method == "HEAD")
    e = find("GET", path, path_known, allow);
  if (e != nullptr)
    return e->h(self, req);
  if (!path_known)
    return http::make_error_response(404);
  add_allowed(allow, "OPTIONS");  // answered below for every routed path (RFC 9110 9.3.7)
  if (req.method == "OPTIONS") {
    http::response options{204};
    options.set_header("Allow", allow);
    return options;
  }
  auto refused = http::make_error_response(405);
  refused.set_header("Allow", allow);
  return refused;
}

http::response http_router::server_options() const {
  std::string allow;
  for (auto& e : entries_) {
    add_allowed(allow, e.method);
    if (e.method == "GET")
      add_allowed(allow, "HEAD");
  }
  add_allowed(allow, "OPTIONS");
  http::response answer{204};
  answer.set_header("Allow", allow);
  return answer;
}

http_behavior_factory http_router::factory() const {
  auto shared = std::make_shared<const http_router>(*this);
  return [shared](http_connection* self) -> caf::behavior {
    return {
      [shared, self](const http::request& req) -> caf::result<http::response> {
        auto reply = shared->dispatch(self, req);
        if (auto* now = reply.response()) {
          self->answer_inline(std::move(*now));
          return caf::delegated<http::response>{};  // answered: no message to build
        }
        return std::move(reply).to_result();
      },
    };
  };
}

} // namespace warren
