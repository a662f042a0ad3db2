#include "actors/http_client_connection.hpp"

#include "actors/atoms.hpp"
#include "protocols/http/request_writer.hpp"

#include <caf/all.hpp>

#include <cstring>

namespace warren {

http_client_connection::http_client_connection(caf::actor_config& cfg,
                                               std::unique_ptr<transport::stream> stream,
                                               connection_context_ptr context, caf::actor owner,
                                               std::string key, http::response_limits limits)
  : connection_actor(cfg, std::move(stream), std::move(context), true),
    owner_(std::move(owner)),
    key_(std::move(key)),
    parser_(limits) {}

caf::behavior http_client_connection::make_protocol_behavior() {
  return {
    [this](http_client_job& job) -> caf::result<http::client_response> {
      if (current_ || closing())
        return make_error(http_client_error::connection_lost, "connection busy or closing");
      std::string out;
      if (auto ec = http::write_request(job.method, job.target, job.host_header, job.headers,
                                        job.body, out))
        return make_error(http_client_error::bad_request, ec.message());
      parser_.expect(job.method);
      got_bytes_ = false;
      current_ = make_response_promise<http::client_response>();
      write_bytes(std::move(out));
      return *current_;
    },
  };
}

std::size_t http_client_connection::consume(const char* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size && !closing()) {
    if (!current_) {  // bytes nobody asked for: the server is confused
      close_now(close_reason::protocol_error);
      return size;
    }
    got_bytes_ = true;
    auto result = parser_.feed(data + used, size - used);
    used += result.consumed;
    if (result.status == http::response_parse_status::response_ready) {
      complete();
    } else if (result.status == http::response_parse_status::error) {
      fail(http_client_error::bad_response, result.error_reason);
      close_now(close_reason::protocol_error);
      return size;
    } else {
      break;
    }
  }
  return used;
}

void http_client_connection::complete() {
  auto response = parser_.take_response();
  auto keep_alive = response.keep_alive;
  auto promise = std::move(*current_);
  current_.reset();
  promise.deliver(std::move(response));
  if (keep_alive && !closing())
    send(owner_, idle_atom::value, key_, caf::actor{this});
  else
    close_after_flush(close_reason::peer_closed);
}

void http_client_connection::fail(http_client_error code, const char* why) {
  if (!current_)
    return;
  auto promise = std::move(*current_);
  current_.reset();
  promise.deliver(make_error(code, why));
}

void http_client_connection::on_peer_eof() {
  if (current_) {
    auto result = parser_.finish_eof();  // a body that runs until the connection ends
    if (result.status == http::response_parse_status::response_ready)
      complete();
    else
      fail(http_client_error::connection_lost,
           got_bytes_ ? "connection closed in the middle of the response"
                      : "connection closed before the response began");
  }
  close_after_flush(close_reason::peer_closed);
}

void http_client_connection::on_connect_failed(int error) {
  fail(http_client_error::connect_failed, std::strerror(error));
}

void http_client_connection::on_closing(close_reason reason) {
  if (reason == close_reason::io_error && !got_bytes_ && pending_output() > 0)
    fail(http_client_error::connect_failed, "cannot connect");
  else
    fail(http_client_error::connection_lost,
         got_bytes_ ? "connection closed in the middle of the response"
                    : "connection closed before the response began");
}

} // namespace warren
