#include "connectors/salesforce/http/response_body.h"

#include <sys/mman.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace sfsync::salesforce {
namespace {

// Blocks for a body of unknown length start small (most responses are a few KB) and grow with
// what has arrived, so a large body takes few blocks and a small one wastes little.
constexpr size_t kFirstBlock = size_t{64} << 10;
constexpr size_t kLargestBlock = size_t{8} << 20;
// zlib produces this much between two checks of the caps.
constexpr size_t kInflateSlice = size_t{256} << 10;
// zlib counts input in 32-bit uInt: a body is fed to it in slices no larger than this.
constexpr size_t kLargestZlibInput = size_t{1} << 30;
// A gzip stream is at least a 10-byte header and an 8-byte trailer (RFC 1952 §2.3).
constexpr uint64_t kSmallestGzip = 18;

// "812 bytes", "64.0 KiB", "16.2 MiB", "256 MiB".
std::string Size(uint64_t bytes) {
  constexpr uint64_t kMiB = uint64_t{1} << 20;
  char text[32];
  if (bytes % kMiB == 0 && bytes > 0) {
    std::snprintf(text, sizeof text, "%llu MiB", static_cast<unsigned long long>(bytes / kMiB));
  } else if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else if (bytes < (uint64_t{1} << 20)) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Ends inflate on every path out of ResponseBody::Inflate.
struct Inflater {
  z_stream stream{};
  bool ready = false;
  Inflater() { ready = inflateInit2(&stream, 15 + 32) == Z_OK; }  // +32: a gzip or a zlib header
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
};

}  // namespace

// A block of received bytes in a mapping of its own: unmapping it hands its pages back to the
// system at once, where freed heap memory would stay resident for the process's life.
class ResponseBody::Block {
 public:
  explicit Block(size_t capacity) : capacity_(capacity) {
    void* data = ::mmap(nullptr, capacity_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data_ = data == MAP_FAILED ? nullptr : static_cast<char*>(data);
  }
  Block(Block&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), capacity_(other.capacity_), size_(other.size_) {}
  Block& operator=(Block&&) = delete;
  ~Block() { Release(); }

  void Release() {
    if (data_ != nullptr) ::munmap(data_, capacity_);
    data_ = nullptr;
    size_ = 0;
  }

  bool ok() const { return data_ != nullptr; }
  std::string_view bytes() const { return {data_, size_}; }
  std::span<char> room() { return {data_ + size_, capacity_ - size_}; }
  void grow(size_t n) { size_ += n; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
};

ResponseBody::ResponseBody(const TransportOptions& options, std::string where)
    : options_(options), where_(std::move(where)) {}

ResponseBody::~ResponseBody() = default;

Status ResponseBody::Start(std::optional<uint64_t> content_length, std::string_view content_encoding) {
  const std::string encoding = Lower(Trim(content_encoding));
  if (encoding == "gzip" || encoding == "x-gzip") {
    encoding_ = Encoding::kGzip;
  } else if (encoding == "deflate") {
    encoding_ = Encoding::kZlib;  // HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2)
  } else if (!encoding.empty() && encoding != "identity") {
    return Status(StatusCode::kDataLoss,
                  "the response from " + where_ + " has Content-Encoding '" +
                      std::string(content_encoding.substr(0, 40)) +
                      "', which sfsync cannot decode (it asks for gzip only)",
                  "response.encoding");
  }
  if (content_length && *content_length > options_.max_body_bytes) {
    return TooLarge("announces " + Size(*content_length) + " (Content-Length), over");
  }
  if (content_length) {
    announced_length_ = *content_length;
    announced_.reserve(static_cast<size_t>(announced_length_));  // the body is received in place
  }
  return Status::Ok();
}

StatusOr<std::span<char>> ResponseBody::Room(size_t at_most) {
  // One byte past the cap is room enough to see that the body passes it.
  const uint64_t under_cap = options_.max_body_bytes - received_;
  if (under_cap < at_most) at_most = static_cast<size_t>(under_cap + 1);
  at_most = std::max<size_t>(at_most, 1);
  if (announced_.size() < announced_length_) {
    // Grown a read at a time within its capacity: zero-filling it all first would let the client
    // library buffer tens of MB meanwhile.
    const size_t at = announced_.size();
    const auto n = static_cast<size_t>(std::min<uint64_t>(at_most, announced_length_ - at));
    announced_.resize(at + n);
    room_ = {true, n};
    return std::span<char>(announced_.data() + at, n);
  }
  if (blocks_.empty() || blocks_.back().room().empty()) {
    // Sized by what has arrived: few blocks for a large body, little waste for a small one.
    const size_t past = static_cast<size_t>(received_ - announced_.size());
    Block block(std::clamp(past, kFirstBlock, kLargestBlock));
    if (!block.ok()) return UnavailableError("no memory for the response from " + where_);
    blocks_.push_back(std::move(block));
  }
  std::span<char> room = blocks_.back().room().first(std::min(at_most, blocks_.back().room().size()));
  room_ = {false, room.size()};
  return room;
}

Status ResponseBody::Commit(size_t n) {
  if (room_.in_announced) {
    announced_.resize(announced_.size() - room_.size + n);
  } else {
    blocks_.back().grow(n);
  }
  received_ += n;
  if (received_ > options_.max_body_bytes) return TooLarge("grew past");
  return Status::Ok();
}

StatusOr<std::string> ResponseBody::Finish() {
  if (encoding_ == Encoding::kIdentity) return TakeReceived();
  return Inflate();
}

std::vector<std::string_view> ResponseBody::Received() const {
  std::vector<std::string_view> received;
  if (!announced_.empty()) received.emplace_back(announced_);
  for (const Block& block : blocks_) received.push_back(block.bytes());
  return received;
}

std::string ResponseBody::TakeReceived() {
  if (received_ == announced_.size()) return std::move(announced_);  // received in place
  std::string body;
  body.reserve(static_cast<size_t>(received_));
  body += announced_;
  std::string().swap(announced_);
  for (Block& block : blocks_) {
    body += block.bytes();
    block.Release();  // unmapped at once, before the next is copied
  }
  blocks_.clear();
  return body;
}

uint64_t ResponseBody::GzipSizeHint() const {
  if (encoding_ != Encoding::kGzip || received_ < kSmallestGzip) return 0;
  // The last 4 bytes, little-endian; they may straddle the last pieces.
  const std::vector<std::string_view> received = Received();
  uint64_t size = 0;
  int taken = 0;
  for (auto piece = received.rbegin(); piece != received.rend() && taken < 4; ++piece) {
    for (auto c = piece->rbegin(); c != piece->rend() && taken < 4; ++c, ++taken) {
      size = (size << 8) | static_cast<unsigned char>(*c);
    }
  }
  return size;
}

StatusOr<std::string> ResponseBody::Inflate() {
  const uint64_t compressed = received_;
  // Sized once, by the trailer, within what the caps let through; a trailer that lies costs only
  // address space (an allocation is resident only where written), a zlib stream (no trailer) grows.
  const double ratio_allows =
      std::max(static_cast<double>(options_.inflate_ratio_floor_bytes),
               static_cast<double>(options_.max_inflate_ratio) * static_cast<double>(compressed));
  std::string body;
  body.reserve(static_cast<size_t>(std::min<double>(
      {static_cast<double>(GzipSizeHint()), static_cast<double>(options_.max_body_bytes), ratio_allows})));
  Inflater inflater;
  if (!inflater.ready) return UnavailableError("cannot start inflating the body from " + where_ + ": out of memory");
  z_stream& z = inflater.stream;
  std::string slice(kInflateSlice, '\0');
  uint64_t consumed = 0;
  const std::vector<std::string_view> received = Received();
  size_t piece = 0;
  size_t offset = 0;  // in received[piece]
  bool ended = false;
  for (;;) {
    while (piece < received.size() && offset == received[piece].size()) {
      ++piece;
      offset = 0;
    }
    const bool input_left = piece < received.size();
    if (ended) {
      if (!input_left) break;
      // Concatenated gzip members make one body (RFC 1952 §2.2).
      if (inflateReset(&z) != Z_OK) return UnavailableError("cannot inflate the body from " + where_);
      ended = false;
    }
    z.next_in = input_left ? reinterpret_cast<Bytef*>(const_cast<char*>(received[piece].data() + offset)) : nullptr;
    z.avail_in = input_left ? static_cast<uInt>(std::min(received[piece].size() - offset, kLargestZlibInput)) : 0;
    z.next_out = reinterpret_cast<Bytef*>(slice.data());
    z.avail_out = static_cast<uInt>(slice.size());
    const uInt offered = z.avail_in;
    const int rc = inflate(&z, Z_NO_FLUSH);
    const size_t taken = offered - z.avail_in;
    const size_t produced = slice.size() - z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return UnavailableError("the gzip body from " + where_ + " is corrupt (" + (z.msg ? z.msg : "no detail") + ")");
    }
    if (taken == 0 && produced == 0 && rc != Z_STREAM_END) {
      return UnavailableError("the gzip body from " + where_ +
                              (input_left ? " is corrupt (inflate makes no progress)"
                                          : " ends before its gzip stream does (" + Size(compressed) + " received)"));
    }
    offset += taken;
    consumed += taken;
    ended = rc == Z_STREAM_END;
    const uint64_t decoded = body.size() + produced;
    if (decoded > options_.max_body_bytes) return TooLarge("inflates past");
    if (OverRatio(decoded, consumed)) return RatioTooHigh(decoded, consumed);
    body.append(slice.data(), produced);
  }
  return body;
}

bool ResponseBody::OverRatio(uint64_t decoded, uint64_t compressed) const {
  return decoded > options_.inflate_ratio_floor_bytes &&
         static_cast<double>(decoded) >
             static_cast<double>(options_.max_inflate_ratio) * static_cast<double>(compressed);
}

Status ResponseBody::TooLarge(const std::string& what) const {
  return Status(StatusCode::kDataLoss,
                "the response from " + where_ + " " + what + " the " + Size(options_.max_body_bytes) +
                    " cap on one response; if the org really sends responses this large, raise "
                    "connection.max_response_mb in the job file",
                "response.too_large");
}

Status ResponseBody::RatioTooHigh(uint64_t decoded, uint64_t compressed) const {
  const uint64_t ratio = decoded / std::max<uint64_t>(compressed, 1);
  return Status(StatusCode::kDataLoss,
                "the gzip body from " + where_ + " inflates " + std::to_string(ratio) + ":1 (" + Size(decoded) +
                    " from " + Size(compressed) + " so far): over the " + std::to_string(options_.max_inflate_ratio) +
                    ":1 cap past " + Size(options_.inflate_ratio_floor_bytes) +
                    ", a decompression bomb rather than a page; if the org really sends such bodies, raise "
                    "connection.max_inflate_ratio in the job file",
                "response.inflate_ratio");
}

}  // namespace sfsync::salesforce
