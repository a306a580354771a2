#include "http/server.h"

#include "core/text.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

namespace spmis::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t start =
      static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  char id[40];
  std::snprintf(id, sizeof id, "%08llx-%06llx",
                static_cast<unsigned long long>((start >> 16) & 0xFFFFFFFF),
                static_cast<unsigned long long>(++counter));
  return id;
}

// A request id from a client is kept when it is short and plain.
bool AcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  }
  return true;
}

// One connection, plain (beast::tcp_stream) or over TLS
// (beast::ssl_stream<beast::tcp_stream>).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  template <class... TlsContext>
  Session(tcp::socket&& socket, const ServerOptions& options, const Dispatch& dispatch,
          TlsContext&... tls)
      : stream_(std::move(socket), tls...), options_(options), dispatch_(dispatch) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (kTls) {
        self->Lowest().expires_after(std::chrono::seconds(self->options_.read_timeout_seconds));
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (!ec) self->Read();
        });
      } else {
        self->Read();
      }
    });
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Read() {
    parser_.emplace();
    // The header is checked against the larger limit; OnHeader applies the right one.
    parser_->body_limit(std::max(options_.body_limit, options_.upload_limit));
    parser_->header_limit(static_cast<uint32_t>(options_.header_limit));
    Lowest().expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session<Stream>::OnHeader, shared_from_this()));
  }

  // File uploads may be larger than other bodies; the header says which this is.
  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    const auto& header = parser_->get();
    bool upload = header.method() == bhttp::verb::post &&
                  header.target().starts_with(options_.upload_path_prefix);
    if (upload) {
      parser_->body_limit(options_.upload_limit);
      Lowest().expires_after(std::chrono::seconds(options_.upload_timeout_seconds));
    } else {
      auto length = parser_->content_length();
      if (length && *length > options_.body_limit) {
        return Fail(413, "the request body is larger than the limit", false);
      }
      parser_->body_limit(options_.body_limit);
    }
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session<Stream>::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == bhttp::error::body_limit)
      return Fail(413, "the request body is larger than the limit", false);
    if (ec == bhttp::error::header_limit)
      return Fail(431, "the request headers are too large", false);
    if (ec) return Fail(400, "malformed HTTP request", false);

    auto& incoming = parser_->get();
    Request request;
    request.method = std::string(incoming.method_string());
    request.target = std::string(incoming.target());
    auto parsed = boost::urls::parse_origin_form(incoming.target());
    if (!parsed) return Fail(400, "malformed request target", incoming.keep_alive());
    request.path = parsed->path();
    for (auto param : parsed->params()) {
      std::string key = param.key, value = param.value;
      // Decoded parameters are text: a NUL or malformed UTF-8 is refused here,
      // before any filter or query sees it.
      if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos ||
          !IsValidUtf8(key) || !IsValidUtf8(value)) {
        return Fail(400, "query parameters must be UTF-8 text without NUL characters",
                    incoming.keep_alive());
      }
      request.query.emplace_back(std::move(key), std::move(value));
    }
    if (request.path.find('\0') != std::string::npos || !IsValidUtf8(request.path)) {
      return Fail(400, "the path must be UTF-8 text without NUL characters", incoming.keep_alive());
    }
    for (const auto& field : incoming) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.body = std::move(incoming.body());
    beast::error_code endpoint_error;
    auto remote = Lowest().socket().remote_endpoint(endpoint_error);
    if (!endpoint_error) request.remote_address = remote.address().to_string();
    // Whether the request came over TLS (the session cookie is then Secure);
    // never what a client claims.
    if constexpr (kTls) {
      request.headers["x-spmis-tls"] = "1";
    } else {
      request.headers.erase("x-spmis-tls");
    }
    auto given_id = request.Header("x-request-id");
    request.request_id = given_id && AcceptableRequestId(*given_id) ? *given_id : NewRequestId();

    Response response = dispatch_(request);
    Write(std::move(response), request.request_id, incoming.keep_alive(), request.method == "HEAD");
  }

  void Fail(int status, const std::string& detail, bool keep_alive) {
    std::string body = R"({"type":"about:blank","status":)" + std::to_string(status) +
                       R"(,"title":"Bad Request","detail":")" + detail + "\"}";
    Write(Response{status, "application/problem+json", body, {}}, NewRequestId(), keep_alive,
          false);
  }

  void Write(Response response, const std::string& request_id, bool keep_alive, bool head) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), 11);
    message->set(bhttp::field::server, "spmis");
    message->set(bhttp::field::content_type, response.content_type);
    message->set("X-Request-Id", request_id);
    message->set("X-Content-Type-Options", "nosniff");
    message->set(bhttp::field::cache_control, "no-store");
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive);
    size_t length = response.body.size();
    if (!head) message->body() = std::move(response.body);
    message->content_length(length);
    if (head) message->body().clear();
    response_ = message;
    Lowest().expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                         self->response_.reset();
                         if (ec || !keep_alive) return self->Close();
                         self->Read();
                       });
  }

  void Close() {
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
    } else {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  const ServerOptions& options_;
  const Dispatch& dispatch_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<void> response_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, Dispatch d)
      : options(std::move(o)), dispatch(std::move(d)), io(options.threads), acceptor(io) {
    if (!options.tls_certificate_file.empty() || !options.tls_key_file.empty()) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      beast::error_code ec;
      tls->use_certificate_chain_file(options.tls_certificate_file, ec);
      if (ec)
        throw std::runtime_error("cannot read the TLS certificate '" +
                                 options.tls_certificate_file + "': " + ec.message());
      tls->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
      if (ec)
        throw std::runtime_error("cannot read the TLS key '" + options.tls_key_file +
                                 "': " + ec.message());
    }
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        if (tls) {
          std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket),
                                                                          options, dispatch, *tls)
              ->Start();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(socket), options, dispatch)
              ->Start();
        }
      }
      Accept();
    });
  }

  ServerOptions options;
  Dispatch dispatch;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
};

HttpServer::HttpServer(ServerOptions options, Dispatch dispatch)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatch))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) throw std::runtime_error("'" + impl_->options.address + "' is not an IP address");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.address + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->Accept();
}

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::Run(bool handle_signals) {
  std::optional<asio::signal_set> signals;
  if (handle_signals) {
    signals.emplace(impl_->io, SIGINT, SIGTERM);
    signals->async_wait([this](beast::error_code, int) { Stop(); });
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
}

}  // namespace spmis::http
