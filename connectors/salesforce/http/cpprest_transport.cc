// The cpprestsdk HttpTransport: the only translation unit that includes cpprestsdk (and through it
// Boost.Asio and OpenSSL's SSL headers). Every cpprestsdk/Boost exception becomes a Status here.
//
// Debian's cpprestsdk 2.10.18 uses the Boost.Asio client on Linux. What it does that matters:
//  - one http_client per scheme://host:port keeps a pool of keep-alive connections;
//  - its timeout is per network step (connect, handshake, each read), reset on progress: a slow but
//    steady body does not time out, a stalled one does;
//  - it could inflate a gzip body itself (request_compressed_response), but into a buffer it grows
//    without bound, so it is not asked to: this file reads the body from cpprestsdk's stream as it
//    arrives and ResponseBody (response_body.h) holds it to the caps and inflates it; at a refusal
//    the request is cancelled, which closes the connection without reading the rest;
//  - a chunked body reaches that stream a whole HTTP chunk at a time: one chunk is buffered before
//    any cap can see it (servers send chunks of kilobytes; the chunk size it parses is an int);
//  - nothing in it bounds a whole exchange: a Watchdog thread here cancels any request still running
//    past TransportOptions::max_response_time;
//  - it reports failures as http_exception with a generic message ("Error in SSL handshake") and
//    the underlying error value (ETIMEDOUT when its timer fired; the packed OpenSSL error for TLS).
#include <cpprest/http_client.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <strings.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/http/response_body.h"

namespace sfsync::salesforce {
namespace {

namespace http = web::http;

// "https://host:8443/path?q" -> {"https://host:8443", "/path?q"}.
bool SplitUrl(const std::string& url, std::string* origin, std::string* resource) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  const size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  *origin = url.substr(0, path_start);
  *resource = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (!resource->empty() && (*resource)[0] != '/') resource->insert(0, "/");
  return origin->size() > scheme_end + 3;
}

bool IsHeader(std::string_view name, std::string_view wanted) {
  return name.size() == wanted.size() && strncasecmp(name.data(), wanted.data(), name.size()) == 0;
}

// Content-Length of a body framed by it; nullopt for a chunked body or a value that is not a number.
std::optional<uint64_t> ContentLength(const HttpHeaders& headers) {
  if (FindHeader(headers, "Transfer-Encoding") != nullptr) return std::nullopt;  // chunked wins (RFC 9112 §6.3)
  const std::string* length = FindHeader(headers, "Content-Length");
  if (length == nullptr) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), value);
  if (error != std::errc() || end != length->data() + length->size()) return std::nullopt;
  return value;
}

// Reads the body from cpprestsdk's stream into `body` as it arrives, until its end or the first
// refusal. Throws what cpprestsdk throws for a connection that fails mid-body.
Status ReadBody(const http::http_response& reply, ResponseBody* body) {
  constexpr size_t kRead = size_t{1} << 20;  // the client's chunk size: about one network read
  concurrency::streams::streambuf<uint8_t> source = reply.body().streambuf();
  for (;;) {
    SFSYNC_ASSIGN_OR_RETURN(std::span<char> room, body->Room(kRead));
    const size_t n = source.getn(reinterpret_cast<uint8_t*>(room.data()), room.size()).get();
    if (n == 0) return Status::Ok();
    SFSYNC_RETURN_IF_ERROR(body->Commit(n));
  }
}

// Cancels requests that outlive their deadline. One thread per transport, asleep while nothing is
// in flight. Thread-safe.
class Watchdog {
 public:
  struct Entry {
    pplx::cancellation_token_source cancel;
    std::atomic<bool> expired{false};
  };

  Watchdog() : thread_([this] { Loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Watches a request until Forget(); its `cancel` fires (and `expired` is set) at `deadline`.
  std::shared_ptr<Entry> Watch(std::chrono::steady_clock::time_point deadline) {
    auto entry = std::make_shared<Entry>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      entries_.emplace(deadline, entry);
    }
    wake_.notify_all();
    return entry;
  }

  void Forget(const std::shared_ptr<Entry>& entry) {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(entries_, [&](const auto& e) { return e.second == entry; });
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      if (entries_.empty()) {
        wake_.wait(lock);
        continue;
      }
      auto first = entries_.begin();
      // A copy: Forget() may erase the entry while this thread waits (ASan caught the reference).
      const std::chrono::steady_clock::time_point deadline = first->first;
      if (std::chrono::steady_clock::now() < deadline) {
        wake_.wait_until(lock, deadline);
        continue;
      }
      std::shared_ptr<Entry> entry = first->second;
      entries_.erase(first);
      entry->expired = true;
      entry->cancel.cancel();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<std::chrono::steady_clock::time_point, std::shared_ptr<Entry>> entries_;  // guarded by mu_
  bool stopping_ = false;                                                               // guarded by mu_
  std::thread thread_;
};

bool IsCertificateVerifyFailure(int error_value) {
  const auto packed = static_cast<unsigned long>(error_value);
  return ERR_GET_LIB(packed) == ERR_LIB_SSL && ERR_GET_REASON(packed) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

class CpprestTransport : public HttpTransport {
 public:
  explicit CpprestTransport(const TransportOptions& options) : options_(options) {
    if (!options_.ca_file.empty()) {
      // Checked once here, so a bad path is one clear error rather than a failure inside a handshake.
      boost::system::error_code error;
      try {
        boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
        probe.load_verify_file(options_.ca_file, error);
      } catch (const std::exception&) {
        error = boost::asio::error::no_memory;  // SSL_CTX_new failed: nothing TLS can work
      }
      if (error) {
        ca_file_status_ = Status(StatusCode::kFailedPrecondition,
                                 "cannot load ca_file '" + options_.ca_file + "' as PEM certificates: " + error.message(),
                                 "tls");
      }
    }
  }

  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::string origin, resource;
    if (!SplitUrl(request.url, &origin, &resource)) {
      return InvalidArgumentError("not an http(s) URL: '" + request.url.substr(0, 200) + "'");
    }
    if (!ca_file_status_.ok()) return ca_file_status_;
    const std::shared_ptr<Watchdog::Entry> watch =
        watchdog_.Watch(std::chrono::steady_clock::now() + options_.max_response_time);
    StatusOr<HttpResponse> result = SendWatched(request, origin, resource, watch.get());
    watchdog_.Forget(watch);
    if (watch->expired) {
      // However the cancellation surfaced (an exception, a short body), the cause is the deadline.
      return Status(StatusCode::kUnavailable,
                    origin + ": no complete answer within " +
                        std::to_string(options_.max_response_time.count() / 1000) +
                        " s (connection.max_response_seconds); the connection was closed",
                    "timeout");
    }
    return result;
  }

 private:
  StatusOr<HttpResponse> SendWatched(const HttpRequest& request, const std::string& origin,
                                     const std::string& resource, Watchdog::Entry* watch) {
    try {
      std::shared_ptr<http::client::http_client> client = ClientFor(origin);
      http::http_request message(request.method);
      message.set_request_uri(resource);
      std::string content_type;
      for (const auto& [name, value] : request.headers) {
        if (IsHeader(name, "Content-Type")) {
          content_type = value;
        } else {
          message.headers().add(name, value);
        }
      }
      // Salesforce documents gzip (protocol §0): ask for exactly that. A server may still send gzip
      // unasked (ResponseBody inflates it), or another encoding (refused).
      if (options_.request_gzip && !message.headers().has(http::header_names::accept_encoding)) {
        message.headers().add(http::header_names::accept_encoding, "gzip");
      }
      if (!request.body.empty() || !content_type.empty()) {
        // As bytes: set_body(std::string) reads a char buffer through a basic_streambuf<unsigned char>
        // pointer (UBSan's vptr check stops there); a byte vector needs no such cast.
        message.headers().set_content_type(content_type.empty() ? "application/octet-stream" : content_type);
        message.set_body(std::vector<unsigned char>(request.body.begin(), request.body.end()));
      }
      // Cancelling closes the connection at once, whatever stage the request is in.
      pplx::cancellation_token_source& cancel = watch->cancel;
      http::http_response reply = client->request(message, cancel.get_token()).get();  // the headers are in
      HttpResponse response;
      response.status = reply.status_code();
      for (const auto& [name, value] : reply.headers()) response.headers.emplace_back(name, value);
      ResponseBody body(options_, origin + resource.substr(0, std::min<size_t>(resource.find('?'), 200)));
      const std::string* encoding = response.Header("Content-Encoding");
      Status received = body.Start(ContentLength(response.headers), encoding ? *encoding : "");
      // A connection that drops mid-body throws here.
      if (received.ok()) received = ReadBody(reply, &body);
      if (!received.ok()) {
        cancel.cancel();  // the rest of the body is not read
        return received;
      }
      SFSYNC_ASSIGN_OR_RETURN(response.body, body.Finish());
      if (body.encoded()) {
        // The body handed back is decoded: its encoding and length no longer apply.
        std::erase_if(response.headers, [](const auto& header) {
          return IsHeader(header.first, "Content-Encoding") || IsHeader(header.first, "Content-Length");
        });
      }
      return response;
    } catch (const http::http_exception& e) {
      return FromHttpException(e, origin);
    } catch (const web::uri_exception& e) {
      return InvalidArgumentError("malformed URL '" + request.url.substr(0, 200) + "': " + e.what());
    } catch (const std::exception& e) {
      return UnavailableError(origin + ": " + e.what());
    } catch (...) {
      return UnavailableError(origin + ": unknown error in the HTTP client");
    }
  }

  std::shared_ptr<http::client::http_client> ClientFor(const std::string& origin) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(origin);
    if (it != clients_.end()) return it->second;
    http::client::http_client_config config;
    config.set_timeout(options_.timeout);
    config.set_validate_certificates(true);
    // Query pages are ~1 MB: reading them in 1 MiB chunks instead of the default 64 KiB cuts the
    // pplx task hand-offs (futex wake-ups between threads) per page, measured ~12% of a sync's time.
    config.set_chunksize(1 << 20);
    config.set_request_compressed_response(false);  // ResponseBody inflates, within the caps
    // A redirect would carry the Authorization header to wherever it points: never follow one.
    config.set_max_redirects(0);
    if (!options_.ca_file.empty()) {
      const std::string ca_file = options_.ca_file;
      config.set_ssl_context_callback([ca_file](boost::asio::ssl::context& context) {
        context.load_verify_file(ca_file);  // in addition to the system's trust store
      });
    }
    auto client = std::make_shared<http::client::http_client>(origin, config);
    clients_.emplace(origin, client);
    return client;
  }

  Status FromHttpException(const http::http_exception& e, const std::string& origin) const {
    const int value = e.error_code().value();
    const std::string what = e.what();
    if (value == ETIMEDOUT) {
      return Status(StatusCode::kUnavailable,
                    origin + ": no progress for " + std::to_string(options_.timeout.count()) + " ms (" + what + ")",
                    "timeout");
    }
    if (what.find("SSL handshake") != std::string::npos) {
      if (IsCertificateVerifyFailure(value)) {
        return Status(StatusCode::kFailedPrecondition,
                      origin + ": TLS certificate verification failed; if the server uses a private CA, set "
                               "ca_file to a PEM bundle with that CA",
                      "tls");
      }
      return UnavailableError(origin + ": TLS handshake failed (" + what + ")");
    }
    return UnavailableError(origin + ": " + what);
  }

  const TransportOptions options_;
  Status ca_file_status_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<http::client::http_client>> clients_;  // by origin; guarded by mu_
  Watchdog watchdog_;
};

}  // namespace

std::unique_ptr<HttpTransport> NewCpprestTransport(const TransportOptions& options) {
  return std::make_unique<CpprestTransport>(options);
}

}  // namespace sfsync::salesforce
