#include "tests/testing/hostile_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace sfsync::testing {
namespace {

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

bool HeaderIs(const std::string& name, const char* wanted) { return strcasecmp(name.c_str(), wanted) == 0; }

// Reads one request from `fd` (headers, then a Content-Length body). False at EOF or on error.
bool ReadRequest(int fd, std::string* buffer, ReceivedRequest* request, const std::atomic<bool>& stopping) {
  size_t end;
  while ((end = buffer->find("\r\n\r\n")) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, 200);
    if (stopping) return false;
    if (ready <= 0) continue;
    char chunk[16384];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  const std::string head = buffer->substr(0, end);
  buffer->erase(0, end + 4);
  size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  request->method = line.substr(0, sp1);
  request->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t length = 0;
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string header = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const size_t colon = header.find(':');
    if (colon == std::string::npos) continue;
    std::string value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request->headers.emplace_back(header.substr(0, colon), value);
    if (HeaderIs(request->headers.back().first, "Content-Length")) length = std::stoul(value);
  }
  while (buffer->size() < length) {
    char chunk[16384];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  request->body = buffer->substr(0, length);
  buffer->erase(0, length);
  return true;
}

}  // namespace

bool RawWriter::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (stopping_->load()) return false;
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawWriter::Trickle(std::string_view bytes, size_t chunk, std::chrono::milliseconds gap) {
  while (!bytes.empty()) {
    const size_t n = std::min(chunk, bytes.size());
    if (!Write(bytes.substr(0, n))) return false;
    bytes.remove_prefix(n);
    // Sleep in slices so Stop() is not held up.
    for (auto left = gap; left.count() > 0; left -= std::chrono::milliseconds(50)) {
      if (stopping_->load()) return false;
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
    }
  }
  return true;
}

std::string HttpAnswer(int status, const std::string& body, const std::string& headers,
                       const std::string& content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " Hostile\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + headers + "\r\n" + body;
}

HostileServer::HostileServer(std::string upstream_url, Script script, When when)
    : upstream_url_(std::move(upstream_url)), script_(std::move(script)), when_(when) {
  if (!upstream_url_.empty()) {
    salesforce::TransportOptions options;
    options.request_gzip = false;
    upstream_ = salesforce::NewCpprestTransport(options);
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("hostile server: cannot listen on 127.0.0.1");
  }
  socklen_t size = sizeof address;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
  url_ = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

HostileServer::~HostileServer() { Stop(); }

void HostileServer::Stop() {
  if (stopping_.exchange(true)) return;
  shutdown(listen_fd_, SHUT_RDWR);
  accept_thread_.join();
  close(listen_fd_);
  std::list<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
}

std::vector<ReceivedRequest> HostileServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void HostileServer::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void HostileServer::Serve(int fd) {
  std::string buffer;
  ReceivedRequest request;
  while (!stopping_ && ReadRequest(fd, &buffer, &request, stopping_)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    if (!Answer(request, fd)) break;
    request = ReceivedRequest();
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(open_fds_, fd);
  close(fd);
}

bool HostileServer::Answer(const ReceivedRequest& request, int fd) {
  RawWriter out(fd, &stopping_);
  if (when_ == When::kBeforeUpstream && script_ && script_(request, nullptr, out)) return false;
  if (!upstream_) return out.Write(HttpAnswer(404, "[]"));
  salesforce::HttpRequest forward;
  forward.method = request.method;
  forward.url = upstream_url_ + request.target;
  forward.body = request.body;
  for (const auto& [name, value] : request.headers) {
    if (HeaderIs(name, "Host") || HeaderIs(name, "Content-Length") || HeaderIs(name, "Connection") ||
        HeaderIs(name, "Accept-Encoding")) {
      continue;
    }
    forward.headers.emplace_back(name, value);
  }
  auto answer = upstream_->Send(forward);
  if (!answer.ok()) return out.Write(HttpAnswer(502, "[]"));
  ReplaceAll(&answer->body, upstream_url_, url_);
  if (when_ == When::kAfterUpstream && script_ && script_(request, &*answer, out)) return false;
  std::string headers;
  std::string content_type = "application/json;charset=UTF-8";
  for (auto [name, value] : answer->headers) {
    if (HeaderIs(name, "Content-Length") || HeaderIs(name, "Transfer-Encoding") || HeaderIs(name, "Connection") ||
        HeaderIs(name, "Content-Encoding")) {
      continue;
    }
    if (HeaderIs(name, "Content-Type")) {
      content_type = value;
      continue;
    }
    ReplaceAll(&value, upstream_url_, url_);
    headers += name + ": " + value + "\r\n";
  }
  return out.Write(HttpAnswer(answer->status, answer->body, headers, content_type));
}

}  // namespace sfsync::testing
