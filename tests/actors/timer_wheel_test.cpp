#define BOOST_TEST_MODULE timer_wheel
#include <boost/test/unit_test.hpp>

#include "actors/atoms.hpp"
#include "actors/timer_wheel.hpp"
#include "tests/support/test_client.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

using namespace warren;
using namespace std::chrono_literals;

namespace {

/// An actor system with one actor that counts the ticks it receives.
struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<std::atomic<int>> ticks = std::make_shared<std::atomic<int>>(0);
  caf::actor counter = sys.spawn([t = ticks]() -> caf::behavior {
    return {[t](tick_atom) { t->fetch_add(1); }};
  });

  caf::actor_control_block* target() { return caf::actor_cast<caf::actor_control_block*>(counter); }

  ~fixture() { caf::anon_send_exit(counter, caf::exit_reason::user_shutdown); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(ticks_arrive_once_and_not_early, fixture) {
  timer_wheel wheel;
  timer_wheel::handle h;
  auto asked = timer_wheel::clock_type::now();
  wheel.schedule(target(), asked + 100ms, h);
  BOOST_CHECK_EQUAL(wheel.size(), 1u);
  BOOST_REQUIRE(test::eventually([&] { return ticks->load() == 1; }));
  BOOST_CHECK(timer_wheel::clock_type::now() - asked >= 100ms);
  BOOST_CHECK_EQUAL(wheel.size(), 0u);
  std::this_thread::sleep_for(3 * timer_wheel::resolution);
  BOOST_CHECK_EQUAL(ticks->load(), 1);
}

BOOST_FIXTURE_TEST_CASE(rescheduling_moves_the_single_entry, fixture) {
  timer_wheel wheel;
  timer_wheel::handle h;
  auto now = timer_wheel::clock_type::now();
  wheel.schedule(target(), now + 60s, h);
  wheel.schedule(target(), now + 120s, h);
  BOOST_CHECK_EQUAL(wheel.size(), 1u);
  wheel.cancel(target(), h);
  BOOST_CHECK_EQUAL(wheel.size(), 0u);
  BOOST_CHECK_EQUAL(h.due_tick, 0u);
}

BOOST_FIXTURE_TEST_CASE(a_cancelled_burst_gives_its_memory_back, fixture) {
  // A burst of connections all due in the same tick, which then all close: the slot they
  // filled must not keep room for them (each slot would otherwise keep its high-water mark).
  timer_wheel wheel;
  std::vector<timer_wheel::handle> handles(5000);
  auto due = timer_wheel::clock_type::now() + 60s;
  for (auto& h : handles)
    wheel.schedule(target(), due, h);
  BOOST_CHECK_EQUAL(wheel.size(), handles.size());
  BOOST_CHECK_GE(wheel.capacity_bytes(), handles.size() * 16);
  for (auto& h : handles)
    wheel.cancel(target(), h);
  BOOST_CHECK_EQUAL(wheel.size(), 0u);
  BOOST_CHECK_EQUAL(wheel.capacity_bytes(), 0u);
}

BOOST_FIXTURE_TEST_CASE(a_delivered_burst_gives_its_memory_back, fixture) {
  timer_wheel wheel;
  std::vector<timer_wheel::handle> handles(2000);
  auto due = timer_wheel::clock_type::now() + 100ms;
  for (auto& h : handles)
    wheel.schedule(target(), due, h);
  BOOST_REQUIRE(test::eventually([&] { return ticks->load() == static_cast<int>(handles.size()); }));
  BOOST_CHECK_EQUAL(wheel.size(), 0u);
  BOOST_CHECK_EQUAL(wheel.capacity_bytes(), 0u);
}

BOOST_FIXTURE_TEST_CASE(entries_spread_over_the_wheel_leave_no_memory_behind, fixture) {
  // Connections come and go all the time, each due in a later slot than the one before, so
  // over the wheel's span every slot is used once. None may keep memory after its entry left,
  // or the wheel grows for as long as the server runs.
  timer_wheel wheel;
  auto start = timer_wheel::clock_type::now() + 60s;
  for (int i = 0; i < 1000; ++i) {
    timer_wheel::handle h;
    wheel.schedule(target(), start + i * timer_wheel::resolution, h);
    wheel.cancel(target(), h);
  }
  BOOST_CHECK_EQUAL(wheel.size(), 0u);
  BOOST_CHECK_EQUAL(wheel.capacity_bytes(), 0u);
}
