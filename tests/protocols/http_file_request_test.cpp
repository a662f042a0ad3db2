#define BOOST_TEST_MODULE http_file_request
#include <boost/test/unit_test.hpp>

#include "protocols/http/file_request.hpp"
#include "protocols/http/request.hpp"

#include <string>
#include <vector>

using namespace warren::http;

namespace {

constexpr std::time_t sun_06_nov_1994_084937 = 784111777;
const std::string imf_date = "Sun, 06 Nov 1994 08:49:37 GMT";

request with_fields(std::vector<header_field> fields) {
  request req;
  req.method = "GET";
  req.target = "/static/f";
  req.headers = std::move(fields);
  return req;
}

} // namespace

BOOST_AUTO_TEST_CASE(range_table) {
  struct row {
    const char* header;
    std::uint64_t size;
    byte_range::kind_t kind;
    std::uint64_t first, last;
  };
  const row rows[] = {
    {"bytes=0-0", 10, byte_range::partial, 0, 0},
    {"Bytes=1-1", 10, byte_range::partial, 1, 1},
    {"bytes=2-5", 10, byte_range::partial, 2, 5},
    {"bytes=2-", 10, byte_range::partial, 2, 9},
    {"bytes=2-100", 10, byte_range::partial, 2, 9},  // last clamps to the end
    {"bytes=-3", 10, byte_range::partial, 7, 9},
    {"bytes=-30", 10, byte_range::partial, 0, 9},
    {"bytes= 1 - 2 ", 10, byte_range::partial, 1, 2},
    {"bytes=10-", 10, byte_range::unsatisfiable, 0, 0},
    {"bytes=10-20", 10, byte_range::unsatisfiable, 0, 0},
    {"bytes=-0", 10, byte_range::unsatisfiable, 0, 0},
    {"bytes=0-", 0, byte_range::unsatisfiable, 0, 0},
    {"bytes=-5", 0, byte_range::whole, 0, 0},  // a suffix of an empty file: all of it
    {"bytes=-0", 0, byte_range::unsatisfiable, 0, 0},
    {"bytes=5-2", 10, byte_range::whole, 0, 0},  // malformed: ignored
    {"bytes=0-1,3-4", 10, byte_range::whole, 0, 0},  // several ranges: the whole file
    {"items=0-1", 10, byte_range::whole, 0, 0},
    {"bytes=a-b", 10, byte_range::whole, 0, 0},
    {"bytes=-", 10, byte_range::whole, 0, 0},
    {"bytes=1", 10, byte_range::whole, 0, 0},
    // Positions past 2^64 are legal digits, past the end of any file.
    {"bytes=99999999999999999999-", 10, byte_range::unsatisfiable, 0, 0},
    {"bytes=0-99999999999999999999999", 10, byte_range::partial, 0, 9},
    {"bytes=3-18446744073709551615", 10, byte_range::partial, 3, 9},
    {"bytes=-99999999999999999999999", 10, byte_range::partial, 0, 9},
    {"bytes=18446744073709551616-18446744073709551615", 10, byte_range::unsatisfiable, 0, 0},
  };
  for (auto& r : rows) {
    BOOST_TEST_CONTEXT(r.header << " of " << r.size) {
      auto range = parse_range(r.header, r.size);
      BOOST_CHECK_EQUAL(range.kind, r.kind);
      if (r.kind == byte_range::partial) {
        BOOST_CHECK_EQUAL(range.first, r.first);
        BOOST_CHECK_EQUAL(range.last, r.last);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(http_date_forms) {
  BOOST_CHECK(parse_http_date(imf_date) == sun_06_nov_1994_084937);
  BOOST_CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == sun_06_nov_1994_084937);
  BOOST_CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == sun_06_nov_1994_084937);
  for (const char* bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                          "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                          "Sun,  6 Nov 1994 08:49:37 GMT"})
    BOOST_CHECK_MESSAGE(!parse_http_date(bad), "accepted: " << bad);
}

BOOST_AUTO_TEST_CASE(content_types_by_extension) {
  BOOST_CHECK_EQUAL(content_type_for("a/index.html"), "text/html; charset=utf-8");
  BOOST_CHECK_EQUAL(content_type_for("IMAGE.PNG"), "image/png");
  BOOST_CHECK_EQUAL(content_type_for("x.tar.gz"), "application/gzip");
  BOOST_CHECK_EQUAL(content_type_for("dir.d/noext"), "application/octet-stream");
  BOOST_CHECK_EQUAL(content_type_for("trailing."), "application/octet-stream");
  BOOST_CHECK_EQUAL(content_type_for("f.unknown"), "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(a_directory_names_its_index_html) {
  BOOST_CHECK_EQUAL(with_directory_index(""), "index.html");
  BOOST_CHECK_EQUAL(with_directory_index("docs/"), "docs/index.html");
  BOOST_CHECK_EQUAL(with_directory_index("docs"), "docs");  // a file, or a directory: 404
  BOOST_CHECK(!safe_relative_path(with_directory_index("../")));
  BOOST_CHECK(!safe_relative_path(with_directory_index("a//")));
}

BOOST_AUTO_TEST_CASE(relative_paths_never_leave_the_root) {
  BOOST_CHECK(safe_relative_path("a.txt") == std::string{"a.txt"});
  BOOST_CHECK(safe_relative_path("d/a%20b.txt") == std::string{"d/a b.txt"});
  BOOST_CHECK(safe_relative_path("..a/b..") == std::string{"..a/b.."});
  for (const char* bad : {"", "/etc/passwd", "..", "../x", "a/../../x", "a/./b", "a//b", "a/",
                          "%2e%2e/x", "%2E%2e", "a%2f..%2fb", "..%2fx", "a%00b", "a\\b",
                          "a%5cb", "%zz", "a%2"})
    BOOST_CHECK_MESSAGE(!safe_relative_path(bad), "accepted: " << bad);
}

BOOST_AUTO_TEST_CASE(preconditions_in_rfc_9110_order) {
  const auto mtime = sun_06_nov_1994_084937;
  const auto now = mtime + 3600;
  const std::string earlier = "Sun, 06 Nov 1994 08:49:36 GMT";
  const std::string later = "Sun, 06 Nov 1994 08:49:38 GMT";
  const std::string future = "Sun, 06 Nov 2094 08:49:38 GMT";
  using o = precondition_outcome;
  struct row {
    std::vector<header_field> fields;
    o::status_t status;
    bool honour_range;
  };
  const std::vector<row> rows = {
    {{}, o::proceed, true},
    {{{"If-Modified-Since", imf_date}}, o::not_modified, false},
    {{{"if-modified-since", later}}, o::not_modified, false},
    {{{"If-Modified-Since", earlier}}, o::proceed, true},
    {{{"If-Modified-Since", future}}, o::proceed, true},  // later than now: ignored
    {{{"If-Modified-Since", "garbage"}}, o::proceed, true},
    {{{"If-None-Match", "*"}}, o::not_modified, false},
    {{{"If-None-Match", "\"abc\""}, {"If-Modified-Since", imf_date}}, o::proceed, true},
    {{{"If-Match", "*"}}, o::proceed, true},
    {{{"If-Match", "\"abc\""}}, o::precondition_failed, false},
    {{{"If-Unmodified-Since", earlier}}, o::precondition_failed, false},
    {{{"If-Unmodified-Since", imf_date}}, o::proceed, true},
    {{{"If-Unmodified-Since", earlier}, {"If-Match", "*"}}, o::proceed, true},
    {{{"If-Unmodified-Since", earlier}, {"If-Modified-Since", imf_date}},
     o::precondition_failed, false},
    {{{"If-Range", imf_date}}, o::proceed, true},
    {{{"If-Range", earlier}}, o::proceed, false},
    {{{"If-Range", "\"abc\""}}, o::proceed, false},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST_CONTEXT("row " << i) {
      auto outcome = evaluate_preconditions(with_fields(rows[i].fields), mtime, now);
      BOOST_CHECK_EQUAL(outcome.status, rows[i].status);
      if (rows[i].status == o::proceed)
        BOOST_CHECK_EQUAL(outcome.honour_range, rows[i].honour_range);
    }
  }
}
