#include "protocols/framing/decoder.hpp"

namespace warren::framing {

decode_step next_frame(const char* data, std::size_t size, std::uint32_t max_frame_size) {
  if (size < header_size)
    return {decode_step::need_more, 0, header_size, {}};
  auto length = read_length(data);
  if (length > max_frame_size)
    return {decode_step::oversize, 0, 0, {}};
  auto total = header_size + std::size_t{length};
  if (size < total)
    return {decode_step::need_more, 0, total, {}};
  return {decode_step::frame, total, total, std::string_view{data + header_size, length}};
}

} // namespace warren::framing
