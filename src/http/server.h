// HttpServer: the network edge, on Boost.Beast (HTTP/1.1 with keep-alive,
// over TLS with OpenSSL when given a certificate and key) over Asio with a
// configurable number of threads. It parses each request
// into an http::Request (with size limits and time-outs for slow clients) and
// hands it to a dispatch function; it knows nothing of routes or JSON. Beast
// is included only in server.cc, to keep compile times down.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/request.h"

namespace spmis::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see HttpServer::port)
  int threads = 2;
  size_t body_limit = 10 * 1024 * 1024;
  size_t header_limit = 16 * 1024;
  int read_timeout_seconds = 30;  // a client must send a whole request in this time
  // File uploads (POST to paths under this prefix) have their own limits.
  std::string upload_path_prefix = "/api/v1/imports";
  size_t upload_limit = 512 * 1024 * 1024;
  int upload_timeout_seconds = 600;
  // TLS (1.2 and later) when both are given: PEM files.
  std::string tls_certificate_file;
  std::string tls_key_file;
};

using Dispatch = std::function<Response(Request&)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, Dispatch dispatch);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; throws std::runtime_error when the port is taken.
  void Listen();
  uint16_t port() const;
  // Serves on the configured threads until Stop() (or SIGINT/SIGTERM when
  // `handle_signals`); returns when every thread has finished.
  void Run(bool handle_signals);
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spmis::http
