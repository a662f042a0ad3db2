#define BOOST_TEST_MODULE poll_batch
#include <boost/test/unit_test.hpp>

#include "transport/readiness.hpp"
#include "tests/support/test_client.hpp"

#include <caf/all.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

// Readiness found by one reactor poll reaches its owners in the order it was found, after the
// poll: the socket that became ready first is served first, as an epoll loop serves it.

using namespace warren;

namespace {

using start_atom = caf::atom_constant<caf::atom("start")>;

struct journal {
  std::mutex mtx;
  std::vector<std::string> entries;

  void add(std::string entry) {
    std::lock_guard<std::mutex> guard{mtx};
    entries.push_back(std::move(entry));
  }
  std::vector<std::string> read() {
    std::lock_guard<std::mutex> guard{mtx};
    return entries;
  }
};

/// An owner that writes its name and the kind of readiness it heard into the journal.
caf::behavior owner(caf::event_based_actor*, std::string name, std::shared_ptr<journal> log) {
  return {
    [=](transport::readable_atom) { log->add(name + " readable"); },
    [=](transport::writable_atom) { log->add(name + " writable"); },
  };
}

/// Reads inline for the owner `accepted` only (it logs "<name> inline"), as a connection that
/// is idle does; every other owner is refused, as a busy one is.
struct test_reader final : transport::inline_reader {
  caf::abstract_actor* accepted = nullptr;
  std::string name;
  std::shared_ptr<journal> log;

  bool read_now(caf::abstract_actor* owner, caf::execution_unit* unit) const override {
    if (owner != accepted || unit == nullptr)
      return false;
    log->add(name + " inline");
    return true;
  }
};

/// Stands in for the reactor's poll: on a scheduler worker, readiness for a, b, c in that
/// order, collected in a batch and scheduled when the "poll" ends. `reader` (may be null) is
/// offered for every owner; `run_inline` is passed on to schedule_on.
caf::behavior poller(caf::event_based_actor* self, std::vector<caf::actor> owners,
                     std::shared_ptr<journal> log, const transport::inline_reader* reader,
                     bool run_inline) {
  return {
    [=](start_atom) {
      transport::poll_batch batch;
      transport::current_poll_batch() = &batch;
      transport::notify_readable(caf::actor_cast<caf::strong_actor_ptr>(owners[0]), reader);
      transport::notify_writable(caf::actor_cast<caf::strong_actor_ptr>(owners[1]));
      transport::notify_readable(caf::actor_cast<caf::strong_actor_ptr>(owners[2]), reader);
      transport::current_poll_batch() = nullptr;
      log->add("poll done");  // nothing was delivered during the poll
      batch.schedule_on(self->context(), run_inline);
    },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  fixture() {
    // One worker: the order the owners run in is the order they were scheduled in.
    cfg.set("scheduler.max-threads", size_t{1});
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  /// One "poll" finding readiness for owners a (readable), b (writable) and c (readable);
  /// with `offer_reader`, a reader that takes a's readiness inline and refuses c's is offered
  /// for both. Returns the journal once four entries are in it.
  std::vector<std::string> poll_once(bool offer_reader, bool run_inline) {
    auto log = std::make_shared<journal>();
    std::vector<caf::actor> owners{sys->spawn(owner, "a", log), sys->spawn(owner, "b", log),
                                   sys->spawn(owner, "c", log)};
    test_reader reader;
    reader.accepted = caf::actor_cast<caf::abstract_actor*>(owners[0]);
    reader.name = "a";
    reader.log = log;
    auto p = sys->spawn(poller, owners, log, offer_reader ? &reader : nullptr, run_inline);
    caf::anon_send(p, start_atom::value);
    BOOST_CHECK(test::eventually([&] { return log->read().size() == 4; }));
    for (auto& o : owners)
      caf::anon_send_exit(o, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
    return log->read();
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(owners_run_in_the_order_their_readiness_was_found, fixture) {
  auto got = poll_once(false, false);
  std::vector<std::string> expected{"poll done", "a readable", "b writable", "c readable"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
}

BOOST_FIXTURE_TEST_CASE(an_inline_reader_runs_in_the_poll_and_the_rest_keep_their_order,
                        fixture) {
  // a's reader takes its readiness inside schedule_on (no message for a); c's reader refuses
  // (c is busy), so c gets its message, after b's, as without a reader.
  auto got = poll_once(true, true);
  std::vector<std::string> expected{"poll done", "a inline", "b writable", "c readable"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
}

BOOST_FIXTURE_TEST_CASE(without_run_inline_a_reader_is_not_asked, fixture) {
  // Several workers: every owner gets its message, so that idle workers can take it.
  auto got = poll_once(true, false);
  std::vector<std::string> expected{"poll done", "a readable", "b writable", "c readable"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), expected.begin(), expected.end());
}

BOOST_FIXTURE_TEST_CASE(outside_a_poll_readiness_goes_out_at_once, fixture) {
  auto log = std::make_shared<journal>();
  auto a = sys->spawn(owner, "a", log);
  BOOST_REQUIRE(transport::current_poll_batch() == nullptr);
  transport::notify_writable(caf::actor_cast<caf::strong_actor_ptr>(a));
  BOOST_REQUIRE(test::eventually([&] { return log->read().size() == 1; }));
  BOOST_CHECK_EQUAL(log->read().front(), "a writable");
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

