// HttpTransport: the one seam through which sfsync talks HTTP (STYLE.md rule 1).
//
// The production implementation (cpprest_transport.cc) is the only translation unit that includes
// cpprestsdk. Tests wrap a transport to inject faults: forward every call and override Send.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/statusor.h"

namespace sfsync::salesforce {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; nullptr when absent.
const std::string* FindHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;  // already decompressed when the server used gzip

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
};

// Caps on one response body (BodyDecoder in body_decoder.h applies them as the body arrives).
struct BodyLimits {
  // Salesforce's REST pages hold at most 2,000 records (a few MB even with wide rows); Bulk result
  // pages hold what maxRecords asks (sfsync asks 50,000 rows: tens of MB). 256 MiB is far above both.
  int64_t max_bytes = 256LL << 20;
  // JSON and CSV pages compress 5-20 times; 100 leaves room for very repetitive pages.
  double max_inflate_ratio = 100;
  int64_t ratio_floor_bytes = 16LL << 20;
};

struct TransportOptions {
  // Certificate verification for https is always on; it cannot be switched off from a job file.
  // `ca_file` adds trust anchors (a PEM bundle) for private CAs.
  std::string ca_file;
  // Longest wait without progress (connect, TLS handshake, each read of the response); a slow but
  // steady response does not time out.
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  bool request_gzip = true;  // send Accept-Encoding: gzip and inflate responses
  // A body over these caps is refused as it arrives, so memory stays bounded whatever the server sends.
  BodyLimits body_limits;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and returns the response, whatever its HTTP status. Returns an error only
  // when no complete response arrived:
  //   kUnavailable       connect refused, connection reset, timeout (reason "timeout"), truncated body
  //   kFailedPrecondition TLS verification failed (reason "tls"): retrying cannot help
  //   kDataLoss          a body over the caps (reason "response.too_large", "response.inflate_ratio"),
  //                      a corrupt gzip body, an encoding sfsync did not ask for (body_decoder.h)
  //   kInvalidArgument   malformed URL
  // Thread-safe: may be called concurrently from several threads.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// The cpprestsdk-backed transport. Keeps one connection pool per scheme://host:port.
std::unique_ptr<HttpTransport> NewCpprestTransport(const TransportOptions& options);

// Percent-encodes a query-string component (RFC 3986 unreserved characters stay as they are).
std::string UrlEncode(std::string_view text);
// Decodes %XX and '+' (as space) in a form or query component.
std::string UrlDecode(std::string_view text);

}  // namespace sfsync::salesforce
