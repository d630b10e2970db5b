#include "tests/emulator/net/request_reader.h"

#include <algorithm>
#include <charconv>

namespace sfsync::emulator {
namespace {

bool IsTokenChar(char c) {
  return c > 32 && c < 127 && c != '(' && c != ')' && c != ',' && c != '/' && c != ':' &&
         c != ';' && c != '<' && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' &&
         c != '\\' && c != ']' && c != '{' && c != '}' && c != '"';
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool RequestReader::Fill() {
  char chunk[16 * 1024];
  ssize_t n = connection_->Read(chunk, sizeof(chunk));
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool RequestReader::Need(size_t n) {
  while (buffer_.size() - pos_ < n) {
    if (!Fill()) return false;
  }
  return true;
}

bool RequestReader::ReadLine(std::string* line, size_t max_length) {
  size_t searched = pos_;
  while (true) {
    size_t eol = buffer_.find("\r\n", searched);
    if (eol != std::string::npos) {
      *line = buffer_.substr(pos_, eol - pos_);
      pos_ = eol + 2;
      return true;
    }
    if (buffer_.size() - pos_ > max_length) return false;
    // A CRLF may straddle two reads.
    searched = buffer_.empty() ? pos_ : std::max(pos_, buffer_.size() - 1);
    if (!Fill()) return false;
  }
}

RequestReader::Result RequestReader::Read(HttpRequest* request) {
  buffer_.erase(0, pos_);  // drop the previous request; offsets stay stable below
  pos_ = 0;
  // Head: everything up to the blank line.
  size_t end;
  size_t searched = pos_;
  while ((end = buffer_.find("\r\n\r\n", searched)) == std::string::npos) {
    if (buffer_.size() - pos_ > kMaxHeaderBytes) return Result::kHeadersTooLarge;
    searched = buffer_.size() >= 3 ? std::max(pos_, buffer_.size() - 3) : pos_;
    if (!Fill()) return buffer_.size() == pos_ ? Result::kClosed : Result::kBadRequest;
  }
  if (end - pos_ > kMaxHeaderBytes) return Result::kHeadersTooLarge;
  std::string head = buffer_.substr(pos_, end - pos_);
  pos_ = end + 4;
  Result result = ParseHead(head, request);
  if (result != Result::kOk) return result;

  std::optional<std::string_view> transfer_encoding = request->headers.Get("Transfer-Encoding");
  std::optional<std::string_view> content_length = request->headers.Get("Content-Length");
  bool chunked = false;
  size_t length = 0;
  if (transfer_encoding) {
    if (!EqualsIgnoreCase(TrimSpaces(*transfer_encoding), "chunked")) return Result::kNotImplemented;
    chunked = true;
  } else if (content_length) {
    std::string_view text = TrimSpaces(*content_length);
    auto parsed = std::from_chars(text.data(), text.data() + text.size(), length);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
      return Result::kBadRequest;
    }
    if (length > kMaxBodyBytes) return Result::kBodyTooLarge;
  }
  std::optional<std::string_view> expect = request->headers.Get("Expect");
  if (expect && EqualsIgnoreCase(TrimSpaces(*expect), "100-continue") && (chunked || length > 0) &&
      buffer_.size() == pos_) {
    if (!connection_->WriteAll("HTTP/1.1 100 Continue\r\n\r\n")) return Result::kClosed;
  }
  if (chunked) return ReadChunked(&request->body);
  if (!Need(length)) return Result::kBadRequest;
  request->body = buffer_.substr(pos_, length);
  pos_ += length;
  return Result::kOk;
}

RequestReader::Result RequestReader::ParseHead(std::string_view head, HttpRequest* request) {
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return Result::kBadRequest;
  request->method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    request->minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request->minor_version = 0;
  } else {
    return Result::kBadRequest;
  }
  for (char c : request->method) {
    if (!IsTokenChar(c)) return Result::kBadRequest;
  }
  // Absolute form (`http://host/path`): keep only the path and query.
  if (size_t scheme = target.find("://"); scheme != std::string_view::npos && target[0] != '/') {
    size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  if (target.empty() || target[0] != '/') return Result::kBadRequest;
  size_t question = target.find('?');
  request->path = UrlDecode(target.substr(0, question), false);
  request->query = question == std::string_view::npos ? "" : std::string(target.substr(question + 1));

  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view header = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    size_t colon = header.find(':');
    if (colon == std::string_view::npos || colon == 0) return Result::kBadRequest;
    std::string_view name = header.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return Result::kBadRequest;  // also rejects obsolete line folding
    }
    request->headers.Add(std::string(name), std::string(TrimSpaces(header.substr(colon + 1))));
  }
  return Result::kOk;
}

RequestReader::Result RequestReader::ReadChunked(std::string* body) {
  while (true) {
    std::string line;
    if (!ReadLine(&line, 1024)) return Result::kBadRequest;
    std::string_view size_text = TrimSpaces(std::string_view(line).substr(0, line.find(';')));
    size_t size = 0;
    auto parsed = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || parsed.ec != std::errc() ||
        parsed.ptr != size_text.data() + size_text.size()) {
      return Result::kBadRequest;
    }
    if (size == 0) break;
    if (body->size() + size > kMaxBodyBytes) return Result::kBodyTooLarge;
    if (!Need(size + 2)) return Result::kBadRequest;
    body->append(buffer_, pos_, size);
    pos_ += size;
    if (buffer_.compare(pos_, 2, "\r\n") != 0) return Result::kBadRequest;
    pos_ += 2;
  }
  // Trailer fields (ignored) up to the blank line.
  std::string trailer;
  do {
    if (!ReadLine(&trailer, kMaxHeaderBytes)) return Result::kBadRequest;
  } while (!trailer.empty());
  return Result::kOk;
}

}  // namespace sfsync::emulator
