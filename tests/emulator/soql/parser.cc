#include "tests/emulator/soql/parser.h"

#include <strings.h>

#include <array>
#include <charconv>

#include "tests/emulator/soql/lexer.h"

namespace sfsync::emulator {
namespace {

// SOQL reserved words cannot name a field or be an alias.
constexpr std::array<std::string_view, 22> kReservedWords = {
    "AND",  "ASC",  "BY",    "DESC",   "EXCLUDES", "FIRST",  "FROM",   "GROUP",
    "HAVING", "IN", "INCLUDES", "LAST", "LIKE",    "LIMIT",  "NOT",    "NULL",
    "NULLS", "OR",  "ORDER", "SELECT", "WHERE",    "WITH"};

// Clauses Salesforce accepts after FROM that the emulator does not implement.
constexpr std::array<std::string_view, 7> kUnsupportedClauses = {
    "HAVING", "OFFSET", "FOR", "WITH", "USING", "UPDATE", "TYPEOF"};

class Parser {
 public:
  Parser(std::vector<Token> tokens, SoqlError* error)
      : tokens_(std::move(tokens)), error_(error) {}

  std::optional<SoqlQuery> Run() {
    SoqlQuery query;
    if (!Query(&query, /*nested=*/false)) return std::nullopt;
    if (Peek().kind != TokenKind::kEnd) return Trailing(query);
    return query;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }

  static bool IsKeyword(const Token& token, std::string_view keyword) {
    return token.kind == TokenKind::kIdentifier && token.text.size() == keyword.size() &&
           strncasecmp(token.text.data(), keyword.data(), keyword.size()) == 0;
  }

  static bool IsReserved(const Token& token) {
    for (std::string_view word : kReservedWords) {
      if (IsKeyword(token, word)) return true;
    }
    return false;
  }

  bool Fail(size_t offset, std::string detail) {
    *error_ = SoqlError{"MALFORMED_QUERY", std::move(detail), offset};
    return false;
  }

  bool Unexpected(const Token& token) {
    return Fail(token.offset, "unexpected token: '" +
                                  (token.kind == TokenKind::kEnd ? "<EOF>" : token.text) + "'");
  }

  // Valid SOQL the emulator does not implement: same error code, plus a hint for developers.
  bool Unsupported(const Token& token, const std::string& feature) {
    return Fail(token.offset, "unexpected token: '" + token.text + "' (" + feature +
                                  " are not supported by sfsync-emulator)");
  }

  std::nullopt_t Trailing(const SoqlQuery& query) {
    for (std::string_view clause : kUnsupportedClauses) {
      if (IsKeyword(Peek(), clause)) {
        Unsupported(Peek(), std::string(clause) + " clauses");
        return std::nullopt;
      }
    }
    if (Peek().kind == TokenKind::kIdentifier && pos_ > 0 &&
        tokens_[pos_ - 1].offset == query.object_offset) {
      Unsupported(Peek(), "object aliases");
    } else {
      Unexpected(Peek());
    }
    return std::nullopt;
  }

  bool ExpectKeyword(std::string_view keyword) {
    if (!IsKeyword(Peek(), keyword)) return Unexpected(Peek());
    ++pos_;
    return true;
  }

  bool Expect(TokenKind kind) {
    if (Peek().kind != kind) return Unexpected(Peek());
    ++pos_;
    return true;
  }

  // SELECT ... [LIMIT n]; a nested query ends before its closing parenthesis.
  bool Query(SoqlQuery* query, bool nested) {
    if (!ExpectKeyword("SELECT") || !SelectList(query, nested) || !ExpectKeyword("FROM")) {
      return false;
    }
    // `FROM Group` names the Group object (queues): GROUP is a clause only when BY follows.
    bool group_object = IsKeyword(Peek(), "GROUP") && !IsKeyword(Peek(1), "BY");
    if (Peek().kind != TokenKind::kIdentifier || (IsReserved(Peek()) && !group_object)) return Unexpected(Peek());
    query->object = Peek().text;
    query->object_offset = Peek().offset;
    ++pos_;
    if (IsKeyword(Peek(), "WHERE")) {
      ++pos_;
      Condition where;
      if (!ConditionExpr(&where)) return false;
      query->where = std::move(where);
    }
    if (IsKeyword(Peek(), "GROUP")) {
      query->group_by_offset = Peek().offset;
      ++pos_;
      if (!ExpectKeyword("BY")) return false;
      while (true) {
        Expr expr;
        if (!Expression(&expr)) return false;
        query->group_by.push_back(std::move(expr));
        if (Peek().kind != TokenKind::kComma) break;
        ++pos_;
      }
    }
    if (IsKeyword(Peek(), "ORDER")) {
      ++pos_;
      if (!ExpectKeyword("BY") || !OrderBy(query)) return false;
    }
    if (IsKeyword(Peek(), "LIMIT")) {
      ++pos_;
      const Token& n = Peek();
      int64_t limit = -1;
      if (n.kind != TokenKind::kNumber ||
          std::from_chars(n.value.data(), n.value.data() + n.value.size(), limit).ptr !=
              n.value.data() + n.value.size() ||
          limit < 0) {
        return Unexpected(n);
      }
      query->limit = limit;
      ++pos_;
    }
    if (nested && Peek().kind != TokenKind::kRightParen) {
      Trailing(*query);
      return false;
    }
    return true;
  }

  bool SelectList(SoqlQuery* query, bool nested) {
    if (IsKeyword(Peek(), "COUNT") && Peek(1).kind == TokenKind::kLeftParen &&
        Peek(2).kind == TokenKind::kRightParen) {
      pos_ += 3;
      query->count_only = true;
      return true;
    }
    while (true) {
      SelectItem item;
      item.offset = Peek().offset;
      if (Peek().kind == TokenKind::kLeftParen) {
        if (nested) return Unsupported(Peek(), "sub-queries inside sub-queries");
        ++pos_;
        auto subquery = std::make_shared<SoqlQuery>();
        if (!Query(subquery.get(), /*nested=*/true) || !Expect(TokenKind::kRightParen)) {
          return false;
        }
        item.subquery = std::move(subquery);
      } else if (IsKeyword(Peek(), "TYPEOF") && Peek(1).kind == TokenKind::kIdentifier) {
        return Unsupported(Peek(), "TYPEOF expressions");
      } else {
        if (!Expression(&item.expr)) return false;
        if (Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek())) {
          item.alias = Peek().text;
          item.alias_offset = Peek().offset;
          ++pos_;
        }
      }
      query->select.push_back(std::move(item));
      if (Peek().kind != TokenKind::kComma) return true;
      ++pos_;
    }
  }

  // A field path, or a supported function applied to one.
  bool Expression(Expr* expr) {
    expr->offset = Peek().offset;
    if (Peek().kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kLeftParen) {
      const Token& name = Peek();
      std::optional<Function> function = FunctionNamed(name.text);
      if (!function) return Unsupported(name, "functions such as " + name.text + "()");
      expr->function = *function;
      expr->function_name = name.text;
      pos_ += 2;
      if (Peek().kind == TokenKind::kRightParen) {
        // COUNT() is only valid alone (count_only); elsewhere a field is required.
        return Unexpected(Peek());
      }
      if (Peek().kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kLeftParen) {
        return Unsupported(Peek(), "nested functions");
      }
      return Field(&expr->field) && Expect(TokenKind::kRightParen);
    }
    return Field(&expr->field);
  }

  bool Field(FieldPath* field) {
    if (Peek().kind != TokenKind::kIdentifier || IsReserved(Peek())) return Unexpected(Peek());
    field->offset = Peek().offset;
    while (true) {
      field->parts.push_back(Peek().text);
      field->text += Peek().text;
      ++pos_;
      if (Peek().kind != TokenKind::kDot) return true;
      ++pos_;
      if (Peek().kind != TokenKind::kIdentifier) return Unexpected(Peek());
      field->text += ".";
    }
  }

  bool ConditionExpr(Condition* out) {
    if (IsKeyword(Peek(), "NOT")) {
      ++pos_;
      Condition operand;
      if (!Operand(&operand)) return false;
      if (IsKeyword(Peek(), "AND") || IsKeyword(Peek(), "OR")) return Unexpected(Peek());
      out->kind = Condition::Kind::kNot;
      out->children.push_back(std::move(operand));
      return true;
    }
    Condition first;
    if (!Operand(&first)) return false;
    std::string_view joiner = IsKeyword(Peek(), "AND") ? "AND" : IsKeyword(Peek(), "OR") ? "OR" : "";
    if (joiner.empty()) {
      *out = std::move(first);
      return true;
    }
    out->kind = joiner == "AND" ? Condition::Kind::kAnd : Condition::Kind::kOr;
    out->children.push_back(std::move(first));
    while (IsKeyword(Peek(), joiner)) {
      ++pos_;
      Condition next;
      if (!Operand(&next)) return false;
      out->children.push_back(std::move(next));
    }
    // Mixing AND and OR needs parentheses in SOQL.
    if (IsKeyword(Peek(), "AND") || IsKeyword(Peek(), "OR")) return Unexpected(Peek());
    return true;
  }

  bool Operand(Condition* out) {
    if (Peek().kind == TokenKind::kLeftParen) {
      ++pos_;
      if (IsKeyword(Peek(), "SELECT")) return Unsupported(Peek(), "semi-join sub-queries");
      return ConditionExpr(out) && Expect(TokenKind::kRightParen);
    }
    out->kind = Condition::Kind::kCompare;
    if (!Expression(&out->left)) return false;
    const Token& op = Peek();
    if (op.kind == TokenKind::kOperator) {
      static const std::array<std::pair<std::string_view, CompareOp>, 6> kOps = {{
          {"=", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
          {"<=", CompareOp::kLe}, {">", CompareOp::kGt}, {">=", CompareOp::kGe}}};
      for (const auto& [text, value] : kOps) {
        if (op.value == text) out->op = value;
      }
      ++pos_;
      return Value(out);
    }
    if (IsKeyword(op, "LIKE")) {
      ++pos_;
      out->op = CompareOp::kLike;
      return Value(out);
    }
    if (IsKeyword(op, "IN") || (IsKeyword(op, "NOT") && IsKeyword(Peek(1), "IN"))) {
      out->op = IsKeyword(op, "IN") ? CompareOp::kIn : CompareOp::kNotIn;
      pos_ += out->op == CompareOp::kIn ? 1 : 2;
      if (Peek().kind == TokenKind::kLeftParen && IsKeyword(Peek(1), "SELECT")) {
        return Unsupported(Peek(1), "semi-join sub-queries");
      }
      if (!Expect(TokenKind::kLeftParen)) return false;
      while (true) {
        if (!Value(out)) return false;
        if (Peek().kind != TokenKind::kComma) break;
        ++pos_;
      }
      return Expect(TokenKind::kRightParen);
    }
    if (IsKeyword(op, "INCLUDES") || IsKeyword(op, "EXCLUDES")) {
      return Unsupported(op, "INCLUDES/EXCLUDES");
    }
    return Unexpected(op);
  }

  bool Value(Condition* out) {
    const Token& t = Peek();
    Literal literal;
    literal.text = t.text;
    literal.offset = t.offset;
    literal.value = t.value;
    switch (t.kind) {
      case TokenKind::kString:
        literal.kind = LiteralKind::kString;
        literal.like_pattern = t.like_pattern;
        break;
      case TokenKind::kNumber: literal.kind = LiteralKind::kNumber; break;
      case TokenKind::kDate: literal.kind = LiteralKind::kDate; break;
      case TokenKind::kTime: literal.kind = LiteralKind::kTime; break;
      case TokenKind::kDateTime:
        literal.kind = LiteralKind::kDateTime;
        literal.epoch_ms = t.epoch_ms;
        break;
      case TokenKind::kColon: return Unsupported(t, "bind variables");
      case TokenKind::kIdentifier:
        if (IsKeyword(t, "null")) {
          literal.kind = LiteralKind::kNull;
        } else if (IsKeyword(t, "true")) {
          literal.kind = LiteralKind::kTrue;
        } else if (IsKeyword(t, "false")) {
          literal.kind = LiteralKind::kFalse;
        } else {
          return Unsupported(t, "date literals such as TODAY or LAST_N_DAYS:n");
        }
        break;
      default: return Unexpected(t);
    }
    ++pos_;
    out->values.push_back(std::move(literal));
    return true;
  }

  bool OrderBy(SoqlQuery* query) {
    while (true) {
      OrderItem item;
      if (!Expression(&item.expr)) return false;
      if (IsKeyword(Peek(), "ASC")) {
        ++pos_;
      } else if (IsKeyword(Peek(), "DESC")) {
        item.descending = true;
        ++pos_;
      }
      if (IsKeyword(Peek(), "NULLS")) {
        ++pos_;
        if (IsKeyword(Peek(), "FIRST")) {
          item.nulls = OrderItem::Nulls::kFirst;
        } else if (IsKeyword(Peek(), "LAST")) {
          item.nulls = OrderItem::Nulls::kLast;
        } else {
          return Unexpected(Peek());
        }
        ++pos_;
      }
      query->order_by.push_back(std::move(item));
      if (Peek().kind != TokenKind::kComma) return true;
      ++pos_;
    }
  }

  std::vector<Token> tokens_;
  SoqlError* error_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<SoqlQuery> ParseSoql(std::string_view soql, SoqlError* error) {
  std::optional<std::vector<Token>> tokens = Tokenize(soql, error);
  if (!tokens) return std::nullopt;
  return Parser(std::move(*tokens), error).Run();
}

}  // namespace sfsync::emulator
