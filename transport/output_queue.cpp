#include "transport/output_queue.hpp"

#include <algorithm>

namespace warren::transport {

void output_queue::append(std::string_view bytes) {
  if (bytes.empty())
    return;
  tail_for(bytes.size()).append(bytes.data(), bytes.size());
  size_ += bytes.size();
}

void output_queue::append(std::string_view head, std::string_view body) {
  auto n = head.size() + body.size();
  if (n == 0)
    return;
  auto& tail = tail_for(n);
  tail.append(head.data(), head.size());
  tail.append(body.data(), body.size());
  size_ += n;
}

output_queue::spare_memory& output_queue::thread_spare() noexcept {
  thread_local spare_memory spare;
  return spare;
}

std::string& output_queue::tail_for(std::size_t n) {
  if (!chunks_.empty() && !chunks_.back().is_file()
      && chunks_.back().bytes.size() < coalesce_limit)
    return chunks_.back().bytes;
  // Room for the small writes that usually follow (a batch of replies) without regrowing.
  auto wanted = std::max(n, first_chunk_capacity);
  std::string fresh;
  auto& spare = thread_spare().bytes;
  if (spare.capacity() >= wanted)
    fresh.swap(spare);
  else
    fresh.reserve(wanted);
  push_chunk(chunk::of(std::move(fresh)));
  return chunks_.back().bytes;
}

void output_queue::push_chunk(chunk&& c) {
  if (chunks_.capacity() == 0)
    chunks_.swap(thread_spare().chunks);
  chunks_.push_back(std::move(c));
}

void output_queue::append(std::string&& bytes) {
  if (bytes.size() < coalesce_limit) {
    append(std::string_view{bytes});
    return;
  }
  size_ += bytes.size();
  push_chunk(chunk::of(std::move(bytes)));
}

void output_queue::append_file(std::shared_ptr<const void> owner, int fd, std::uint64_t offset,
                               std::uint64_t length) {
  if (length == 0)
    return;
  chunk c;
  c.file_owner = std::move(owner);
  c.file_fd = fd;
  c.file_offset = offset;
  c.file_left = length;
  push_chunk(std::move(c));
  size_ += length;
}

std::size_t output_queue::file_ranges() const noexcept {
  return static_cast<std::size_t>(
    std::count_if(chunks_.begin(), chunks_.end(), [](const chunk& c) { return c.is_file(); }));
}

io_result output_queue::flush(stream& out, std::uint64_t budget) {
  std::uint64_t total = 0;
  while (size_ > 0 && total < budget) {
    auto left = budget - total;
    auto result = chunks_.front().is_file() ? flush_file(out, left) : flush_bytes(out, left);
    total += result.bytes;
    if (result.status != io_result::ok) {
      result.bytes = static_cast<std::size_t>(total);
      return result;
    }
    if (result.bytes == 0)
      return {io_result::would_block, static_cast<std::size_t>(total)};
  }
  return {io_result::ok, static_cast<std::size_t>(total)};
}

io_result output_queue::flush_bytes(stream& out, std::uint64_t limit) {
  constexpr std::size_t max_buffers = 64;
  iovec buffers[max_buffers];
  std::size_t count = 0;
  std::uint64_t offered = 0;
  bool file_follows = false;
  for (std::size_t i = 0; i < chunks_.size() && count < max_buffers && offered < limit;
       ++i, ++count) {
    if (chunks_[i].is_file()) {
      file_follows = true;  // it goes out with sendfile once the bytes before it are out
      break;
    }
    auto offset = i == 0 ? head_offset_ : 0;
    buffers[count].iov_base = chunks_[i].bytes.data() + offset;
    buffers[count].iov_len = chunks_[i].bytes.size() - offset;
    offered += buffers[count].iov_len;
  }
  // A response head followed by its file: both leave in one segment when the file is small
  // (the sendfile right after ends the hold), instead of a tiny head segment of its own.
  auto result = out.write_some(buffers, count, file_follows);
  if (result.status == io_result::ok)
    consume_bytes(result.bytes);
  return result;
}

io_result output_queue::flush_file(stream& out, std::uint64_t limit) {
  auto& front = chunks_.front();
  auto result = out.send_file(front.file_fd, front.file_offset,
                              static_cast<std::size_t>(std::min(front.file_left, limit)));
  if (result.status != io_result::ok)
    return result;
  front.file_offset += result.bytes;
  front.file_left -= result.bytes;
  size_ -= result.bytes;
  if (front.file_left == 0)
    pop_front();
  return result;
}

void output_queue::consume_bytes(std::size_t n) {
  size_ -= n;
  while (n > 0) {
    auto left = chunks_.front().bytes.size() - head_offset_;
    if (n < left) {
      head_offset_ += n;
      return;
    }
    n -= left;
    pop_front();
  }
}

void output_queue::pop_front() {
  head_offset_ = 0;
  auto& spare = thread_spare();
  auto& sent = chunks_.front().bytes;
  if (spare.bytes.capacity() < first_chunk_capacity
      && sent.capacity() <= spare_memory::max_bytes_capacity
      && sent.capacity() >= first_chunk_capacity) {
    sent.clear();
    spare.bytes.swap(sent);
  }
  chunks_.erase(chunks_.begin());
  if (!chunks_.empty())
    return;
  if (spare.chunks.capacity() == 0 && chunks_.capacity() <= spare_memory::max_chunk_slots)
    spare.chunks.swap(chunks_);
  clear();
}

void output_queue::clear() noexcept {
  std::vector<chunk>{}.swap(chunks_);
  head_offset_ = 0;
  size_ = 0;
}

} // namespace warren::transport
