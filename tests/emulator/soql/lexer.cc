#include "tests/emulator/soql/lexer.h"

#include <cctype>

#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentPart(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Appends `code_point` as UTF-8.
void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Lexer {
 public:
  Lexer(std::string_view soql, SoqlError* error) : s_(soql), error_(error) {}

  std::optional<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      Token token;
      token.offset = pos_;
      if (pos_ >= s_.size()) {
        tokens.push_back(token);
        return tokens;
      }
      if (!Next(&token)) return std::nullopt;
      token.text = std::string(s_.substr(token.offset, pos_ - token.offset));
      tokens.push_back(std::move(token));
    }
  }

 private:
  bool Fail(size_t offset, std::string detail) {
    *error_ = SoqlError{"MALFORMED_QUERY", std::move(detail), offset};
    return false;
  }

  bool Next(Token* token) {
    char c = s_[pos_];
    if (IsIdentStart(c)) {
      while (pos_ < s_.size() && IsIdentPart(s_[pos_])) ++pos_;
      token->kind = TokenKind::kIdentifier;
      return true;
    }
    if (c == '\'') return String(token);
    if (IsDigit(c) || ((c == '-' || c == '+') && pos_ + 1 < s_.size() && IsDigit(s_[pos_ + 1]))) {
      return NumberOrDate(token);
    }
    ++pos_;
    switch (c) {
      case ',': token->kind = TokenKind::kComma; return true;
      case '.': token->kind = TokenKind::kDot; return true;
      case '(': token->kind = TokenKind::kLeftParen; return true;
      case ')': token->kind = TokenKind::kRightParen; return true;
      case ':': token->kind = TokenKind::kColon; return true;
      case '=': return Operator(token, "=");
      case '!':
        if (pos_ < s_.size() && s_[pos_] == '=') {
          ++pos_;
          return Operator(token, "!=");
        }
        break;
      case '<':
        if (pos_ < s_.size() && (s_[pos_] == '=' || s_[pos_] == '>')) {
          ++pos_;
          return Operator(token, s_[pos_ - 1] == '=' ? "<=" : "!=");
        }
        return Operator(token, "<");
      case '>':
        if (pos_ < s_.size() && s_[pos_] == '=') {
          ++pos_;
          return Operator(token, ">=");
        }
        return Operator(token, ">");
      default: break;
    }
    return Fail(token->offset, "unexpected token: '" + std::string(1, c) + "'");
  }

  bool Operator(Token* token, std::string op) {
    token->kind = TokenKind::kOperator;
    token->value = std::move(op);
    return true;
  }

  // 'text' with SOQL escapes: \n \r \t \b \f \" \' \\ \uXXXX, and \% \_ (literal wildcard
  // characters, meaningful only in LIKE).
  bool String(Token* token) {
    token->kind = TokenKind::kString;
    ++pos_;
    while (true) {
      if (pos_ >= s_.size()) return Fail(token->offset, "unterminated string literal");
      char c = s_[pos_++];
      if (c == '\'') return true;
      if (c != '\\') {
        token->value.push_back(c);
        token->like_pattern.push_back(c);  // an unescaped % or _ stays a wildcard
        continue;
      }
      if (pos_ >= s_.size()) return Fail(token->offset, "unterminated string literal");
      char e = s_[pos_++];
      std::string decoded;
      switch (e) {
        case 'n': decoded = "\n"; break;
        case 'r': decoded = "\r"; break;
        case 't': decoded = "\t"; break;
        case 'b': decoded = "\b"; break;
        case 'f': decoded = "\f"; break;
        case '"': decoded = "\""; break;
        case '\'': decoded = "'"; break;
        case '\\': decoded = "\\"; break;
        case '%':
        case '_':
          token->value.push_back(e);
          token->like_pattern.push_back('\\');
          token->like_pattern.push_back(e);
          continue;
        case 'u': {
          if (pos_ + 4 > s_.size()) return BadEscape(token, e);
          uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            char h = s_[pos_++];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return BadEscape(token, e);
            cp = cp * 16 + static_cast<uint32_t>(IsDigit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
          }
          AppendUtf8(&decoded, cp);
          break;
        }
        default: return BadEscape(token, e);
      }
      token->value += decoded;
      for (char d : decoded) {
        if (d == '\\') token->like_pattern.push_back('\\');
        token->like_pattern.push_back(d);
      }
    }
  }

  bool BadEscape(Token* token, char e) {
    return Fail(token->offset, "Invalid string literal '" +
                                   std::string(s_.substr(token->offset, pos_ - token->offset)) +
                                   "'. Illegal character sequence '\\" + std::string(1, e) +
                                   "' in string literal.");
  }

  // HH:mm:ss[.SSS]Z, the SOQL time literal.
  bool Time(Token* token) {
    size_t start = pos_;
    while (pos_ < s_.size() && (IsDigit(s_[pos_]) || s_[pos_] == ':' || s_[pos_] == '.')) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == 'Z') ++pos_;
    std::string_view text = s_.substr(start, pos_ - start);
    if (!ParseTime(text, &token->value)) {
      return Fail(start, "invalid time literal: '" + std::string(text) + "'");
    }
    token->kind = TokenKind::kTime;
    return true;
  }

  bool NumberOrDate(Token* token) {
    size_t start = pos_;
    if (pos_ + 2 < s_.size() && IsDigit(s_[pos_]) && IsDigit(s_[pos_ + 1]) && s_[pos_ + 2] == ':') {
      return Time(token);
    }
    // A date starts with four digits and a dash: 2024-05-01[T10:00:00[.000](Z|+hh[:]mm)].
    if (pos_ + 5 <= s_.size() && IsDigit(s_[pos_]) && IsDigit(s_[pos_ + 1]) &&
        IsDigit(s_[pos_ + 2]) && IsDigit(s_[pos_ + 3]) && s_[pos_ + 4] == '-') {
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
              s_[pos_] == ':' || s_[pos_] == '.' || s_[pos_] == '+')) {
        ++pos_;
      }
      std::string_view text = s_.substr(start, pos_ - start);
      int64_t days;
      if (ParseDate(text, &days)) {
        token->kind = TokenKind::kDate;
        token->value = std::string(text);
        return true;
      }
      if (ParseDateTime(text, &token->epoch_ms)) {
        token->kind = TokenKind::kDateTime;
        token->value = std::string(text);
        return true;
      }
      return Fail(start, "invalid date or dateTime literal: '" + std::string(text) + "'");
    }
    ++pos_;  // sign or first digit
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && IsDigit(s_[pos_ + 1])) {
      ++pos_;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && IsIdentPart(s_[pos_])) {
      while (pos_ < s_.size() && IsIdentPart(s_[pos_])) ++pos_;
      return Fail(start, "unexpected token: '" + std::string(s_.substr(start, pos_ - start)) + "'");
    }
    token->kind = TokenKind::kNumber;
    token->value = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  std::string_view s_;
  SoqlError* error_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<Token>> Tokenize(std::string_view soql, SoqlError* error) {
  return Lexer(soql, error).Run();
}

}  // namespace sfsync::emulator
