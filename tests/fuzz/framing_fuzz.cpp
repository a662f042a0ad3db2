// libFuzzer target for protocols/framing/decoder.hpp.
//
// Input: [max frame size][split pattern][split param][frame stream...]
//   max frame size: below 0x80 the byte itself (0..127); otherwise (byte - 0x80) * 512.
//   split pattern, param: see fuzz::cut_positions.
//
// The stream is decoded whole and split the way a connection does (unconsumed bytes kept
// and decoded again with the next read). Both must yield the same frames and end the same
// way (oversize, or the same bytes still needed); each step must keep the decoder's
// contract, and re-encoding the frames must give back the bytes they were decoded from.

#include "protocols/framing/decoder.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <string>

using namespace warren::framing;
using warren::fuzz::printable;

namespace {

/// Checks one step over `[data, data + size)` against the contract.
void check_step(const decode_step& step, const char* data, std::size_t size, std::uint32_t max) {
  switch (step.status) {
    case decode_step::frame:
      FUZZ_CHECK(size >= header_size && read_length(data) <= max, "frame past the limit");
      FUZZ_CHECK(step.payload.size() == read_length(data), "payload length");
      FUZZ_CHECK(step.payload.data() == data + header_size, "payload not in place");
      FUZZ_CHECK(step.consumed == header_size + step.payload.size() && step.consumed <= size,
                 "consumed " + std::to_string(step.consumed));
      break;
    case decode_step::need_more:
      FUZZ_CHECK(step.consumed == 0, "need_more consumed bytes");
      FUZZ_CHECK(step.needed > size, "needs " + std::to_string(step.needed) + " with "
                                       + std::to_string(size) + " there");
      FUZZ_CHECK(step.needed == (size < header_size ? header_size
                                                    : header_size + read_length(data)),
                 "needed " + std::to_string(step.needed));
      break;
    case decode_step::oversize:
      FUZZ_CHECK(size >= header_size && read_length(data) > max, "oversize within the limit");
      FUZZ_CHECK(step.consumed == 0, "oversize consumed bytes");
      break;
    default:
      FUZZ_CHECK(false, "status " + std::to_string(static_cast<int>(step.status)));
  }
}

/// Decodes `input` cut at `cuts`; returns a canonical text of the frames and the ending.
std::string run(std::string_view input, const std::vector<std::size_t>& cuts, std::uint32_t max) {
  std::string seen;
  std::string pending;
  std::string reencoded;
  std::size_t from = 0;
  std::size_t decoded = 0; // input bytes the frames came from
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t to = i < cuts.size() ? cuts[i] : input.size();
    pending.append(input.substr(from, to - from));
    from = to;
    std::size_t at = 0;
    for (;;) {
      auto step = next_frame(pending.data() + at, pending.size() - at, max);
      check_step(step, pending.data() + at, pending.size() - at, max);
      if (step.status == decode_step::oversize) {
        FUZZ_CHECK(reencoded == input.substr(0, decoded), "re-encoded frames differ");
        return seen + "oversize\n";
      }
      if (step.status == decode_step::need_more) {
        if (i == cuts.size()) {
          FUZZ_CHECK(reencoded == input.substr(0, decoded), "re-encoded frames differ");
          seen += "need " + std::to_string(step.needed) + " have "
                  + std::to_string(pending.size() - at) + '\n';
        }
        break;
      }
      seen += "frame " + std::to_string(step.payload.size()) + ' ' + std::string(step.payload) + '\n';
      append_frame(reencoded, step.payload);
      at += step.consumed;
      decoded += step.consumed;
    }
    pending.erase(0, at);
  }
  return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warren::fuzz::input_reader in{data, size};
  const std::uint8_t max_byte = in.byte();
  const std::uint32_t max = max_byte < 0x80 ? max_byte : (max_byte - 0x80u) * 512;
  const std::uint8_t pattern = in.byte();
  const std::uint8_t param = in.byte();
  const std::string_view bytes = in.rest();

  const std::string whole = run(bytes, {}, max);
  const std::string split = run(bytes, warren::fuzz::cut_positions(bytes.size(), pattern, param), max);
  FUZZ_CHECK(split == whole,
             "split run differs\nwhole:\n" + printable(whole) + "\nsplit:\n" + printable(split));
  return 0;
}
