// The cpprestsdk HttpTransport: the only translation unit that includes cpprestsdk (and through it
// Boost.Asio and OpenSSL's SSL headers). Every cpprestsdk/Boost exception becomes a Status here.
//
// Debian's cpprestsdk 2.10.18 uses the Boost.Asio client on Linux. What it does that matters:
//  - one http_client per scheme://host:port keeps a pool of keep-alive connections;
//  - its timeout is per network step (connect, handshake, each read), reset on progress: a slow but
//    steady body does not time out, a stalled one does;
//  - it is built with zlib/brotli and could inflate a gzip body itself, but then neither the decoded
//    size nor the inflate ratio could be bounded: we send "Accept-Encoding: gzip" ourselves, read the
//    raw body in chunks and inflate it in BodyDecoder, which stops at the caps;
//  - it reports failures as http_exception with a generic message ("Error in SSL handshake") and
//    the underlying error value (ETIMEDOUT when its timer fired; the packed OpenSSL error for TLS).
#include <cpprest/http_client.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <strings.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "connectors/salesforce/body_decoder.h"
#include "connectors/salesforce/http_transport.h"

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
      // Salesforce documents gzip (protocol §0), so ask for exactly that; BodyDecoder refuses any other
      // Content-Encoding a server might send anyway.
      if (options_.request_gzip && !message.headers().has(http::header_names::accept_encoding)) {
        message.headers().add(http::header_names::accept_encoding, "gzip");
      }
      if (!request.body.empty() || !content_type.empty()) {
        message.set_body(request.body, content_type.empty() ? "application/octet-stream" : content_type);
      }
      http::http_response reply = client->request(message).get();
      HttpResponse response;
      response.status = reply.status_code();
      SFSYNC_ASSIGN_OR_RETURN(response.body, ReadBody(reply, origin + resource.substr(0, resource.find('?'))));
      const bool inflated = reply.headers().has(http::header_names::content_encoding);
      for (const auto& [name, value] : reply.headers()) {
        // The body handed back is already decompressed: its encoding and length no longer apply.
        if (inflated && (IsHeader(name, "Content-Encoding") || IsHeader(name, "Content-Length"))) {
          continue;
        }
        response.headers.emplace_back(name, value);
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

 private:
  // Reads the body to its end in chunks through BodyDecoder (caps, gzip), so a connection that drops
  // mid-body throws here too, and a body over the caps stops being read at once.
  StatusOr<std::string> ReadBody(http::http_response& reply, const std::string& where) const {
    std::optional<int64_t> length;
    if (reply.headers().has(http::header_names::content_length)) {
      length = static_cast<int64_t>(reply.headers().content_length());
    }
    std::string encoding;
    reply.headers().match(http::header_names::content_encoding, encoding);
    SFSYNC_ASSIGN_OR_RETURN(BodyDecoder decoder, BodyDecoder::Create(encoding, options_.body_limits, where, length));
    concurrency::streams::streambuf<uint8_t> in = reply.body().streambuf();
    std::vector<uint8_t> chunk(kChunkBytes);
    while (true) {
      const size_t n = in.getn(chunk.data(), chunk.size()).get();
      if (n == 0) break;
      SFSYNC_RETURN_IF_ERROR(decoder.Add(std::string_view(reinterpret_cast<const char*>(chunk.data()), n)));
    }
    return decoder.Finish();
  }

  static constexpr size_t kChunkBytes = 1 << 20;

  std::shared_ptr<http::client::http_client> ClientFor(const std::string& origin) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(origin);
    if (it != clients_.end()) return it->second;
    http::client::http_client_config config;
    config.set_timeout(options_.timeout);
    config.set_validate_certificates(true);
    // Query pages are ~1 MB: reading them in 1 MiB chunks instead of the default 64 KiB cuts the
    // pplx task hand-offs (futex wake-ups between threads) per page, measured ~12% of a sync's time.
    config.set_chunksize(kChunkBytes);
    config.set_request_compressed_response(false);  // BodyDecoder inflates, within the caps
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
};

}  // namespace

std::unique_ptr<HttpTransport> NewCpprestTransport(const TransportOptions& options) {
  return std::make_unique<CpprestTransport>(options);
}

}  // namespace sfsync::salesforce
