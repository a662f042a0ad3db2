#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

/// Length-prefixed framing: each frame is a 4-byte big-endian payload length followed by that
/// many payload bytes. Zero-length frames are legal. Pure code: bytes in, frames out.
namespace warren::framing {

/// Bytes in a frame header.
constexpr std::size_t header_size = 4;

/// Default upper bound for an announced payload length (1 MiB).
constexpr std::uint32_t default_max_frame_size = 1u << 20;

/// The outcome of looking for one frame at the start of a byte range.
struct decode_step {
  enum status_t {
    /// A complete frame: `payload` views it, `consumed` covers header + payload.
    frame,
    /// The range holds only part of a frame: `consumed` is 0 and `needed` says how many
    /// bytes the whole frame takes (header only, while the header is incomplete).
    need_more,
    /// The header announces more than the maximum frame size: a protocol error.
    oversize,
  };
  status_t status;
  std::size_t consumed = 0;
  std::size_t needed = 0;
  std::string_view payload;
};

/// Looks for one frame at the start of `[data, data + size)`.
/// The decoder keeps no state: the caller keeps unconsumed bytes and calls again with more,
/// so any split of the input yields the same frames.
decode_step next_frame(const char* data, std::size_t size, std::uint32_t max_frame_size);

/// Reads a 4-byte big-endian length.
inline std::uint32_t read_length(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16)
         | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

/// Writes a 4-byte big-endian length to `p`.
inline void write_length(char* p, std::uint32_t n) {
  p[0] = static_cast<char>(n >> 24);
  p[1] = static_cast<char>(n >> 16);
  p[2] = static_cast<char>(n >> 8);
  p[3] = static_cast<char>(n);
}

/// Appends one encoded frame (header + payload) to `out`.
/// @pre payload.size() fits in 32 bits.
template <class Buffer>
void append_frame(Buffer& out, std::string_view payload) {
  char header[header_size];
  write_length(header, static_cast<std::uint32_t>(payload.size()));
  out.append(header, header_size);
  out.append(payload.data(), payload.size());
}

} // namespace warren::framing
