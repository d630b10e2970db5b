// A hand-written, append-only JSON writer. Query pages are rendered with it rather than with a
// DOM library: a 2000-record page is built straight into one string (BUILD-NOTES.md measured
// DOM libraries 20-30x slower than what a client can parse).
//
// Strings are escaped per RFC 8259 (quote, backslash, control characters); other bytes,
// including UTF-8 sequences, pass through unchanged.
#ifndef SFSYNC_TESTS_EMULATOR_JSON_WRITER_H_
#define SFSYNC_TESTS_EMULATOR_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace sfsync::emulator {

// How double, currency and percent values are written (protocol §2.4; the exact Salesforce
// rendering is unverified, so it is a flag).
enum class NumberStyle {
  kDecimal,  // always plain decimal with a fraction: 15000.0, 139000000.0, 0.25
  kJava,     // Java Double.toString: 15000.0, but 1.39E8 from 1e7 up and 1.0E-4 below 1e-3
};

void AppendJsonString(std::string* out, std::string_view value);
void AppendJsonDouble(std::string* out, double value, NumberStyle style);

// Writes one JSON value into `out`. Callers pair Begin/End calls and put Key() before every
// member of an object; the writer places the commas. Not thread-safe.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out, NumberStyle style = NumberStyle::kDecimal)
      : out_(out), style_(style) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  // Appends an already-rendered JSON value.
  void Raw(std::string_view json);

 private:
  static constexpr int kMaxDepth = 64;

  void BeforeValue();
  void Open(char bracket);
  void Close(char bracket);

  std::string* out_;
  NumberStyle style_;
  // has_members_[d] is true once the container at depth d holds a value.
  bool has_members_[kMaxDepth] = {};
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_JSON_WRITER_H_
