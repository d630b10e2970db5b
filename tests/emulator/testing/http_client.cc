#include "tests/emulator/testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "tests/emulator/net/gzip.h"

namespace sfsync::emulator::testing {
namespace {

ClientResponse Failed(std::string error) {
  ClientResponse response;
  response.error = std::move(error);
  return response;
}

}  // namespace

HttpClient::HttpClient(std::string host, int port, ClientOptions options)
    : host_(std::move(host)), port_(port), options_(std::move(options)) {
  if (!options_.ca_file.empty()) tls_ = TlsContext::ForClient(options_.ca_file, &tls_error_);
}

HttpClient::~HttpClient() { Disconnect(); }

bool HttpClient::Connect(std::string* error) {
  if (!options_.ca_file.empty() && !tls_) {
    *error = tls_error_;
    return false;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_));
  inet_pton(AF_INET, host_ == "localhost" ? "127.0.0.1" : host_.c_str(), &address.sin_addr);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = std::string("connect: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  // TcpConnection sets TCP_NODELAY and owns the socket from here.
  std::unique_ptr<Connection> connection = std::make_unique<TcpConnection>(fd, options_.timeout_ms);
  if (tls_) {
    connection = tls_->Connect(std::move(connection), host_, error);
    if (!connection) return false;
  }
  connection_ = std::move(connection);
  ++connections_opened_;
  return true;
}

void HttpClient::Disconnect() {
  connection_.reset();
  buffer_.clear();
}

bool HttpClient::Fill(std::string* error) {
  char chunk[256 * 1024];
  ssize_t n = connection_->Read(chunk, sizeof(chunk));
  if (n <= 0) {
    *error = n == 0 ? "connection closed" : "connection failed or timed out";
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

ClientResponse HttpClient::Send(std::string_view method, std::string_view target,
                                const Headers& headers, std::string_view body) {
  std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: " +
                        host_ + ":" + std::to_string(port_) + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  // A kept-alive connection the server has closed fails on first use: retry once, fresh.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = connection_ == nullptr;
    std::string error;
    if (fresh && !Connect(&error)) return Failed(error);
    ClientResponse response = Exchange(request, method == "HEAD");
    if (response.ok || fresh) {
      std::optional<std::string_view> connection = response.headers.Get("Connection");
      if (response.ok && connection && EqualsIgnoreCase(*connection, "close")) Disconnect();
      return response;
    }
  }
  return Failed("request failed twice");
}

ClientResponse HttpClient::SendRaw(std::string_view bytes) { return Exchange(bytes, false); }

ClientResponse HttpClient::Exchange(std::string_view bytes, bool head_request) {
  std::string error;
  if (connection_ == nullptr && !Connect(&error)) return Failed(error);
  if (!connection_->WriteAll(bytes)) {
    Disconnect();
    return Failed("send failed");
  }
  return ReadResponse(head_request);
}

ClientResponse HttpClient::ReadResponse(bool head_request) {
  ClientResponse response;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(&response.error)) {
      Disconnect();
      return response;
    }
  }
  std::string_view head(buffer_.data(), end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    response.error = "bad status line";
    Disconnect();
    return response;
  }
  std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    size_t colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    response.headers.Add(std::string(line.substr(0, colon)), std::string(value));
  }
  buffer_.erase(0, end + 4);
  if (response.status == 100) return ReadResponse(head_request);  // interim response

  std::string body;
  std::optional<std::string_view> length = response.headers.Get("Content-Length");
  std::optional<std::string_view> encoding = response.headers.Get("Transfer-Encoding");
  if (head_request || response.status == 204 || response.status == 304) {
    // no body
  } else if (encoding && EqualsIgnoreCase(*encoding, "chunked")) {
    while (true) {
      size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) {
        if (!Fill(&response.error)) {
          Disconnect();
          return response;
        }
      }
      size_t size = 0;
      std::from_chars(buffer_.data(), buffer_.data() + eol, size, 16);
      while (buffer_.size() < eol + 2 + size + 2) {
        if (!Fill(&response.error)) {
          Disconnect();
          return response;
        }
      }
      body.append(buffer_, eol + 2, size);
      buffer_.erase(0, eol + 2 + size + 2);
      if (size == 0) break;
    }
  } else if (length) {
    size_t size = 0;
    std::from_chars(length->data(), length->data() + length->size(), size);
    while (buffer_.size() < size) {
      if (!Fill(&response.error)) {
        response.wire_body_bytes = buffer_.size();  // what arrived of a truncated body
        response.body = buffer_;
        Disconnect();
        return response;
      }
    }
    body = buffer_.substr(0, size);
    buffer_.erase(0, size);
  } else {
    std::string ignored;
    while (Fill(&ignored)) {
    }
    body = std::move(buffer_);
    Disconnect();
  }
  response.wire_body_bytes = body.size();
  std::optional<std::string_view> content_encoding = response.headers.Get("Content-Encoding");
  if (content_encoding && EqualsIgnoreCase(*content_encoding, "gzip")) {
    std::optional<std::string> decoded = GzipDecompress(body);
    if (!decoded) {
      response.error = "bad gzip body";
      return response;
    }
    body = std::move(*decoded);
  }
  response.body = std::move(body);
  response.ok = true;
  return response;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace sfsync::emulator::testing
