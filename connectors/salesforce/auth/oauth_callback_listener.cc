#include "connectors/salesforce/auth/oauth_callback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/auth/oauth_errors.h"
#include "engine/core/log.h"
#include "engine/core/url.h"

namespace sfsync::salesforce {
namespace {

using Millis = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxRequestHead = 16 * 1024;
constexpr Millis kReadTimeout{5000};  // a connection that sends nothing must not block the login

Status BadRedirect(const std::string& redirect_uri, const std::string& why) {
  return Status(StatusCode::kInvalidArgument,
                "redirect_uri '" + redirect_uri.substr(0, 200) + "' " + why +
                    ": sfsync auth login receives the callback itself, so use http://127.0.0.1:PORT/PATH and "
                    "register exactly that URL as a callback URL on the External Client App",
                "job.invalid");
}

// Closes the descriptor on scope exit.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Millis Remaining(SteadyClock::time_point deadline) {
  return std::max(Millis(0), std::chrono::ceil<Millis>(deadline - SteadyClock::now()));
}

// Reads up to the blank line ending the request head, until `deadline` at the latest; empty when
// the peer sent nothing usable.
std::string ReadRequestHead(int fd, SteadyClock::time_point deadline) {
  std::string head;
  deadline = std::min(deadline, SteadyClock::now() + kReadTimeout);
  char buffer[2048];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestHead) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(Remaining(deadline).count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return {};
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {};
    head.append(buffer, static_cast<size_t>(n));
  }
  return head;
}

void Answer(int fd, int status, std::string_view phrase, std::string_view text) {
  const std::string body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>sfsync</title></head><body><p>" +
                           std::string(text) + "</p></body></html>\n";
  std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + std::string(phrase) +
                      "\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: "
                      "close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string_view rest = reply;
  while (!rest.empty()) {
    const ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the browser went away; the outcome stands anyway
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    const size_t eq = pair.find('=');
    params.emplace(UrlDecode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1)));
  }
  return params;
}

// Compares without an early exit, so the time taken says nothing about how much of a guess matched.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

StatusOr<std::unique_ptr<CallbackListener>> CallbackListener::Start(const std::string& redirect_uri) {
  constexpr std::string_view kScheme = "http://";
  if (redirect_uri.compare(0, kScheme.size(), kScheme) != 0) return BadRedirect(redirect_uri, "is not http://");
  const std::string host(UrlHost(redirect_uri));
  if (!IsLoopbackHost(host)) return BadRedirect(redirect_uri, "is not on a loopback host");
  std::string_view rest = std::string_view(redirect_uri).substr(kScheme.size());
  const size_t path_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, path_start);
  std::string path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  path = path.substr(0, path.find_first_of("?#"));
  const size_t colon = authority.rfind(':');
  const std::string_view port_text =
      colon == std::string_view::npos || authority.substr(colon).find(']') != std::string_view::npos
          ? std::string_view()
          : authority.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string_view::npos) {
    return BadRedirect(redirect_uri, "has no port");
  }
  const int port = std::stoi(std::string(port_text));
  if (port < 1 || port > 65535) return BadRedirect(redirect_uri, "has no valid port");

  const bool ipv6 = host == "[::1]";
  Fd fd{::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (fd.fd < 0) return UnavailableError(std::string("cannot create a socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // a login just before left TIME_WAIT
  int rc;
  if (ipv6) {
    ::setsockopt(fd.fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(static_cast<uint16_t>(port));
    address.sin6_addr = in6addr_loopback;
    rc = ::bind(fd.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    // "localhost" binds 127.0.0.1; an explicit 127.x.y.z binds exactly that address.
    if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &address.sin_addr) != 1) {
      return BadRedirect(redirect_uri, "has a host that is not an IPv4 loopback address");
    }
    rc = ::bind(fd.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  if (rc != 0 || ::listen(fd.fd, 8) != 0) {
    return UnavailableError("cannot listen on " + std::string(authority) + " for the login callback: " +
                            std::strerror(errno) + " (is another `sfsync auth login` running?)");
  }
  std::unique_ptr<CallbackListener> listener(new CallbackListener(fd.fd, std::move(path)));
  fd.fd = -1;
  return listener;
}

CallbackListener::~CallbackListener() { ::close(fd_); }

std::string CallbackListener::BoundAddress() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return {};
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
  ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(a->sin_port));
}

StatusOr<std::string> CallbackListener::WaitForCode(const std::string& expected_state, Millis timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(Remaining(deadline).count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return UnavailableError(std::string("waiting for the login callback: ") + std::strerror(errno));
    if (ready == 0) {
      return Status(StatusCode::kDeadlineExceeded,
                    "no login callback arrived within " + std::to_string(timeout.count() / 1000) +
                        " s: run `sfsync auth login JOB.yaml` again and finish the login in the browser",
                    "auth.timeout");
    }
    Fd connection{::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC)};
    if (connection.fd < 0) continue;
    const std::string head = ReadRequestHead(connection.fd, deadline);
    const size_t line_end = head.find("\r\n");
    if (line_end == std::string::npos) continue;
    const std::string_view line = std::string_view(head).substr(0, line_end);
    const size_t sp1 = line.find(' ');
    const size_t sp2 = line.find(' ', sp1 == std::string_view::npos ? line.size() : sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
      Answer(connection.fd, 400, "Bad Request", "Not an HTTP request.");
      continue;
    }
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view path = target.substr(0, target.find('?'));
    if (line.substr(0, sp1) != "GET" || path != path_) {
      Answer(connection.fd, 404, "Not Found", "Not the sfsync login callback.");
      continue;
    }
    const size_t question = target.find('?');
    std::map<std::string, std::string> params =
        ParseQuery(question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
    RegisterSecret(params["code"]);
    if (!SameSecret(params["state"], expected_state)) {
      Answer(connection.fd, 400, "Bad Request",
             "This callback does not belong to the running sfsync login. Login stopped.");
      return Status(StatusCode::kUnauthenticated,
                    "the login callback carried a state this login did not issue, so it was not caused by this "
                    "login (a forged or stale callback): nothing was stored; run `sfsync auth login JOB.yaml` again",
                    "auth.state_mismatch");
    }
    if (!params["error"].empty()) {
      Answer(connection.fd, 200, "OK", "Salesforce refused the login. See the terminal where sfsync runs.");
      return OAuthErrorStatus(
          400, "error=" + UrlEncode(params["error"]) + "&error_description=" + UrlEncode(params["error_description"]),
          "authorization_code");
    }
    if (params["code"].empty()) {
      Answer(connection.fd, 400, "Bad Request", "The callback carried no code. Login stopped.");
      return Status(StatusCode::kUnauthenticated, "the login callback carried neither a code nor an error",
                    "auth.callback");
    }
    Answer(connection.fd, 200, "OK", "sfsync is logged in. You can close this tab.");
    return params["code"];
  }
}

}  // namespace sfsync::salesforce
