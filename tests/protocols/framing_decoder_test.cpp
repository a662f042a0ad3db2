#define BOOST_TEST_MODULE framing_decoder
#include <boost/test/unit_test.hpp>

#include "protocols/framing/decoder.hpp"

#include <string>
#include <vector>

using namespace warren::framing;

namespace {

std::string frame_bytes(const std::string& payload) {
  std::string out;
  append_frame(out, payload);
  return out;
}

/// What decoding a byte sequence produced: the frames, whether it hit an oversize header,
/// and how many bytes were left waiting for more.
struct outcome {
  std::vector<std::string> frames;
  bool oversize = false;
  std::size_t leftover = 0;

  bool operator==(const outcome& other) const {
    return frames == other.frames && oversize == other.oversize && leftover == other.leftover;
  }
};

std::ostream& operator<<(std::ostream& os, const outcome& x) {
  os << "{frames=" << x.frames.size() << " oversize=" << x.oversize
     << " leftover=" << x.leftover << "}";
  return os;
}

/// Feeds `chunks` one after another the way a connection does: unconsumed bytes are kept and
/// the next chunk is appended to them.
outcome decode_chunks(const std::vector<std::string>& chunks, std::uint32_t max) {
  outcome out;
  std::string pending;
  for (auto& chunk : chunks) {
    pending += chunk;
    std::size_t used = 0;
    for (;;) {
      auto step = next_frame(pending.data() + used, pending.size() - used, max);
      if (step.status == decode_step::frame) {
        out.frames.emplace_back(step.payload);
        used += step.consumed;
        continue;
      }
      if (step.status == decode_step::oversize) {
        out.oversize = true;
        return out;
      }
      break;
    }
    pending.erase(0, used);
  }
  out.leftover = pending.size();
  return out;
}

struct row {
  const char* name;
  std::string input;
  std::uint32_t max;
  outcome expected;
};

std::vector<row> table() {
  std::string big(70000, 'b');
  return {
    {"empty input", "", 1024, {{}, false, 0}},
    {"one frame", frame_bytes("hello"), 1024, {{"hello"}, false, 0}},
    {"zero-length frame", frame_bytes(""), 1024, {{""}, false, 0}},
    {"zero-length frames back to back", frame_bytes("") + frame_bytes(""), 1024,
     {{"", ""}, false, 0}},
    {"three frames", frame_bytes("a") + frame_bytes("bc") + frame_bytes("def"), 1024,
     {{"a", "bc", "def"}, false, 0}},
    {"binary payload with NUL and 0xff",
     frame_bytes(std::string("\0\xff\x01\n\r", 5)), 1024,
     {{std::string("\0\xff\x01\n\r", 5)}, false, 0}},
    {"payload exactly at the limit", frame_bytes(std::string(16, 'x')), 16,
     {{std::string(16, 'x')}, false, 0}},
    {"large frame", frame_bytes(big), 1u << 20, {{big}, false, 0}},
    {"partial header", std::string("\0\0", 2), 1024, {{}, false, 2}},
    {"header only", std::string("\0\0\0\5", 4), 1024, {{}, false, 4}},
    {"frame then partial", frame_bytes("ok") + std::string("\0\0\0\3ab", 6), 1024,
     {{"ok"}, false, 6}},
    {"oversize by one", frame_bytes(std::string(17, 'x')), 16, {{}, true, 0}},
    {"oversize huge length", std::string("\xff\xff\xff\xff", 4), 1u << 20, {{}, true, 0}},
    {"frames before an oversize one", frame_bytes("fine") + std::string("\x7f\0\0\0", 4), 1024,
     {{"fine"}, true, 0}},
  };
}

} // namespace

BOOST_AUTO_TEST_CASE(table_in_one_piece) {
  for (auto& r : table()) {
    BOOST_TEST_CONTEXT(r.name) {
      BOOST_TEST(decode_chunks({r.input}, r.max) == r.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(table_split_at_every_byte) {
  for (auto& r : table()) {
    if (r.input.size() > 2000)
      continue;  // covered by the coarse splits below
    for (std::size_t at = 0; at <= r.input.size(); ++at) {
      BOOST_TEST_CONTEXT(r.name << " split at " << at) {
        BOOST_TEST(decode_chunks({r.input.substr(0, at), r.input.substr(at)}, r.max)
                   == r.expected);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(table_one_byte_at_a_time) {
  for (auto& r : table()) {
    if (r.input.size() > 2000)
      continue;
    std::vector<std::string> bytes;
    for (char c : r.input)
      bytes.emplace_back(1, c);
    BOOST_TEST_CONTEXT(r.name) {
      BOOST_TEST(decode_chunks(bytes, r.max) == r.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(large_frame_in_coarse_splits) {
  for (auto& r : table()) {
    if (r.input.size() <= 2000)
      continue;
    for (std::size_t at = 0; at <= r.input.size(); at += 997) {
      BOOST_TEST_CONTEXT(r.name << " split at " << at) {
        BOOST_TEST(decode_chunks({r.input.substr(0, at), r.input.substr(at)}, r.max)
                   == r.expected);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(need_more_reports_the_whole_frame_size) {
  auto bytes = frame_bytes("hello");
  auto step = next_frame(bytes.data(), 2, 1024);
  BOOST_TEST(step.status == decode_step::need_more);
  BOOST_TEST(step.needed == header_size);
  step = next_frame(bytes.data(), 6, 1024);
  BOOST_TEST(step.status == decode_step::need_more);
  BOOST_TEST(step.needed == header_size + 5);
  BOOST_TEST(step.consumed == 0u);
}

BOOST_AUTO_TEST_CASE(length_round_trip) {
  for (std::uint32_t n : {0u, 1u, 255u, 256u, 65535u, 65536u, 0x01020304u, 0xffffffffu}) {
    char buf[4];
    write_length(buf, n);
    BOOST_TEST(read_length(buf) == n);
  }
  char buf[4];
  write_length(buf, 0x01020304u);
  BOOST_TEST(buf[0] == 1);  // big-endian on the wire
  BOOST_TEST(buf[3] == 4);
}
