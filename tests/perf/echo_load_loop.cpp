#include "tests/perf/echo_load_loop.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace echo_load {

namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The payload of frame `seq` on connection `id`.
void fill_payload(char* p, std::size_t size, std::uint32_t id, std::uint64_t seq) {
  std::size_t i = 0;
  if (size >= 8) {
    for (; i < 8; ++i)
      p[i] = static_cast<char>(seq >> (56 - 8 * i));
  }
  std::uint64_t x = mix((std::uint64_t{id} << 40) ^ seq);
  for (; i < size; ++i) {
    if (i % 8 == 0)
      x = mix(x);
    p[i] = static_cast<char>(x >> (8 * (i % 8)));
  }
}

void append_frame(connection& c, std::size_t frame_size) {
  std::size_t at = c.out.size();
  c.out.resize(at + 4 + frame_size);
  char* p = c.out.data() + at;
  p[0] = static_cast<char>(frame_size >> 24);
  p[1] = static_cast<char>(frame_size >> 16);
  p[2] = static_cast<char>(frame_size >> 8);
  p[3] = static_cast<char>(frame_size);
  fill_payload(p + 4, frame_size, c.id, c.next_send_seq++);
}

} // namespace

void load_loop::fail(connection& c, const char* why) {
  if (c.dead)
    return;
  if (!stopping_) {
    ++errors_;
    std::fprintf(stderr, "echo-load: connection %u: %s\n", c.id, why);
  }
  c.dead = true;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
}

/// Checks one echoed frame of the expected length and sends the next one.
void load_loop::check_frame(connection& c, const char* payload, std::size_t len) {
  std::uint64_t seq = c.next_recv_seq++;
  fill_payload(expected_.data(), len, c.id, seq);
  if (std::memcmp(expected_.data(), payload, len) != 0) {
    ++errors_;
    if (errors_ <= 10)
      std::fprintf(stderr, "echo-load: connection %u: frame %llu echoed wrong bytes\n", c.id,
                   static_cast<unsigned long long>(seq));
  }
  if (measuring_)
    ++c.measured_frames;
  if (!stopping_)
    append_frame(c, opt_.frame_size);
}

/// Consumes the complete frames at the front of [p, p+n); used = bytes consumed.
bool load_loop::on_bytes(connection& c, const char* p, std::size_t n, std::size_t& used) {
  used = 0;
  while (n - used >= 4) {
    const auto* h = reinterpret_cast<const unsigned char*>(p + used);
    std::size_t len = (std::size_t{h[0]} << 24) | (std::size_t{h[1]} << 16)
                      | (std::size_t{h[2]} << 8) | std::size_t{h[3]};
    if (len != opt_.frame_size) {
      fail(c, "echoed frame has the wrong length");
      return false;
    }
    if (n - used - 4 < len)
      break;
    check_frame(c, p + used + 4, len);
    used += 4 + len;
  }
  return true;
}

void load_loop::on_readable(connection& c) {
  for (int round = 0; round < 4; ++round) {
    ssize_t n = ::read(c.fd, scratch_.data(), scratch_.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR)
        break;
      fail(c, std::strerror(errno));
      return;
    }
    if (n == 0) {
      fail(c, "closed by the server");
      return;
    }
    auto got = static_cast<std::size_t>(n);
    std::size_t used = 0;
    if (c.tail.empty()) {
      if (!on_bytes(c, scratch_.data(), got, used))
        return;
      c.tail.assign(scratch_.data() + used, scratch_.data() + got);
    } else {
      c.tail.insert(c.tail.end(), scratch_.data(), scratch_.data() + got);
      if (!on_bytes(c, c.tail.data(), c.tail.size(), used))
        return;
      c.tail.erase(c.tail.begin(), c.tail.begin() + static_cast<long>(used));
    }
    if (got < scratch_.size())
      break;
  }
  flush(c);
}

void load_loop::flush(connection& c) {
  while (c.out_off < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN) {
        fail(c, std::strerror(errno));
        return;
      }
      break;
    }
    c.out_off += static_cast<std::size_t>(n);
  }
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
  }
  bool want = !c.out.empty();
  if (want != c.want_writable) {
    c.want_writable = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  }
}

thread_result load_loop::run() {
  thread_result res;
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  for (auto& c : conns_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    for (int i = 0; i < opt_.in_flight; ++i)
      append_frame(c, opt_.frame_size);
    flush(c);
  }
  auto warm_end = start_ + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(opt_.warmup_s));
  auto run_end = warm_end + std::chrono::duration_cast<clock_type::duration>(
                                std::chrono::duration<double>(opt_.duration_s));
  clock_type::time_point measure_start;
  clock_type::time_point measure_end = run_end;
  std::vector<epoll_event> events(256);
  for (;;) {
    auto now = clock_type::now();
    if (!measuring_ && now >= warm_end && now < run_end) {
      measuring_ = true;
      measure_start = now;
    }
    if (now >= run_end) {
      measure_end = now;
      break;
    }
    auto next = measuring_ ? run_end : warm_end;
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(wait_ms));
    if (n < 0 && errno != EINTR)
      break;
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<connection*>(events[i].data.ptr);
      if (c.dead)
        continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
      if (!c.dead && (events[i].events & EPOLLOUT))
        flush(c);
    }
  }
  stopping_ = true;
  double window = measuring_ ? std::chrono::duration<double>(measure_end - measure_start).count()
                             : 0.0;
  for (auto& c : conns_) {
    if (!c.dead && measuring_ && c.measured_frames == 0) {
      ++errors_;
      std::fprintf(stderr, "echo-load: connection %u: no frame echoed in the measured window\n",
                   c.id);
    }
    res.frames += c.measured_frames;
    if (!c.dead)
      ++res.alive;
    ::close(c.fd);
  }
  ::close(epfd_);
  res.errors = errors_;
  res.frames_per_s = window > 0 ? static_cast<double>(res.frames) / window : 0.0;
  return res;
}

} // namespace echo_load
