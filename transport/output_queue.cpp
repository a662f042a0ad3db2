#include "transport/output_queue.hpp"

#include <algorithm>

namespace warren::transport {

void output_queue::append(std::string_view bytes) {
  if (bytes.empty())
    return;
  if (!chunks_.empty() && chunks_.back().size() < coalesce_limit)
    chunks_.back().append(bytes.data(), bytes.size());
  else
    chunks_.emplace_back(bytes);
  size_ += bytes.size();
}

void output_queue::append(std::string&& bytes) {
  if (bytes.size() < coalesce_limit) {
    append(std::string_view{bytes});
    return;
  }
  size_ += bytes.size();
  chunks_.emplace_back(std::move(bytes));
}

io_result output_queue::flush(stream& out) {
  constexpr std::size_t max_buffers = 64;
  std::size_t total = 0;
  while (size_ > 0) {
    iovec buffers[max_buffers];
    std::size_t count = 0;
    for (std::size_t i = 0; i < chunks_.size() && count < max_buffers; ++i, ++count) {
      auto offset = i == 0 ? head_offset_ : 0;
      buffers[count].iov_base = chunks_[i].data() + offset;
      buffers[count].iov_len = chunks_[i].size() - offset;
    }
    auto result = out.write_some(buffers, count);
    if (result.status != io_result::ok) {
      result.bytes = total;
      return result;
    }
    total += result.bytes;
    consume(result.bytes);
    if (result.bytes == 0)
      return {io_result::would_block, total};
  }
  return {io_result::ok, total};
}

void output_queue::consume(std::size_t n) {
  size_ -= n;
  if (size_ == 0) {
    clear();
    return;
  }
  std::size_t whole = 0;
  while (n > 0) {
    auto left = chunks_[whole].size() - head_offset_;
    if (n < left) {
      head_offset_ += n;
      break;
    }
    n -= left;
    head_offset_ = 0;
    ++whole;
  }
  chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(whole));
}

void output_queue::clear() noexcept {
  std::vector<std::string>{}.swap(chunks_);
  head_offset_ = 0;
  size_ = 0;
}

} // namespace warren::transport
