#include "connectors/salesforce/testing/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace sfsync::salesforce::testing {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("LoopbackServer: ") + what);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses "METHOD target HTTP/1.1\r\nName: value\r\n..." (without the final blank line).
ServerRequest ParseHead(std::string_view head) {
  ServerRequest request;
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.find(' ', sp1 + 1);
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    line = head.substr(0, line_end);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return request;
}

}  // namespace

TlsIdentity MakeSelfSignedIdentity(const std::string& dns_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Require(key != nullptr, "key generation failed");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(std::rand()) + 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::string san = "DNS:" + dns_name + ",IP:127.0.0.1";
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  Require(ext != nullptr, "subjectAltName failed");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  Require(X509_sign(cert, key, EVP_sha256()) > 0, "signing failed");

  TlsIdentity identity;
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  identity.cert_pem = BioText(cert_bio);
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  identity.key_pem = BioText(key_bio);
  BIO_free(key_bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return identity;
}

std::string RawResponse(int status, const HttpHeaders& headers, std::string_view body) {
  std::string raw = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
  bool framed = false;
  for (const auto& [name, value] : headers) {
    raw += name + ": " + value + "\r\n";
    const std::string lower = Lower(name);
    if (lower == "content-length" || lower == "transfer-encoding") framed = true;
  }
  if (!framed) raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  raw += "\r\n";
  raw += body;
  return raw;
}

std::string Chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out += data;
  return out + "\r\n";
}

std::string ChunkedBody(std::string_view body, size_t chunk_size) {
  std::string out;
  for (size_t i = 0; i < body.size(); i += chunk_size) out += Chunk(body.substr(i, chunk_size));
  return out + Chunk("");
}

struct LoopbackServer::Connection {
  int fd = -1;
  SSL* ssl = nullptr;

  ~Connection() {
    if (ssl != nullptr) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
  }
  long Read(char* buffer, size_t size) {
    if (ssl != nullptr) return SSL_read(ssl, buffer, static_cast<int>(size));
    return ::recv(fd, buffer, size, 0);
  }
  bool WriteAll(std::string_view data, std::atomic<int64_t>* written) {
    while (!data.empty()) {
      long n = ssl != nullptr ? SSL_write(ssl, data.data(), static_cast<int>(data.size()))
                              : ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      written->fetch_add(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
};

LoopbackServer::LoopbackServer(Handler handler, std::unique_ptr<TlsIdentity> tls)
    : handler_(std::move(handler)), tls_(std::move(tls)) {
  signal(SIGPIPE, SIG_IGN);  // SSL_write on a socket the client closed must not kill the test
  if (tls_) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    Require(ctx != nullptr, "SSL_CTX_new failed");
    BIO* cert_bio = BIO_new_mem_buf(tls_->cert_pem.data(), static_cast<int>(tls_->cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(tls_->key_pem.data(), static_cast<int>(tls_->key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(key_bio);
    Require(cert != nullptr && key != nullptr, "bad TLS identity");
    Require(SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1, "bad TLS identity");
    X509_free(cert);
    EVP_PKEY_free(key);
    ssl_ctx_ = ctx;
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Require(listen_fd_ >= 0, "socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  Require(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "bind failed");
  Require(::listen(listen_fd_, 16) == 0, "listen failed");
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
  }
  stop_cv_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  accept_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& connection : connections_) ::shutdown(connection->fd, SHUT_RDWR);  // wakes reads
  }
  for (std::thread& t : threads_) t.join();
  connections_.clear();
  ::close(listen_fd_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::string LoopbackServer::Url(std::string_view path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<ServerRequest> LoopbackServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void LoopbackServer::AcceptLoop() {
  while (!stopping_.load()) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // woken by shutdown (then stopping_ is set) or a transient error
    auto connection = std::make_shared<Connection>();
    connection->fd = fd;
    accepted_.fetch_add(1);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_.load()) break;  // `connection` closes the socket
    connections_.push_back(connection);
    threads_.emplace_back([this, connection] { Serve(connection); });
  }
}

bool LoopbackServer::WaitUnlessStopped(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void LoopbackServer::Serve(std::shared_ptr<Connection> connection) {
  if (ssl_ctx_ != nullptr) {
    connection->ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(connection->ssl, connection->fd);
    if (SSL_accept(connection->ssl) <= 0) return;  // e.g. the client rejected the certificate
  }
  std::string buffer;
  char chunk[16384];
  while (!stopping_.load()) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      long n = connection->Read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    ServerRequest request = ParseHead(std::string_view(buffer).substr(0, head_end));
    buffer.erase(0, head_end + 4);
    const std::string* length = request.Header("Content-Length");
    const size_t body_size = length ? std::strtoul(length->c_str(), nullptr, 10) : 0;
    while (buffer.size() < body_size) {
      long n = connection->Read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    request.body = buffer.substr(0, body_size);
    buffer.erase(0, body_size);
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    ServerReply reply = handler_(request);
    if (reply.delay.count() > 0 && !WaitUnlessStopped(reply.delay)) return;
    if (!connection->WriteAll(reply.raw, &written_)) return;
    std::string piece;
    while (reply.more && !stopping_.load() && reply.more(&piece)) {
      if (!connection->WriteAll(piece, &written_)) return;
    }
    if (reply.close) {
      if (connection->ssl != nullptr) SSL_shutdown(connection->ssl);
      ::shutdown(connection->fd, SHUT_RDWR);
      return;
    }
  }
}

}  // namespace sfsync::salesforce::testing
