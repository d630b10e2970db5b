#include "engine/config/soql_condition.h"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "engine/config/diagnostics.h"

namespace sfsync::config {
namespace {

using Kind = ConditionTokenKind;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsWordStart(char c) { return IsLetter(c) || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '.'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    if (x != b[i]) return false;  // `b` is upper case
  }
  return true;
}

// "column 7", or "line 2, column 3" once the condition spans lines; columns count characters.
std::string Where(std::string_view text, size_t offset) {
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if (!IsUtf8Continuation(text[i])) {
      ++column;
    }
  }
  const bool multi_line = text.find('\n') != std::string_view::npos;
  return multi_line ? fmt::format("line {}, column {}", line, column) : fmt::format("column {}", column);
}

// `text` matches `pattern`, where 'D' stands for a digit and every other character for itself.
bool Matches(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'D' ? !IsDigit(text[i]) : text[i] != pattern[i]) return false;
  }
  return true;
}

bool IsNumber(std::string_view t) {
  size_t i = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  const size_t int_start = i;
  while (i < t.size() && IsDigit(t[i])) ++i;
  if (i == int_start) return false;
  if (i == t.size()) return true;
  if (t[i] != '.' || i + 1 == t.size()) return false;
  for (++i; i < t.size(); ++i) {
    if (!IsDigit(t[i])) return false;
  }
  return true;
}

// YYYY-MM-DDThh:mm:ss, then optional .fff (1-3 digits), then Z, +hh:mm, -hh:mm, +hhmm or -hhmm.
bool IsDateTime(std::string_view t) {
  if (t.size() < 20 || !Matches(t.substr(0, 19), "DDDD-DD-DDTDD:DD:DD")) return false;
  std::string_view rest = t.substr(19);
  if (rest[0] == '.') {
    size_t digits = 1;
    while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
    if (digits == 1 || digits > 4) return false;
    rest.remove_prefix(digits);
  }
  if (rest == "Z") return true;
  return !rest.empty() && (rest[0] == '+' || rest[0] == '-') &&
         (Matches(rest.substr(1), "DD:DD") || Matches(rest.substr(1), "DDDD"));
}

struct ClauseKeyword {
  std::string_view first;
  std::array<std::string_view, 3> second;  // the word that must follow; all empty: none
};

// Keywords that would end a WHERE clause (the clauses that may follow it in a SOQL SELECT).
constexpr ClauseKeyword kClauseKeywords[] = {
    {"ORDER", {"BY"}},
    {"GROUP", {"BY"}},
    {"LIMIT", {}},
    {"OFFSET", {}},
    {"HAVING", {}},
    {"WITH", {}},
    {"FOR", {"VIEW", "UPDATE", "REFERENCE"}},
    {"USING", {"SCOPE"}},
    {"UPDATE", {"TRACKING", "VIEWSTAT"}},
    {"FROM", {}},
    {"SELECT", {}},
};

// The clause keyword starting at tokens[i] ("ORDER BY"), if one does.
std::optional<std::string> ClauseKeywordAt(const std::vector<ConditionToken>& tokens, size_t i) {
  for (const ClauseKeyword& k : kClauseKeywords) {
    if (!EqualsIgnoreCase(tokens[i].text, k.first)) continue;
    if (k.second[0].empty()) return std::string(k.first);
    if (i + 1 == tokens.size() || tokens[i + 1].kind != Kind::kWord) continue;
    for (std::string_view second : k.second) {
      if (!second.empty() && EqualsIgnoreCase(tokens[i + 1].text, second)) {
        return fmt::format("{} {}", k.first, second);
      }
    }
  }
  return std::nullopt;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  ConditionScan Run() && {
    while (true) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      if (pos_ == text_.size() || !Next()) break;
    }
    return std::move(scan_);
  }

 private:
  bool Next() {
    const size_t start = pos_;
    const char c = text_[pos_];
    const char after = start + 1 < text_.size() ? text_[start + 1] : '\0';
    if (c == '\'') return String();
    if (IsWordStart(c)) return Word();
    if (IsDigit(c) || ((c == '+' || c == '-') && IsDigit(after))) return NumberOrDate();
    switch (c) {
      case '(':
        return Emit(Kind::kOpenParen, 1);
      case ')':
        return Emit(Kind::kCloseParen, 1);
      case ',':
        return Emit(Kind::kComma, 1);
      case '=':
        return Emit(Kind::kOperator, 1);
      case '<':
        return Emit(Kind::kOperator, after == '=' || after == '>' ? 2 : 1);
      case '>':
        return Emit(Kind::kOperator, after == '=' ? 2 : 1);
      case '!':
        if (after == '=') return Emit(Kind::kOperator, 2);
        return Fail(start, "'!'", " is not SOQL: write != for 'not equal', or NOT before a condition");
      case ';':
        return Fail(start, "';'", " is not allowed: a where holds one condition, not statements; remove it");
      case '"':
        return Fail(start, "a double quote",
                    " is not SOQL outside a string: SOQL strings are written in single quotes ('text')");
      case ':':
        return Fail(start, "':'",
                    " is not allowed: only date literals take an argument (LAST_N_DAYS:30); bind variables (:name) "
                    "are Apex only");
    }
    size_t end = start + 1;
    while (end < text_.size() && IsUtf8Continuation(text_[end])) ++end;
    return Fail(start, QuoteForMessage(text_.substr(start, end - start)),
                " is not SOQL outside a string literal: quote it ('...') if it is a value");
  }

  bool Emit(Kind kind, size_t length) {
    scan_.tokens.push_back(ConditionToken{kind, text_.substr(pos_, length), pos_});
    pos_ += length;
    return true;
  }

  // Records "<what> at <where `offset` is><why>" as the problem.
  bool Fail(size_t offset, std::string_view what, std::string_view why) {
    scan_.problem = fmt::format("{} at {}{}", what, Where(text_, offset), why);
    return false;
  }

  bool String() {
    const size_t start = pos_;
    for (size_t i = start + 1; i < text_.size(); ++i) {
      if (text_[i] == '\'') {
        return Emit(Kind::kString, i + 1 - start);
      }
      if (text_[i] != '\\') continue;
      const char e = i + 1 < text_.size() ? text_[i + 1] : '\0';
      if (e == 'u') {
        const std::string_view hex = text_.substr(i + 2, 4);
        if (hex.size() < 4 || !IsHexDigit(hex[0]) || !IsHexDigit(hex[1]) || !IsHexDigit(hex[2]) ||
            !IsHexDigit(hex[3])) {
          return Fail(i, "'\\u'", " needs four hex digits (\\u00e9)");
        }
        i += 5;
      } else if (e != '\0' && std::string_view("nNrRtTbBfF\"'\\_%").find(e) != std::string_view::npos) {
        ++i;
      } else {
        const bool printable = e > ' ' && e <= '~';
        return Fail(i, printable ? fmt::format("'\\{}'", e) : std::string("a backslash"),
                    " is not a SOQL escape: use \\' \\\" \\\\ \\n \\r \\t \\b \\f \\_ \\% or \\uXXXX");
      }
    }
    return Fail(start, "the string starting",
                " is never closed: end it with ' (a quote inside a string is written \\')");
  }

  bool Word() {
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    if (end == text_.size() || text_[end] != ':') return Emit(Kind::kWord, end - pos_);
    size_t digits_end = end + 1;
    while (digits_end < text_.size() && IsDigit(text_[digits_end])) ++digits_end;
    if (digits_end == end + 1) {
      return Fail(end, "':'", " must be followed by a number, as in LAST_N_DAYS:30");
    }
    return Emit(Kind::kDateLiteral, digits_end - pos_);
  }

  bool NumberOrDate() {
    size_t end = pos_ + 1;
    while (end < text_.size() &&
           (IsWordChar(text_[end]) || text_[end] == ':' || text_[end] == '+' || text_[end] == '-')) {
      ++end;
    }
    const std::string_view t = text_.substr(pos_, end - pos_);
    if (IsNumber(t)) return Emit(Kind::kNumber, t.size());
    if (Matches(t, "DDDD-DD-DD")) return Emit(Kind::kDate, t.size());
    if (IsDateTime(t)) return Emit(Kind::kDateTime, t.size());
    return Fail(pos_, QuoteForMessage(t),
                " is not a number (42, -1.5), a date (2024-01-31) or a datetime (2024-01-31T00:00:00Z, unquoted)");
  }

  const std::string_view text_;
  size_t pos_ = 0;
  ConditionScan scan_;
};

}  // namespace

ConditionScan ScanCondition(std::string_view condition) { return Scanner(condition).Run(); }

std::string ConditionProblem(std::string_view condition) {
  ConditionScan scan = ScanCondition(condition);
  if (!scan.problem.empty()) return scan.problem;
  std::vector<size_t> open;  // offsets of the '(' not closed yet
  for (size_t i = 0; i < scan.tokens.size(); ++i) {
    const ConditionToken& t = scan.tokens[i];
    if (t.kind == Kind::kOpenParen) {
      open.push_back(t.offset);
    } else if (t.kind == Kind::kCloseParen) {
      if (open.empty()) {
        return fmt::format(
            "')' at {} closes a parenthesis that was never opened: sfsync puts the condition in parentheses and "
            "ANDs its own, so the condition's parentheses must balance",
            Where(condition, t.offset));
      }
      open.pop_back();
    } else if (t.kind == Kind::kWord && open.empty()) {
      if (std::optional<std::string> keyword = ClauseKeywordAt(scan.tokens, i)) {
        const bool query = *keyword == "SELECT" || *keyword == "FROM";
        return fmt::format("{} at {} would end the WHERE clause: a where holds a condition only{}", *keyword,
                           Where(condition, t.offset),
                           query ? "; a subquery goes in parentheses: Id IN (SELECT AccountId FROM Contact)"
                                 : ", sfsync builds the rest of the query");
      }
    }
  }
  if (!open.empty()) {
    return fmt::format("'(' at {} is never closed: add the ')' that ends it", Where(condition, open.back()));
  }
  return "";
}

}  // namespace sfsync::config
