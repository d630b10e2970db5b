#include "tests/emulator/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace sfsync::emulator {
namespace {

// `digits` holds std::to_chars' shortest scientific form, e.g. "1.39e+08" or "5e-05";
// rewrites it the way Java prints it: "1.39E8", "5.0E-5".
void AppendJavaScientific(std::string* out, std::string_view digits) {
  size_t e = digits.find('e');
  std::string_view mantissa = digits.substr(0, e);
  std::string_view exponent = digits.substr(e + 1);
  out->append(mantissa);
  if (mantissa.find('.') == std::string_view::npos) out->append(".0");
  out->push_back('E');
  if (exponent[0] == '-') out->push_back('-');
  size_t first = 1;
  while (first + 1 < exponent.size() && exponent[first] == '0') ++first;
  out->append(exponent.substr(first));
}

}  // namespace

namespace {

// kNeedsEscape[c] is true for the bytes a JSON string cannot hold raw.
constexpr std::array<bool, 256> MakeEscapeTable() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<size_t>(c)] = true;
  table['"'] = table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = MakeEscapeTable();

}  // namespace

void AppendJsonString(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (!kNeedsEscape[c]) continue;
    out->append(value.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(escape, sizeof(escape));
      }
    }
  }
  out->append(value.data() + run_start, value.size() - run_start);
  out->push_back('"');
}

void AppendJsonDouble(std::string* out, double value, NumberStyle style) {
  if (!std::isfinite(value)) {  // JSON has no NaN/Infinity; never stored by the emulator
    out->append("null");
    return;
  }
  char buf[64];
  double magnitude = std::fabs(value);
  bool scientific = style == NumberStyle::kJava && magnitude != 0.0 &&
                    (magnitude >= 1e7 || magnitude < 1e-3);
  auto format = scientific ? std::chars_format::scientific : std::chars_format::fixed;
  std::to_chars_result result = std::to_chars(buf, buf + sizeof(buf), value, format);
  if (result.ec != std::errc()) {  // longer than 64 chars in fixed form
    result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
    scientific = true;
  }
  std::string_view digits(buf, static_cast<size_t>(result.ptr - buf));
  if (scientific) {
    AppendJavaScientific(out, digits);
    return;
  }
  out->append(digits);
  if (digits.find('.') == std::string_view::npos) out->append(".0");
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (has_members_[depth_]) out_->push_back(',');
    has_members_[depth_] = true;
  }
}

void JsonWriter::Open(char bracket) {
  BeforeValue();
  out_->push_back(bracket);
  ++depth_;
  has_members_[depth_] = false;
}

void JsonWriter::Close(char bracket) {
  out_->push_back(bracket);
  --depth_;
}

void JsonWriter::Key(std::string_view key) {
  if (has_members_[depth_]) out_->push_back(',');
  has_members_[depth_] = true;
  AppendJsonString(out_, key);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(out_, value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  std::to_chars_result result = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, static_cast<size_t>(result.ptr - buf));
}

void JsonWriter::Double(double value) {
  BeforeValue();
  AppendJsonDouble(out_, value, style_);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
}

}  // namespace sfsync::emulator
