#define BOOST_TEST_MODULE http_router
#include <boost/test/unit_test.hpp>

#include "actors/http_router.hpp"

#include <caf/all.hpp>

using namespace warren;

namespace {

http_router::handler answering(std::string body) {
  return [body](http_connection*, const http::request&) { return http::response{200, body}; };
}

/// A handler that packs its response into a caf::result, as handlers written for a CAF
/// behaviour do.
http_router::handler answering_as_result(std::string body) {
  return [body](http_connection*, const http::request&) -> caf::result<http::response> {
    return http::response{200, body};
  };
}

http::request make_request(std::string method, std::string target) {
  http::request req;
  req.method = std::move(method);
  req.target = std::move(target);
  return req;
}

/// Runs the router on one request; the response it answered with at once, as it is or packed
/// into a caf::result.
http::response run(const http_router& router, std::string method, std::string target) {
  auto reply = router.dispatch(nullptr, make_request(std::move(method), std::move(target)));
  if (auto* now = reply.response())
    return std::move(*now);
  auto result = std::move(reply).to_result();
  BOOST_REQUIRE(result.flag == caf::rt_value);
  BOOST_REQUIRE(result.value.match_elements<http::response>());
  return result.value.get_as<http::response>(0);
}

/// The response's `Allow` field, "" when it has none.
std::string allow_of(const http::response& r) {
  auto* value = http::find_header(r.headers, "Allow");
  return value ? *value : std::string{};
}

http_router sample_router() {
  http_router router;
  router.route("GET", "/exact", answering("exact"))
    .route("POST", "/exact", answering("post"))
    .route_prefix("GET", "/files/", answering("files"))
    .route_prefix("GET", "/files/special/", answering("special"))
    .route("GET", "/files/special/one", answering("one"))
    .route("PUT", "/upload", answering("upload"))
    .route("GET", "/packed", answering_as_result("packed"));
  return router;
}

} // namespace

BOOST_AUTO_TEST_CASE(exact_beats_prefix_and_the_longest_prefix_wins) {
  auto router = sample_router();
  BOOST_CHECK_EQUAL(run(router, "GET", "/exact").body, "exact");
  BOOST_CHECK_EQUAL(run(router, "POST", "/exact").body, "post");
  BOOST_CHECK_EQUAL(run(router, "GET", "/files/a").body, "files");
  BOOST_CHECK_EQUAL(run(router, "GET", "/files/special/b").body, "special");
  BOOST_CHECK_EQUAL(run(router, "GET", "/files/special/one").body, "one");
  BOOST_CHECK_EQUAL(run(router, "GET", "/files/a?q=/exact").body, "files");
}

BOOST_AUTO_TEST_CASE(a_response_comes_back_as_is_and_a_result_as_a_result) {
  auto router = sample_router();
  auto now = router.dispatch(nullptr, make_request("GET", "/exact"));
  BOOST_REQUIRE(now.response() != nullptr);
  BOOST_CHECK_EQUAL(now.response()->body, "exact");
  auto packed = router.dispatch(nullptr, make_request("GET", "/packed"));
  BOOST_CHECK(packed.response() == nullptr);
  BOOST_CHECK_EQUAL(run(router, "GET", "/packed").body, "packed");
}

BOOST_AUTO_TEST_CASE(head_falls_back_to_get) {
  auto router = sample_router();
  BOOST_CHECK_EQUAL(run(router, "HEAD", "/exact").body, "exact");
  BOOST_CHECK_EQUAL(run(router, "HEAD", "/files/x").body, "files");
}

BOOST_AUTO_TEST_CASE(unknown_paths_get_404) {
  auto router = sample_router();
  BOOST_CHECK_EQUAL(run(router, "GET", "/nope").status, 404);
  BOOST_CHECK_EQUAL(run(router, "GET", "/exactly").status, 404);
  BOOST_CHECK_EQUAL(run(router, "GET", "/files").status, 404);
}

BOOST_AUTO_TEST_CASE(other_methods_get_405_listing_each_allowed_method_once) {
  auto router = sample_router();
  auto refused = run(router, "DELETE", "/exact");
  BOOST_CHECK_EQUAL(refused.status, 405);
  BOOST_CHECK_EQUAL(allow_of(refused), "GET, HEAD, POST, OPTIONS");
  refused = run(router, "POST", "/files/special/one");
  BOOST_CHECK_EQUAL(refused.status, 405);
  BOOST_CHECK_EQUAL(allow_of(refused), "GET, HEAD, OPTIONS");
  refused = run(router, "GET", "/upload");  // no GET route: no HEAD either
  BOOST_CHECK_EQUAL(refused.status, 405);
  BOOST_CHECK_EQUAL(allow_of(refused), "PUT, OPTIONS");
}

BOOST_AUTO_TEST_CASE(options_on_a_routed_path_lists_its_methods) {
  auto router = sample_router();
  auto answer = run(router, "OPTIONS", "/exact");
  BOOST_CHECK_EQUAL(answer.status, 204);
  BOOST_CHECK_EQUAL(allow_of(answer), "GET, HEAD, POST, OPTIONS");
  BOOST_CHECK_EQUAL(run(router, "OPTIONS", "/nope").status, 404);
  // A route of its own for OPTIONS wins.
  router.route("OPTIONS", "/upload", answering("custom"));
  BOOST_CHECK_EQUAL(run(router, "OPTIONS", "/upload").body, "custom");
}

BOOST_AUTO_TEST_CASE(a_method_is_not_taken_for_part_of_another) {
  http_router router;
  router.route("PUTX", "/p", answering("x")).route("PUT", "/p", answering("put"));
  auto refused = run(router, "GET", "/p");
  BOOST_CHECK_EQUAL(allow_of(refused), "PUTX, PUT, OPTIONS");
}

BOOST_AUTO_TEST_CASE(options_asterisk_lists_every_routed_method) {
  auto router = sample_router();
  auto answer = run(router, "OPTIONS", "*");
  BOOST_CHECK_EQUAL(answer.status, 204);
  BOOST_CHECK_EQUAL(allow_of(answer), "GET, HEAD, POST, PUT, OPTIONS");
}
