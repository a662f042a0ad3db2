#define BOOST_TEST_MODULE read_edge_wait
#include <boost/test/unit_test.hpp>

#include "transport/readiness.hpp"
#include "transport/tcp_stream.hpp"

#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/write.hpp>
#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

// tcp_stream::wait_readable_after_drain, the wait without epoll_ctl (read_edge_wait): every
// byte that arrives after the drain is heard, whenever its event is processed; bytes already
// read wake nobody; a closed stream's wait sends nothing. And the proof of a drain that needs
// no read returning EAGAIN: read_some reports `drained` only when it took every byte and no
// FIN waits behind them (TCP_INQ, inherited from the listening socket).

using namespace warren;
using namespace std::chrono_literals;

namespace {

constexpr auto generous = std::chrono::seconds(10);

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> owner;
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();  // polled here
  // As in the reactor: without outstanding work, poll() would stop the io_context for good.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
    asio::make_work_guard(*io)};
  asio::io_context client_io;  // blocking client calls only
  asio::ip::tcp::socket client{client_io};
  std::unique_ptr<transport::tcp_stream> stream;
  int fd = -1;  // the stream's descriptor, for socket options and poll()

  fixture() {
    sys = std::make_unique<caf::actor_system>(cfg);
    owner = std::make_unique<caf::scoped_actor>(*sys);
    asio::ip::tcp::acceptor acceptor{client_io, {asio::ip::make_address("127.0.0.1"), 0}};
    // As warren's acceptor does: set on the listener, inherited by the accepted socket.
    transport::tcp_stream::set_connection_options(acceptor.native_handle());
    client.connect(acceptor.local_endpoint());
    auto accepted = acceptor.accept();
    accepted.non_blocking(true);
    fd = accepted.native_handle();
    std::error_code ec;
    stream = std::make_unique<transport::tcp_stream>(*io, asio::ip::tcp::v4(),
                                                     accepted.release(), ec);
    BOOST_REQUIRE(!ec);
  }

  caf::strong_actor_ptr owner_ptr() { return caf::actor_cast<caf::strong_actor_ptr>(*owner); }

  void send(const std::string& bytes) { asio::write(client, asio::buffer(bytes)); }

  /// Reads everything the stream holds now; returns it (empty when it would block at once).
  std::string drain() {
    std::string got;
    char buf[256];
    for (;;) {
      auto result = stream->read_some(buf, sizeof(buf));
      if (result.status != transport::io_result::ok)
        return got;
      got.append(buf, result.bytes);
    }
  }

  /// Waits until the kernel holds unread bytes for the stream (they arrived).
  void wait_for_arrival() {
    auto until = std::chrono::steady_clock::now() + generous;
    while (stream->unread_bytes() == 0 && std::chrono::steady_clock::now() < until)
      io->poll();
    BOOST_REQUIRE_GT(stream->unread_bytes(), 0u);
  }

  /// Waits until the peer's FIN has arrived (the kernel reports POLLRDHUP).
  void wait_for_fin() {
    auto until = std::chrono::steady_clock::now() + generous;
    pollfd entry{fd, POLLRDHUP, 0};
    while (std::chrono::steady_clock::now() < until) {
      if (::poll(&entry, 1, 10) > 0 && (entry.revents & POLLRDHUP) != 0)
        return;
    }
    BOOST_FAIL("the peer's FIN did not arrive");
  }

  int tcp_option(int name) const {
    int value = 0;
    socklen_t length = sizeof(value);
    BOOST_REQUIRE_EQUAL(::getsockopt(fd, IPPROTO_TCP, name, &value, &length), 0);
    return value;
  }

  /// Polls the reactor until the owner hears `readable` or `limit` passes.
  bool heard_readable(std::chrono::steady_clock::duration limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    bool heard = false;
    while (!heard && std::chrono::steady_clock::now() < until) {
      io->poll();
      (*owner)->receive([&](transport::readable_atom) { heard = true; },
                        caf::after(std::chrono::milliseconds(5)) >> [] {});
    }
    return heard;
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(bytes_after_the_drain_are_heard, fixture) {
  BOOST_CHECK_EQUAL(drain(), "");
  stream->wait_readable_after_drain(owner_ptr());
  send("a");
  BOOST_REQUIRE(heard_readable(generous));
  BOOST_CHECK_EQUAL(drain(), "a");
}

BOOST_FIXTURE_TEST_CASE(bytes_whose_event_came_before_the_wait_are_heard, fixture) {
  // Arrival and event both before the wait starts: asio has seen the event with no wait
  // queued; the wait must still complete.
  BOOST_CHECK_EQUAL(drain(), "");
  send("a");
  wait_for_arrival();
  io->poll();
  stream->wait_readable_after_drain(owner_ptr());
  BOOST_REQUIRE(heard_readable(generous));
  BOOST_CHECK_EQUAL(drain(), "a");
}

BOOST_FIXTURE_TEST_CASE(bytes_already_read_wake_nobody, fixture) {
  // One wait consumed, then more bytes whose event asio sees while no wait is queued, and the
  // owner reads them itself (a busy connection's reread): the next wait must wait for new
  // bytes, not fire for those.
  stream->wait_readable_after_drain(owner_ptr());
  send("a");
  BOOST_REQUIRE(heard_readable(generous));
  BOOST_CHECK_EQUAL(drain(), "a");
  send("b");
  wait_for_arrival();
  io->poll();
  BOOST_CHECK_EQUAL(drain(), "b");
  stream->wait_readable_after_drain(owner_ptr());
  BOOST_CHECK(!heard_readable(200ms));
  send("c");
  BOOST_REQUIRE(heard_readable(generous));
  BOOST_CHECK_EQUAL(drain(), "c");
}

BOOST_FIXTURE_TEST_CASE(the_peer_closing_is_heard, fixture) {
  BOOST_CHECK_EQUAL(drain(), "");
  stream->wait_readable_after_drain(owner_ptr());
  client.close();
  BOOST_REQUIRE(heard_readable(generous));
  char buf[8];
  BOOST_CHECK(stream->read_some(buf, sizeof(buf)).status == transport::io_result::eof);
}

BOOST_FIXTURE_TEST_CASE(a_closed_stream_sends_nothing, fixture) {
  BOOST_CHECK_EQUAL(drain(), "");
  stream->wait_readable_after_drain(owner_ptr());
  stream->close();
  send("a");
  BOOST_CHECK(!heard_readable(200ms));
}

BOOST_FIXTURE_TEST_CASE(a_wait_left_unrun_at_reactor_shutdown_is_released, fixture) {
  // Closing the stream aborts its wait; an io_context destroyed before running the abort
  // destroys the wait unrun, which must drop its reference to the owner (a leak here shows
  // under ASan) and send nothing.
  BOOST_CHECK_EQUAL(drain(), "");
  stream->wait_readable_after_drain(owner_ptr());
  stream.reset();
  work.reset();
  io.reset();
  bool heard = false;
  (*owner)->receive([&](transport::readable_atom) { heard = true; },
                    caf::after(std::chrono::milliseconds(50)) >> [] {});
  BOOST_CHECK(!heard);
}

BOOST_FIXTURE_TEST_CASE(accepted_sockets_inherit_the_connection_options, fixture) {
  BOOST_CHECK_EQUAL(tcp_option(TCP_NODELAY), 1);
  BOOST_CHECK_EQUAL(tcp_option(TCP_INQ), 1);
}

BOOST_FIXTURE_TEST_CASE(a_read_that_takes_everything_is_drained_and_the_next_bytes_are_heard,
                        fixture) {
  send("abc");
  wait_for_arrival();
  char buf[256];
  auto result = stream->read_some(buf, sizeof(buf), /*report_drained=*/true);
  BOOST_REQUIRE(result.status == transport::io_result::ok);
  BOOST_CHECK_EQUAL(std::string(buf, result.bytes), "abc");
  BOOST_CHECK(result.drained);
  stream->wait_readable_after_drain(owner_ptr());
  BOOST_CHECK(!heard_readable(200ms));
  send("d");
  BOOST_REQUIRE(heard_readable(generous));
  BOOST_CHECK_EQUAL(drain(), "d");
}

BOOST_FIXTURE_TEST_CASE(a_read_that_leaves_bytes_is_not_drained, fixture) {
  send("abcdef");
  wait_for_arrival();
  char buf[4];
  auto first = stream->read_some(buf, 4, /*report_drained=*/true);
  BOOST_REQUIRE(first.status == transport::io_result::ok);
  BOOST_CHECK_EQUAL(first.bytes, 4u);
  BOOST_CHECK(!first.drained);
  auto second = stream->read_some(buf, 4, /*report_drained=*/true);
  BOOST_REQUIRE(second.status == transport::io_result::ok);
  BOOST_CHECK_EQUAL(std::string(buf, second.bytes), "ef");
  BOOST_CHECK(second.drained);
}

BOOST_FIXTURE_TEST_CASE(bytes_with_the_peers_fin_behind_them_are_not_drained, fixture) {
  // The FIN raised its edge before the read: a reader that trusted `drained` and waited would
  // never hear the EOF.
  send("abc");
  client.shutdown(asio::ip::tcp::socket::shutdown_send);
  wait_for_fin();
  char buf[256];
  auto result = stream->read_some(buf, sizeof(buf), /*report_drained=*/true);
  BOOST_REQUIRE(result.status == transport::io_result::ok);
  BOOST_CHECK_EQUAL(result.bytes, 3u);
  BOOST_CHECK(!result.drained);
  BOOST_CHECK(stream->read_some(buf, sizeof(buf)).status == transport::io_result::eof);
}

BOOST_FIXTURE_TEST_CASE(a_read_not_asked_to_report_it_is_never_drained, fixture) {
  send("abc");
  wait_for_arrival();
  char buf[256];
  auto result = stream->read_some(buf, sizeof(buf));
  BOOST_REQUIRE(result.status == transport::io_result::ok);
  BOOST_CHECK_EQUAL(result.bytes, 3u);
  BOOST_CHECK(!result.drained);
}
