// TLS (OpenSSL) as one more Connection: it wraps another Connection and runs the TLS engine over
// memory BIOs, so the socket I/O stays in the inner connection with its idle timeout,
// MSG_NOSIGNAL writes and thread-safe Shutdown (a peer that vanished cannot raise SIGPIPE).
//
// The server side handshakes lazily on the connection's own thread at its first Read, so a slow
// or plain-HTTP client never blocks the accept loop; a failed handshake (a plain-HTTP client, an
// untrusted certificate) reads as a closed connection. The client side (tests, benchmark)
// handshakes eagerly and verifies the server against a CA file and a host name or IP.
#ifndef SFSYNC_TESTS_EMULATOR_NET_TLS_CONNECTION_H_
#define SFSYNC_TESTS_EMULATOR_NET_TLS_CONNECTION_H_

#include <memory>
#include <string>

#include "tests/emulator/net/connection.h"

namespace sfsync::emulator {

// An SSL_CTX. Thread-safe; must outlive every connection it wrapped.
class TlsContext {
 public:
  // A server context from a PEM certificate (chain) and its PEM private key. Returns null and
  // fills `error` when either cannot be read or they do not match.
  static std::unique_ptr<TlsContext> ForServer(const std::string& cert_file, const std::string& key_file,
                                               std::string* error);
  // A client context that trusts the PEM certificates in `ca_file` (and nothing else).
  static std::unique_ptr<TlsContext> ForClient(const std::string& ca_file, std::string* error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Server side: TLS over `inner`; the handshake runs at the first Read or WriteAll.
  std::unique_ptr<Connection> Accept(std::unique_ptr<Connection> inner) const;
  // Client side: handshakes over `inner` at once and checks the certificate names `host` (an IP
  // address or a DNS name). Returns null and fills `error` when the handshake fails.
  std::unique_ptr<Connection> Connect(std::unique_ptr<Connection> inner, const std::string& host,
                                      std::string* error) const;

 private:
  struct Ctx;
  explicit TlsContext(std::unique_ptr<Ctx> ctx);
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_NET_TLS_CONNECTION_H_
