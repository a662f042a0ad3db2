#include "transport/memory_stream.hpp"

#include "transport/readiness.hpp"

#include <caf/actor_control_block.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

namespace warren::transport {

namespace {

/// A tiny lock: pipes exist by the million in scale runs and are held for a few copies only.
class spin_lock {
public:
  void lock() noexcept {
    while (flag_.exchange(true, std::memory_order_acquire))
      std::this_thread::yield();
  }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> flag_{false};
};

/// One direction of the pipe: bytes written by one side, read by the other. The byte buffer
/// exists only while bytes wait.
struct direction {
  std::unique_ptr<std::string> bytes;
  caf::strong_actor_ptr reader_waiting;
  caf::strong_actor_ptr writer_waiting;
  bool writer_done = false;  // shutdown_write or close by the writing side
  bool reader_gone = false;  // close by the reading side

  std::size_t size() const noexcept { return bytes ? bytes->size() : 0; }
};

} // namespace

struct memory_stream::pipe {
  explicit pipe(std::size_t capacity) : capacity_bytes(static_cast<std::uint32_t>(capacity)) {}
  std::atomic<int> refs{2};  // one per end
  spin_lock mtx;
  std::uint32_t capacity_bytes;
  direction dirs[2];  // dirs[s]: bytes that side s reads
};

memory_stream::memory_stream(pipe* shared, int side) noexcept : pipe_(shared), side_(side) {}

memory_stream::~memory_stream() {
  close();
  if (pipe_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete pipe_;
}

io_result memory_stream::read_bytes(char* data, std::size_t size, bool report_drained) {
  caf::strong_actor_ptr wake_writer;
  io_result result{io_result::would_block};
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& in = pipe_->dirs[side_];
    if (in.reader_gone)
      return {io_result::failed, 0, EBADF};
    if (in.size() > 0) {
      auto n = std::min(size, in.size());
      in.bytes->copy(data, n);
      in.bytes->erase(0, n);
      if (in.bytes->empty())
        in.bytes.reset();  // an idle pipe holds no buffer
      wake_writer = std::move(in.writer_waiting);
      result = {io_result::ok, n, 0, report_drained && in.size() == 0 && !in.writer_done};
    } else if (in.writer_done) {
      result = {io_result::eof};
    }
  }
  if (wake_writer)
    notify_writable(wake_writer);
  return result;
}

io_result memory_stream::write_buffers(const iovec* buffers, std::size_t count, bool) {
  caf::strong_actor_ptr wake_reader;
  io_result result{io_result::would_block};
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& out = pipe_->dirs[1 - side_];
    if (out.writer_done || out.reader_gone)
      return {io_result::failed, 0, EPIPE};
    std::size_t written = 0;
    for (std::size_t i = 0; i < count; ++i) {
      auto space = pipe_->capacity_bytes - out.size();
      auto n = std::min(space, buffers[i].iov_len);
      if (n == 0)
        break;
      if (!out.bytes)
        out.bytes = std::make_unique<std::string>();
      out.bytes->append(static_cast<const char*>(buffers[i].iov_base), n);
      written += n;
      if (n < buffers[i].iov_len)
        break;
    }
    if (written > 0 || count == 0) {
      result = {io_result::ok, written};
      wake_reader = std::move(out.reader_waiting);
    }
  }
  if (wake_reader)
    notify_readable(wake_reader);
  return result;
}

std::size_t memory_stream::unread_bytes() noexcept {
  std::lock_guard<spin_lock> guard{pipe_->mtx};
  return pipe_->dirs[side_].size();
}

io_result memory_stream::send_file(int fd, std::uint64_t offset, std::size_t count) {
  // No zero copy in memory: read a bounded piece of the file and write it.
  char buffer[16 * 1024];
  auto n = ::pread(fd, buffer, std::min(count, sizeof(buffer)), static_cast<off_t>(offset));
  if (n < 0)
    return {io_result::failed, 0, errno};
  if (n == 0)
    return {io_result::failed, 0, EIO};
  iovec v{buffer, static_cast<std::size_t>(n)};
  return write_some(&v, 1);
}

void memory_stream::wait_readable(const caf::strong_actor_ptr& owner) {
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& in = pipe_->dirs[side_];
    if (in.size() == 0 && !in.writer_done && !in.reader_gone) {
      in.reader_waiting = owner;
      return;
    }
  }
  notify_readable(owner);
}

void memory_stream::wait_writable(const caf::strong_actor_ptr& owner) {
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& out = pipe_->dirs[1 - side_];
    if (out.size() >= pipe_->capacity_bytes && !out.reader_gone && !out.writer_done) {
      out.writer_waiting = owner;
      return;
    }
  }
  notify_writable(owner);
}

void memory_stream::shutdown_write() noexcept {
  caf::strong_actor_ptr wake_reader;
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& out = pipe_->dirs[1 - side_];
    out.writer_done = true;
    wake_reader = std::move(out.reader_waiting);
  }
  if (wake_reader)
    notify_readable(wake_reader);
}

void memory_stream::close() noexcept {
  caf::strong_actor_ptr wake_reader;
  caf::strong_actor_ptr wake_writer;
  {
    std::lock_guard<spin_lock> guard{pipe_->mtx};
    auto& in = pipe_->dirs[side_];
    auto& out = pipe_->dirs[1 - side_];
    if (in.reader_gone)
      return;
    in.reader_gone = true;
    in.bytes.reset();
    in.reader_waiting = nullptr;
    wake_writer = std::move(in.writer_waiting);  // the peer's writes now fail
    out.writer_done = true;
    out.writer_waiting = nullptr;
    wake_reader = std::move(out.reader_waiting);  // the peer reads EOF
  }
  if (wake_reader)
    notify_readable(wake_reader);
  if (wake_writer)
    notify_writable(wake_writer);
}

std::pair<std::unique_ptr<memory_stream>, std::unique_ptr<memory_stream>>
make_memory_stream_pair(std::size_t capacity_bytes) {
  auto shared = new memory_stream::pipe(capacity_bytes);
  return {std::make_unique<memory_stream>(shared, 0), std::make_unique<memory_stream>(shared, 1)};
}

} // namespace warren::transport
