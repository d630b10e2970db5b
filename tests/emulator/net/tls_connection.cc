#include "tests/emulator/net/tls_connection.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>

namespace sfsync::emulator {
namespace {

// Plaintext handed to SSL_write at a time, so the encrypted output never piles up in memory.
constexpr size_t kWriteChunk = 64 * 1024;

std::string OpenSslError(std::string_view what) {
  unsigned long code = ERR_get_error();
  if (code == 0) return std::string(what);
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return std::string(what) + ": " + text;
}

class TlsConnection : public Connection {
 public:
  TlsConnection(SSL* ssl, std::unique_ptr<Connection> inner) : ssl_(ssl), inner_(std::move(inner)) {
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, rbio_, wbio_);  // the SSL object owns both BIOs now
  }
  ~TlsConnection() override { SSL_free(ssl_); }

  // Runs the handshake to its end. False (with `error`) when it fails or the peer goes away.
  bool Handshake(std::string* error) {
    while (true) {
      ERR_clear_error();
      int result = SSL_do_handshake(ssl_);
      if (!Flush()) {
        *error = "connection lost during the TLS handshake";
        return false;
      }
      if (result == 1) {
        handshaken_ = true;
        return true;
      }
      if (SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) {
        *error = OpenSslError("TLS handshake failed");
        return false;
      }
      if (Feed() <= 0) {
        *error = "connection closed during the TLS handshake";
        return false;
      }
    }
  }

  ssize_t Read(char* buffer, size_t size) override {
    std::string ignored;
    if (!handshaken_ && !Handshake(&ignored)) return 0;
    while (true) {
      ERR_clear_error();
      int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, INT32_MAX)));
      if (n > 0) return n;
      int error = SSL_get_error(ssl_, n);
      if (error == SSL_ERROR_ZERO_RETURN) return 0;
      if (error != SSL_ERROR_WANT_READ || !Flush()) return -1;
      ssize_t fed = Feed();
      if (fed <= 0) return fed;
    }
  }

  bool WriteAll(std::string_view data) override {
    std::string ignored;
    if (!handshaken_ && !Handshake(&ignored)) return false;
    while (!data.empty()) {
      ERR_clear_error();
      int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min(data.size(), kWriteChunk)));
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
      if (!Flush()) return false;
    }
    return true;
  }

  void Shutdown() override { inner_->Shutdown(); }

  void Close() override {
    if (handshaken_ && !closed_) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // close_notify, so the peer sees a clean end of stream
      Flush();
    }
    closed_ = true;
    inner_->Close();
  }

  void Reset() override { inner_->Reset(); }
  void Hold(int64_t timeout_ms) override { inner_->Hold(timeout_ms); }

 private:
  // Sends whatever the TLS engine has encrypted.
  bool Flush() {
    char chunk[16 * 1024];
    while (BIO_ctrl_pending(wbio_) > 0) {
      int n = BIO_read(wbio_, chunk, sizeof(chunk));
      if (n <= 0 || !inner_->WriteAll(std::string_view(chunk, static_cast<size_t>(n)))) return false;
    }
    return true;
  }

  // Hands the TLS engine the next bytes from the peer: the count, 0 when closed, -1 on error.
  ssize_t Feed() {
    char chunk[64 * 1024];
    ssize_t n = inner_->Read(chunk, sizeof(chunk));
    if (n > 0) BIO_write(rbio_, chunk, static_cast<int>(n));
    return n;
  }

  SSL* ssl_;
  BIO* rbio_;
  BIO* wbio_;
  std::unique_ptr<Connection> inner_;
  bool handshaken_ = false;
  bool closed_ = false;
};

}  // namespace

struct TlsContext::Ctx {
  SSL_CTX* ctx = nullptr;
  ~Ctx() { SSL_CTX_free(ctx); }
};

TlsContext::TlsContext(std::unique_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}
TlsContext::~TlsContext() = default;

std::unique_ptr<TlsContext> TlsContext::ForServer(const std::string& cert_file, const std::string& key_file,
                                                  std::string* error) {
  auto ctx = std::make_unique<Ctx>();
  ctx->ctx = SSL_CTX_new(TLS_server_method());
  if (ctx->ctx == nullptr) {
    *error = OpenSslError("cannot create a TLS context");
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx->ctx, TLS1_2_VERSION);
  SSL_CTX_set_num_tickets(ctx->ctx, 0);  // no session resumption: nothing to send after the handshake
  if (SSL_CTX_use_certificate_chain_file(ctx->ctx, cert_file.c_str()) != 1) {
    *error = OpenSslError("cannot load the TLS certificate " + cert_file);
    return nullptr;
  }
  // This also checks that the key belongs to the certificate ("key values mismatch").
  if (SSL_CTX_use_PrivateKey_file(ctx->ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = OpenSslError("cannot load the TLS private key " + key_file);
    return nullptr;
  }
  return std::unique_ptr<TlsContext>(new TlsContext(std::move(ctx)));
}

std::unique_ptr<TlsContext> TlsContext::ForClient(const std::string& ca_file, std::string* error) {
  auto ctx = std::make_unique<Ctx>();
  ctx->ctx = SSL_CTX_new(TLS_client_method());
  if (ctx->ctx == nullptr || SSL_CTX_load_verify_locations(ctx->ctx, ca_file.c_str(), nullptr) != 1) {
    *error = OpenSslError("cannot load the CA file " + ca_file);
    return nullptr;
  }
  SSL_CTX_set_verify(ctx->ctx, SSL_VERIFY_PEER, nullptr);
  return std::unique_ptr<TlsContext>(new TlsContext(std::move(ctx)));
}

std::unique_ptr<Connection> TlsContext::Accept(std::unique_ptr<Connection> inner) const {
  SSL* ssl = SSL_new(ctx_->ctx);
  if (ssl == nullptr) return nullptr;
  SSL_set_accept_state(ssl);
  return std::make_unique<TlsConnection>(ssl, std::move(inner));
}

std::unique_ptr<Connection> TlsContext::Connect(std::unique_ptr<Connection> inner, const std::string& host,
                                                std::string* error) const {
  SSL* ssl = SSL_new(ctx_->ctx);
  if (ssl == nullptr) {
    *error = OpenSslError("cannot create a TLS session");
    return nullptr;
  }
  SSL_set_connect_state(ssl);
  unsigned char address[16];
  bool is_ip = inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
  }
  auto connection = std::make_unique<TlsConnection>(ssl, std::move(inner));
  if (!connection->Handshake(error)) return nullptr;
  return connection;
}

}  // namespace sfsync::emulator
