#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warren::http {

/// An `http://` URL split into what a client needs to connect and to write
/// the request line (see `parse_url`).
struct url {
  /// Host name, dotted IPv4 address, or IPv6 address without brackets,
  /// as written (no case folding, no percent-decoding).
  std::string host;
  std::uint16_t port = 80;
  /// Origin-form request-target: path (at least "/") and any "?query",
  /// still percent-encoded; the fragment is dropped.
  std::string target = "/";

  /// True if `host` is an IPv6 address.
  bool is_ipv6() const noexcept { return host.find(':') != std::string::npos; }

  /// The `Host` field value: host (in brackets for IPv6), then ":port"
  /// unless the port is 80 (RFC 9110 7.2).
  std::string host_header() const;
};

/// Parses `http://host[:port][/path][?query][#fragment]`.
///
/// Accepted: the scheme `http` in any case; a host that is a dotted IPv4
/// address (four decimal parts 0..255, no leading zeros), a bracketed IPv6
/// address (RFC 4291 text form, no zone), or a DNS-style name (letters,
/// digits, '-', '_', dot-separated non-empty labels, 253 octets at most); a
/// port of 1..65535 (default 80). Refused (nullopt): any other scheme
/// (`https` included), userinfo (`user@`), an empty host or port, anything
/// that is not visible ASCII (spaces, control octets, raw UTF-8: encode
/// first), and a host made of digits and dots that is not a valid IPv4
/// address ("1.2.3", "010.0.0.1"), since resolvers read those differently.
std::optional<url> parse_url(std::string_view text);

} // namespace warren::http
