#define BOOST_TEST_MODULE output_queue
#include <boost/test/unit_test.hpp>

#include "transport/memory_stream.hpp"
#include "transport/output_queue.hpp"

#include <string>

using namespace warren::transport;

namespace {

std::string drain(stream& s) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto r = s.read_some(buf, sizeof(buf));
    if (r.status != io_result::ok)
      return out;
    out.append(buf, r.bytes);
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(keeps_order_across_small_and_large_chunks) {
  auto [server, client] = make_memory_stream_pair(1 << 22);
  output_queue q;
  std::string big(100000, 'B');
  q.append(std::string_view{"one,"});
  q.append(std::string{big});
  q.append(std::string_view{",two"});
  BOOST_TEST(q.size() == 4 + big.size() + 4);
  auto r = q.flush(*server);
  BOOST_TEST(r.status == io_result::ok);
  BOOST_TEST(r.bytes == 4 + big.size() + 4);
  BOOST_TEST(q.empty());
  BOOST_TEST(drain(*client) == "one," + big + ",two");
}

BOOST_AUTO_TEST_CASE(head_and_body_pieces_keep_their_order_around_files_and_empties) {
  auto [server, client] = make_memory_stream_pair(1 << 22);
  output_queue q;
  std::string big(20000, 'B');
  q.append("h1|", "b1|");
  q.append("", "");                           // nothing at all
  q.append("", "b2|");                         // an empty head
  q.append(std::string{big});                  // a chunk of its own
  q.append("h3|", "");                         // an empty body, after a full chunk
  q.append(std::string_view{big}, "b4|");      // a head past the coalescing limit
  q.append("h5|", "b5");
  std::string expected = "h1|b1|b2|" + big + "h3|" + big + "b4|h5|b5";
  BOOST_TEST(q.size() == expected.size());
  auto r = q.flush(*server);
  BOOST_TEST(r.status == io_result::ok);
  BOOST_TEST(q.empty());
  BOOST_TEST(drain(*client) == expected);
}

BOOST_AUTO_TEST_CASE(partial_writes_resume_where_they_stopped) {
  auto [server, client] = make_memory_stream_pair(7);  // the peer takes 7 bytes at a time
  output_queue q;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    auto piece = "piece-" + std::to_string(i) + ";";
    q.append(std::string_view{piece});
    expected += piece;
  }
  std::string received;
  for (int rounds = 0; !q.empty() && rounds < 10000; ++rounds) {
    auto r = q.flush(*server);
    BOOST_TEST((r.status == io_result::ok || r.status == io_result::would_block));
    received += drain(*client);
  }
  BOOST_TEST(q.empty());
  BOOST_TEST(received == expected);
}

BOOST_AUTO_TEST_CASE(queues_emptied_on_one_thread_lend_their_memory_without_mixing_bytes) {
  // Each emptied queue leaves its buffer to the thread's next one; a queue still holding
  // bytes must never see another queue's bytes, nor lose its own.
  auto [server_a, client_a] = make_memory_stream_pair(1 << 22);
  auto [server_b, client_b] = make_memory_stream_pair(1 << 22);
  output_queue a;
  output_queue b;
  std::string expected_a;
  std::string expected_b;
  std::string received_a;
  std::string received_b;
  for (int i = 0; i < 200; ++i) {
    auto filler = static_cast<std::size_t>(i * 37 % 3000);
    auto piece_a = "a" + std::to_string(i) + std::string(filler, 'x');
    auto piece_b = "b" + std::to_string(i) + ";";
    a.append(std::string_view{piece_a});
    expected_a += piece_a;
    b.append(std::string_view{piece_b});
    expected_b += piece_b;
    if (i % 3 == 0) {  // a drains while b still holds bytes, then takes new ones
      BOOST_TEST(a.flush(*server_a).status == io_result::ok);
      BOOST_TEST(a.empty());
      received_a += drain(*client_a);
    }
    if (i % 5 == 0) {
      std::string large(20000, 'B');  // a chunk of its own
      expected_b += large;
      b.append(std::move(large));
      BOOST_TEST(b.flush(*server_b).status == io_result::ok);
      received_b += drain(*client_b);
    }
  }
  a.flush(*server_a);
  b.flush(*server_b);
  received_a += drain(*client_a);
  received_b += drain(*client_b);
  BOOST_TEST(received_a == expected_a);
  BOOST_TEST(received_b == expected_b);
}

BOOST_AUTO_TEST_CASE(budget_bounds_one_flush_and_the_next_one_resumes) {
  auto [server, client] = make_memory_stream_pair(1 << 22);
  output_queue q;
  std::string expected;
  for (int i = 0; i < 10; ++i) {
    auto piece = std::string(20000, static_cast<char>('a' + i));
    q.append(std::string{piece});
    expected += piece;
  }
  auto r = q.flush(*server, 50000);
  BOOST_TEST(r.status == io_result::ok);
  BOOST_TEST(r.bytes >= 50000u);  // whole chunks are offered until the budget is reached
  BOOST_TEST(r.bytes < expected.size());
  BOOST_TEST(q.size() == expected.size() - r.bytes);
  r = q.flush(*server);
  BOOST_TEST(r.status == io_result::ok);
  BOOST_TEST(q.empty());
  BOOST_TEST(drain(*client) == expected);
}

BOOST_AUTO_TEST_CASE(failed_peer_reports_failure_and_keeps_bytes) {
  auto [server, client] = make_memory_stream_pair();
  client->close();
  output_queue q;
  q.append(std::string_view{"lost"});
  auto r = q.flush(*server);
  BOOST_TEST(r.status == io_result::failed);
  BOOST_TEST(q.size() == 4u);
  q.clear();
  BOOST_TEST(q.empty());
}

BOOST_AUTO_TEST_CASE(memory_stream_eof_after_shutdown_write) {
  auto [a, b] = make_memory_stream_pair();
  iovec v{const_cast<char*>("xy"), 2};
  BOOST_TEST(a->write_some(&v, 1).bytes == 2u);
  a->shutdown_write();
  char buf[8];
  auto r = b->read_some(buf, sizeof(buf));
  BOOST_TEST(r.status == io_result::ok);
  BOOST_TEST(r.bytes == 2u);
  BOOST_TEST(b->read_some(buf, sizeof(buf)).status == io_result::eof);
  BOOST_TEST(a->read_some(buf, sizeof(buf)).status == io_result::would_block);
}
