#include "tests/adversarial/canary.hpp"

#include "tests/adversarial/http_wire.hpp"

#include <random>

namespace warren::test {

using namespace std::chrono_literals;

canary::canary(canary_kind kind, std::uint16_t port, int reconnect_every, unsigned seed,
               std::chrono::milliseconds pace)
  : kind_(kind),
    port_(port),
    reconnect_every_(reconnect_every),
    seed_(seed),
    pace_(pace),
    rng_(seed) {
  thread_ = std::thread{[this] { run(); }};
}

canary::~canary() {
  stop();
}

bool canary::wait_rounds(std::uint64_t n, std::uint64_t since,
                         std::chrono::milliseconds deadline) const {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (rounds_.load() < since + n) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

canary_report canary::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
  std::lock_guard<std::mutex> guard{mtx_};
  report_.rounds = rounds_.load();
  return report_;
}

bool canary::connect(std::string& why) {
  a_.reset();
  b_.reset();
  try {
    a_ = std::make_unique<test_client>(port_);
    if (kind_ != canary_kind::chat)
      return true;
    b_ = std::make_unique<test_client>(port_);
    // Both must have joined the room before rounds count: b hearing a proves it (a's join
    // reaches the room before a's first line, both sent by a's actor).
    auto until = std::chrono::steady_clock::now() + round_deadline;
    for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
      a_->send_frame("sync " + std::to_string(i));
      if (auto heard = b_->read_frame(200ms); heard && heard->rfind("sync ", 0) == 0)
        return true;
    }
    why = "chat members never heard each other";
  } catch (const std::exception& e) {
    why = std::string{"connect: "} + e.what();
  }
  return false;
}

bool canary::round(std::uint64_t n, std::string& why) {
  try {
    switch (kind_) {
      case canary_kind::echo: {
        std::string payload(1 + rng_() % 4096, '\0');
        for (auto& c : payload)
          c = static_cast<char>(rng_());
        a_->send_frame(payload);
        auto back = a_->read_frame(round_deadline);
        if (back == payload)
          return true;
        why = back ? "echo came back different" : "no echo";
        return false;
      }
      case canary_kind::http: {
        auto r = http_exchange(*a_, "GET /plaintext HTTP/1.1\r\nHost: canary\r\n\r\n",
                               round_deadline);
        if (r && r->status == 200 && r->body == "Hello, World!")
          return true;
        why = r ? "GET /plaintext answered " + std::to_string(r->status) + " '" + r->body + "'"
                : "GET /plaintext: no response";
        return false;
      }
      case canary_kind::chat: {
        auto& speaker = n % 2 == 0 ? *a_ : *b_;
        auto& listener = n % 2 == 0 ? *b_ : *a_;
        auto line = "canary " + std::to_string(seed_) + " round " + std::to_string(n) + " "
                    + std::to_string(rng_());
        speaker.send_frame(line);
        auto until = std::chrono::steady_clock::now() + round_deadline;
        while (std::chrono::steady_clock::now() < until) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
          auto heard = listener.read_frame(std::max(left, 1ms));
          if (!heard)
            break;
          if (*heard == line)
            return true;  // other lines (from other clients, earlier syncs) are skipped
        }
        why = "chat line not heard";
        return false;
      }
    }
  } catch (const std::exception& e) {
    why = e.what();
  }
  return false;
}

void canary::run() {
  bool connected = false;
  std::uint64_t n = 0;
  while (!stopping_) {
    std::string why;
    if (!connected)
      connected = connect(why);
    auto start = std::chrono::steady_clock::now();
    bool ok = connected && round(n++, why);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
    if (ok && took > round_deadline) {
      ok = false;
      why = "round trip took " + std::to_string(took.count()) + " ms";
    }
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (ok) {
        report_.slowest = std::max(report_.slowest, took);
      } else {
        if (report_.failures++ == 0)
          report_.first_failure = why;
        connected = false;
      }
    }
    if (ok) {
      auto done = ++rounds_;
      if (reconnect_every_ > 0 && done % static_cast<std::uint64_t>(reconnect_every_) == 0)
        connected = false;
    }
    std::this_thread::sleep_for(ok ? pace_ : std::max(pace_, 100ms));
  }
  a_.reset();
  b_.reset();
}

} // namespace warren::test
