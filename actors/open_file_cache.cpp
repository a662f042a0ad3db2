#include "actors/open_file_cache.hpp"

#include "actors/atoms.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <unistd.h>

namespace warren {

file_descriptor::~file_descriptor() {
  if (fd >= 0)
    ::close(fd);
}

std::optional<opened_file> open_file_cache::find(const std::string& relative,
                                                 clock_type::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(relative);
  if (i == entries_.end() || now >= i->second.expires)
    return std::nullopt;
  return i->second.file;
}

void open_file_cache::put(caf::actor_system& sys, const std::string& relative, opened_file file,
                          clock_type::time_point now) {
  std::shared_ptr<file_descriptor> evicted;  // closed outside the lock
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = entries_.find(relative);
    if (i != entries_.end()) {
      evicted = std::move(i->second.file.file);
      entries_.erase(i);
    } else if (entries_.size() >= capacity) {
      auto oldest = entries_.begin();
      for (auto j = entries_.begin(); j != entries_.end(); ++j)
        if (j->second.expires < oldest->second.expires)
          oldest = j;
      evicted = std::move(oldest->second.file.file);
      entries_.erase(oldest);
    }
    entries_.emplace(relative, entry{std::move(file), now + valid_for_});
    if (sweeper_running_)
      return;
    sweeper_running_ = true;
  }
  // Hidden: the actor system does not wait for it at shutdown. It holds the cache weakly,
  // so a handler that is gone takes its cache (and descriptors) with it.
  auto period = valid_for_;
  sys.spawn<caf::hidden>(
    [weak = weak_from_this(), period](caf::event_based_actor* self) -> caf::behavior {
      self->delayed_send(self, period, tick_atom::value);
      return {
        [=](tick_atom) {
          auto cache = weak.lock();
          if (cache && cache->sweep(clock_type::now()))
            self->delayed_send(self, period, tick_atom::value);
          else
            self->quit();
        },
      };
    });
}

bool open_file_cache::sweep(clock_type::time_point now) {
  std::unordered_map<std::string, entry> expired;  // closed outside the lock
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = entries_.begin(); i != entries_.end();) {
    if (now >= i->second.expires) {
      expired.insert(entries_.extract(i++));
    } else {
      ++i;
    }
  }
  if (entries_.empty())
    sweeper_running_ = false;
  return sweeper_running_;
}

void open_file_cache::clear() {
  std::unordered_map<std::string, entry> dropped;
  std::lock_guard<std::mutex> guard{mtx_};
  dropped.swap(entries_);
}

std::size_t open_file_cache::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_.size();
}

} // namespace warren
