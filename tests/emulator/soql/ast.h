// The parsed form of the SOQL subset the emulator supports (see README "SOQL subset").
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_AST_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_AST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sfsync::emulator {

// A field as written: `Name`, `Account.Name`, `Owner.Profile.Name`.
struct FieldPath {
  std::vector<std::string> parts;
  size_t offset = 0;
  std::string text;  // the dotted path as written
};

enum class LiteralKind { kString, kNumber, kDate, kDateTime, kNull, kTrue, kFalse };

struct Literal {
  LiteralKind kind = LiteralKind::kNull;
  std::string text;          // as written
  std::string value;         // kString: decoded; kNumber/kDate: the text
  std::string like_pattern;  // kString
  int64_t epoch_ms = 0;      // kDateTime
  size_t offset = 0;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe, kLike, kIn, kNotIn };

struct Condition {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<Condition> children;  // kAnd, kOr (two or more), kNot (one)
  // kCompare:
  FieldPath field;
  CompareOp op = CompareOp::kEq;
  std::vector<Literal> values;  // one, or the IN list
};

struct OrderItem {
  enum class Nulls { kDefault, kFirst, kLast };
  FieldPath field;
  bool descending = false;
  Nulls nulls = Nulls::kDefault;
};

struct SoqlQuery {
  bool count_only = false;  // SELECT COUNT() FROM ...
  std::vector<FieldPath> fields;
  std::string object;
  size_t object_offset = 0;
  std::optional<Condition> where;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_AST_H_
