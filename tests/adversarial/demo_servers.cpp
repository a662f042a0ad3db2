#include "tests/adversarial/demo_servers.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace warren::test {

namespace {

server_process start(const std::string& program, std::vector<std::string> extra, int fd_limit) {
  std::vector<std::string> args{"--host=127.0.0.1", "--port=0",
                                "--scheduler.max-threads=2"};
  args.insert(args.end(), extra.begin(), extra.end());
  if (fd_limit <= 0)
    return server_process{program, args};
  std::vector<std::string> shell{"-c", "ulimit -n " + std::to_string(fd_limit)
                                         + " && exec \"$0\" \"$@\"",
                                 program};
  shell.insert(shell.end(), args.begin(), args.end());
  return server_process{"/bin/sh", shell};
}

} // namespace

server_process start_echo(std::vector<std::string> extra, int fd_limit) {
  return start(WARREN_ECHO_PATH, std::move(extra), fd_limit);
}

server_process start_chat(std::vector<std::string> extra, int fd_limit) {
  return start(WARREN_CHAT_PATH, std::move(extra), fd_limit);
}

server_process start_http(const std::string& static_root, std::vector<std::string> extra,
                          int fd_limit) {
  extra.insert(extra.begin(), "--static-root=" + static_root);
  return start(WARREN_HTTP_PATH, std::move(extra), fd_limit);
}

static_root::static_root() {
  char tmpl[] = "/tmp/warren-adversarial-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
  std::ofstream{path_ + "/small.txt", std::ios::binary} << "small file\n";
  std::string big(big_bytes, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = big_byte(i);
  std::ofstream{path_ + "/big.bin", std::ios::binary} << big;
}

static_root::~static_root() {
  std::remove((path_ + "/small.txt").c_str());
  std::remove((path_ + "/big.bin").c_str());
  ::rmdir(path_.c_str());
}

} // namespace warren::test
