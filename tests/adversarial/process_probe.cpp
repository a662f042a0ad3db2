#include "tests/adversarial/process_probe.hpp"

#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace warren::test {

namespace {

std::string proc_path(int pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

/// The fields of /proc/PID/stat after the command name (which may hold spaces).
std::optional<std::string> stat_tail(int pid) {
  std::ifstream in{proc_path(pid, "stat")};
  std::string line;
  if (!std::getline(in, line))
    return std::nullopt;
  auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 > line.size())
    return std::nullopt;
  return line.substr(paren + 2);  // starts with the state field (field 3)
}

} // namespace

std::optional<std::uint64_t> rss_kib(int pid) {
  std::ifstream in{proc_path(pid, "status")};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6));
  }
  return std::nullopt;
}

std::optional<double> cpu_seconds(int pid) {
  auto tail = stat_tail(pid);
  if (!tail)
    return std::nullopt;
  // Fields from 3 on: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
  // cmajflt utime(14) stime(15).
  std::istringstream fields{*tail};
  std::string skip;
  for (int field = 3; field < 14; ++field)
    fields >> skip;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  if (!(fields >> utime >> stime))
    return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

namespace {

/// Counts the entries of /proc/PID/fd whose link target starts with `prefix`.
std::optional<std::size_t> count_fds(int pid, std::string_view prefix) {
  auto dir_path = proc_path(pid, "fd");
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr)
    return std::nullopt;
  std::size_t count = 0;
  char target[64];
  while (auto* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.')
      continue;
    if (!prefix.empty()) {
      auto n = ::readlink((dir_path + "/" + entry->d_name).c_str(), target, sizeof(target));
      if (n <= 0 || std::string_view{target, static_cast<std::size_t>(n)}.rfind(prefix, 0) != 0)
        continue;
    }
    ++count;
  }
  ::closedir(dir);
  return count;
}

} // namespace

std::optional<std::size_t> open_fds(int pid) {
  return count_fds(pid, "");
}

std::optional<std::size_t> open_sockets(int pid) {
  return count_fds(pid, "socket:");
}

std::optional<std::size_t> open_files(int pid) {
  return count_fds(pid, "/");
}

bool process_alive(int pid) {
  auto tail = stat_tail(pid);
  return tail && !tail->empty() && (*tail)[0] != 'Z' && (*tail)[0] != 'X';
}

} // namespace warren::test
