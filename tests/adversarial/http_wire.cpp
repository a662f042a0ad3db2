#include "tests/adversarial/http_wire.hpp"

#include <cctype>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace warren::test {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// The value of header `name` in `head` (status line first), if present.
std::optional<std::string_view> header_value(std::string_view head, std::string_view name) {
  auto pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    auto start = pos + 2;
    auto end = head.find("\r\n", start);
    auto line = head.substr(start, end == std::string_view::npos ? end : end - start);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && equals_ignoring_case(line.substr(0, colon), name)) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      return value;
    }
    pos = end;
  }
  return std::nullopt;
}

} // namespace

wire_responses parse_responses(std::string_view bytes) {
  wire_responses out;
  for (;;) {
    auto rest = bytes.substr(out.consumed);
    if (rest.empty())
      return out;
    constexpr std::string_view prefix = "HTTP/1.1 ";
    if (rest.substr(0, prefix.size()) != prefix.substr(0, std::min(prefix.size(), rest.size()))) {
      out.error = "does not start with 'HTTP/1.1 '";
      return out;
    }
    auto head_end = rest.find("\r\n\r\n");
    if (head_end == std::string_view::npos)
      return out;  // incomplete head
    wire_response r;
    r.head = std::string{rest.substr(0, head_end)};
    if (r.head.size() < 13 || !std::isdigit(static_cast<unsigned char>(r.head[9]))
        || !std::isdigit(static_cast<unsigned char>(r.head[10]))
        || !std::isdigit(static_cast<unsigned char>(r.head[11])) || r.head[12] != ' ') {
      out.error = "bad status line: " + r.head.substr(0, r.head.find('\r'));
      return out;
    }
    r.status = std::stoi(r.head.substr(9, 3));
    if (r.status < 100 || r.status > 599) {
      out.error = "status out of range: " + std::to_string(r.status);
      return out;
    }
    std::size_t length = 0;
    bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    if (!bodiless) {
      auto cl = header_value(r.head, "Content-Length");
      if (!cl || cl->empty() || cl->size() > 12) {
        out.error = "no usable Content-Length: " + r.head;
        return out;
      }
      for (char c : *cl) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          out.error = "bad Content-Length: " + std::string{*cl};
          return out;
        }
        length = length * 10 + static_cast<std::size_t>(c - '0');
      }
    }
    auto total = head_end + 4 + length;
    if (rest.size() < total)
      return out;  // incomplete body
    r.body = std::string{rest.substr(head_end + 4, length)};
    out.responses.push_back(std::move(r));
    out.consumed += total;
  }
}

std::optional<wire_response> http_exchange(test_client& client, std::string_view request,
                                      std::chrono::milliseconds deadline) {
  try {
    client.send_all(request);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string received;
  char buf[16384];
  for (;;) {
    auto parsed = parse_responses(received);
    if (!parsed.error.empty())
      return std::nullopt;
    for (auto& r : parsed.responses)
      if (r.status >= 200)  // skip interim responses
        return std::move(r);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd pfd{client.fd(), POLLIN, 0};
    auto ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR)
      return std::nullopt;
    if (ready <= 0)
      continue;
    auto n = ::recv(client.fd(), buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
      return std::nullopt;
    if (n > 0)
      received.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<wire_response> http_get(std::uint16_t port, const std::string& path,
                                      std::chrono::milliseconds deadline) {
  try {
    test_client client{port};
    return http_exchange(client,
                    "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
                    deadline);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::uint64_t> json_counter(const std::string& json, const std::string& name) {
  auto key = "\"" + name + "\":";
  auto pos = json.find(key);
  if (pos == std::string::npos)
    return std::nullopt;
  pos += key.size();
  std::uint64_t value = 0;
  bool any = false;
  while (pos < json.size() && std::isdigit(static_cast<unsigned char>(json[pos]))) {
    value = value * 10 + static_cast<std::uint64_t>(json[pos++] - '0');
    any = true;
  }
  return any ? std::optional<std::uint64_t>{value} : std::nullopt;
}

} // namespace warren::test
