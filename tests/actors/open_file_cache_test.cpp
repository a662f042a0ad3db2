#define BOOST_TEST_MODULE open_file_cache
#include <boost/test/unit_test.hpp>

#include "actors/open_file_cache.hpp"
#include "tests/support/test_client.hpp"

#include <caf/all.hpp>

#include <fcntl.h>
#include <thread>
#include <unistd.h>

using namespace warren;
using namespace std::chrono_literals;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
};

/// A cache entry over a real descriptor (/dev/null).
opened_file some_file(std::uint64_t size = 1) {
  opened_file f;
  f.file = std::make_shared<file_descriptor>(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  f.size = size;
  f.mtime = 1234;
  return f;
}


using clock_type = open_file_cache::clock_type;

} // namespace

BOOST_FIXTURE_TEST_CASE(an_entry_serves_until_it_expires, fixture) {
  auto cache = std::make_shared<open_file_cache>(std::chrono::milliseconds{60000});
  auto now = clock_type::now();
  BOOST_CHECK(!cache->find("a", now));
  cache->put(sys, "a", some_file(42), now);
  auto hit = cache->find("a", now + 59s);
  BOOST_REQUIRE(hit);
  BOOST_CHECK_EQUAL(hit->size, 42u);
  BOOST_CHECK_EQUAL(hit->mtime, 1234);
  BOOST_CHECK(hit->file->fd >= 0);
  BOOST_CHECK(!cache->find("a", now + 60s));
  BOOST_CHECK(!cache->find("b", now));
}

BOOST_FIXTURE_TEST_CASE(putting_again_replaces_and_closes_the_old_descriptor, fixture) {
  auto cache = std::make_shared<open_file_cache>(std::chrono::milliseconds{60000});
  auto now = clock_type::now();
  auto first = some_file(1);
  std::weak_ptr<file_descriptor> first_fd = first.file;
  cache->put(sys, "a", std::move(first), now);
  cache->put(sys, "a", some_file(2), now);
  BOOST_CHECK(first_fd.expired());
  BOOST_CHECK_EQUAL(cache->size(), 1u);
  BOOST_CHECK_EQUAL(cache->find("a", now)->size, 2u);
}

BOOST_FIXTURE_TEST_CASE(holds_at_most_capacity_descriptors, fixture) {
  auto cache = std::make_shared<open_file_cache>(std::chrono::milliseconds{60000});
  auto start = clock_type::now();
  std::weak_ptr<file_descriptor> oldest;
  for (std::size_t i = 0; i < open_file_cache::capacity + 10; ++i) {
    auto f = some_file(i);
    if (i == 0)
      oldest = f.file;
    cache->put(sys, "f" + std::to_string(i), std::move(f), start + std::chrono::milliseconds(i));
  }
  BOOST_CHECK_EQUAL(cache->size(), open_file_cache::capacity);
  BOOST_CHECK(oldest.expired());  // the oldest went first
  BOOST_CHECK(!cache->find("f0", start));
  BOOST_CHECK(cache->find("f" + std::to_string(open_file_cache::capacity + 9), start + 1s));
  cache->clear();
  BOOST_CHECK_EQUAL(cache->size(), 0u);
}

BOOST_FIXTURE_TEST_CASE(the_sweeper_closes_expired_entries_of_an_idle_cache, fixture) {
  auto cache = std::make_shared<open_file_cache>(std::chrono::milliseconds{100});
  auto f = some_file();
  std::weak_ptr<file_descriptor> fd = f.file;
  cache->put(sys, "a", std::move(f), clock_type::now());
  // The sweeper drops entries under the lock and closes them after it, so
  // wait for the close itself, not just for the empty map.
  BOOST_CHECK(test::eventually([&] { return cache->size() == 0 && fd.expired(); }));
  // A later entry starts the sweeper again.
  auto g = some_file();
  std::weak_ptr<file_descriptor> gd = g.file;
  cache->put(sys, "b", std::move(g), clock_type::now());
  BOOST_CHECK(test::eventually([&] { return cache->size() == 0 && gd.expired(); }));
}

BOOST_FIXTURE_TEST_CASE(a_response_keeps_its_descriptor_after_eviction, fixture) {
  auto cache = std::make_shared<open_file_cache>(std::chrono::milliseconds{60000});
  auto now = clock_type::now();
  cache->put(sys, "a", some_file(), now);
  auto in_use = cache->find("a", now)->file;  // as a queued file range holds it
  cache->clear();
  BOOST_CHECK(in_use.use_count() == 1);
  BOOST_CHECK(::fcntl(in_use->fd, F_GETFD) != -1);  // still open
}
