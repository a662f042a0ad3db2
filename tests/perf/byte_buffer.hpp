#pragma once

// The growable byte buffer both plain-asio baselines (echo and HTTP) read into.

#include <cstddef>
#include <cstring>
#include <memory>

namespace asio_baseline {

/// A growable byte buffer that, unlike std::vector<char>, does not zero what it
/// allocates: an untouched buffer costs no resident memory.
class byte_buffer {
public:
  char* data() { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t free_space() const { return capacity_ - size_; }
  char* end() { return data_.get() + size_; }

  void reserve(std::size_t n) {
    if (n <= capacity_)
      return;
    std::size_t cap = capacity_ * 2 > n ? capacity_ * 2 : n;
    std::unique_ptr<char[]> fresh(new char[cap]);
    if (size_ > 0)
      std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = cap;
  }
  void commit(std::size_t n) { size_ += n; }
  void append(const char* p, std::size_t n) {
    reserve(size_ + n);
    std::memcpy(end(), p, n);
    size_ += n;
  }
  /// Drops the first n bytes, keeping the rest at the front.
  void consume(std::size_t n) {
    if (n < size_)
      std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void clear() { size_ = 0; }
  void release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

} // namespace asio_baseline
