// HttpTransport: the one seam through which sfsync talks HTTP (STYLE.md rule 1).
//
// The production implementation (cpprest_transport.cc) is the only translation unit that includes
// cpprestsdk. Tests wrap a transport to inject faults: forward every call and override Send.
#pragma once

#include <chrono>
#include <cstdint>
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
  std::string body;  // decoded when the server used gzip (Content-Encoding and Content-Length are then dropped)

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
};

struct TransportOptions {
  // Certificate verification for https is always on; it cannot be switched off from a job file.
  // `ca_file` adds trust anchors (a PEM bundle) for private CAs.
  std::string ca_file;
  // Longest wait without progress (connect, TLS handshake, each read of the response); a slow but
  // steady response does not time out.
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // Longest whole exchange, from sending the request to the last byte of the answer, however steady
  // the progress: bounds a server that trickles a byte at a time (each read then makes progress, so
  // `timeout` never fires). Past it the connection is closed: kUnavailable, reason "timeout". The
  // default fits a 256 MiB page at 150 KB/s. Job key: connection.max_response_seconds.
  std::chrono::milliseconds max_response_time{std::chrono::minutes(30)};
  bool request_gzip = true;  // send Accept-Encoding: gzip (a gzip body is inflated whether asked for or not)

  // Caps on one response body (response_body.h enforces them). A body over a cap is an error, never
  // a truncated body. The defaults sit far above what Salesforce sends, yet bound memory: a REST
  // query page holds at most 2,000 records (§2.2: about 1 MB at 14 columns, a few MB for wide rows
  // with long text); describes are a few MB; a Bulk results page holds the rows maxRecords asks
  // (§7.3; sfsync asks 50,000: about 40 MB at 14 columns). 256 MiB fits 50,000 rows of 5 KB of CSV
  // each; only objects with hundreds of filled fields or long text need more. Job key:
  // connection.max_response_mb.
  uint64_t max_body_bytes = uint64_t{256} << 20;
  // Decoded bytes per compressed byte of a gzip body, checked once the decoded size passes
  // `inflate_ratio_floor_bytes` (so small, very compressible bodies pass whatever their ratio).
  // deflate cannot pass about 1030:1 (runs of zeros reach it: the classic decompression bomb).
  // Real pages stay far below, but sparse wide rows compress well: measured with zlib levels 1-9,
  // the recorded query pages 22-32:1, a 2,000-record page of 500 null fields up to 130:1, a Bulk
  // CSV page of 800 empty quoted columns (Salesforce's most custom fields) up to 250:1. 500:1
  // keeps twice that margin and still refuses a bomb. Job key: connection.max_inflate_ratio.
  uint64_t max_inflate_ratio = 500;
  uint64_t inflate_ratio_floor_bytes = uint64_t{16} << 20;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and returns the response, whatever its HTTP status. Returns an error only
  // when no complete, acceptable response arrived:
  //   kUnavailable       connect refused, connection reset, timeout (reason "timeout"), truncated body,
  //                      a corrupt or truncated gzip stream
  //   kDataLoss          the body is over a cap of TransportOptions (reason "response.too_large" or
  //                      "response.inflate_ratio"), or in an encoding sfsync cannot decode (reason
  //                      "response.encoding"): retrying would get the same answer. The connection is
  //                      closed without reading the rest of the body.
  //   kFailedPrecondition TLS verification failed (reason "tls"): retrying cannot help
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
