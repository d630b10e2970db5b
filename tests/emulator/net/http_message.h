// HTTP/1.1 request and response values, and the URL/form decoding the emulator needs.
#ifndef SFSYNC_TESTS_EMULATOR_NET_HTTP_MESSAGE_H_
#define SFSYNC_TESTS_EMULATOR_NET_HTTP_MESSAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

class HttpHeaders {
 public:
  void Add(std::string name, std::string value);
  // Replaces every header of that name.
  void Set(std::string_view name, std::string value);
  // The first value of `name` (case-insensitive).
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& all() const { return headers_; }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

struct HttpRequest {
  std::string method;
  std::string path;       // percent-decoded, without the query
  std::string query;      // raw text after '?', still encoded
  int minor_version = 1;  // HTTP/1.x
  HttpHeaders headers;
  std::string body;
};

// Misbehaviour the server acts out while sending a response (fault injection; README "Faults").
struct WireFault {
  enum class Kind {
    kNone,
    kResetInHeaders,  // half the status line and headers, then a TCP reset
    kResetInBody,     // headers and half the body, then a TCP reset
    kTruncateBody,    // headers (full Content-Length) and half the body, then an orderly close
    kStall,           // nothing for `stall_ms` (or until the client gives up), then the response
    kResetBeforeStatus,  // nothing at all, then a TCP reset (the request was served: a lost answer)
  };
  Kind kind = Kind::kNone;
  int64_t stall_ms = 0;
};

// Filler the server adds to a body while sending it (fault injection: oversize_body, gzip_bomb).
// The full body is never held in memory: the filler is written, or deflated, in chunks.
struct BodyPadding {
  int64_t bytes = 0;  // 0: none
  size_t at = 0;      // where in `body` the filler goes
  char fill = ' ';
  // Send the padded body gzip-encoded whether or not the client accepts gzip (a gzip bomb);
  // otherwise the padded body goes out as it is, never compressed.
  bool gzip = false;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  int64_t delay_ms = 0;  // injected latency: the server waits this long before writing
  WireFault wire_fault;
  BodyPadding padding;
  // Injected clock trouble: the Date header is shifted by this much, or left out.
  int64_t date_skew_ms = 0;
  bool omit_date = false;
};

std::string_view ReasonPhrase(int status);

// Percent-decoding; `plus_is_space` for query strings and form bodies.
std::string UrlDecode(std::string_view text, bool plus_is_space);
// `a=1&b=two+words` (a query string or an application/x-www-form-urlencoded body). The first
// occurrence of a name wins.
std::map<std::string, std::string> ParseForm(std::string_view text);
// Percent-encodes everything but RFC 3986 unreserved characters; `space_as_plus` for form
// values (`end-user+denied+authorization`).
std::string PercentEncode(std::string_view text, bool space_as_plus = false);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// True when a comma-separated header value lists `token` (e.g. Accept-Encoding: gzip), unless
// it is given q=0.
bool HeaderListsToken(std::string_view value, std::string_view token);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_HTTP_MESSAGE_H_
