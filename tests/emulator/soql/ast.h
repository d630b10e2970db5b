// The parsed form of the SOQL subset the emulator supports (see README "Queries").
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_AST_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfsync::emulator {

// A field as written: `Name`, `Account.Name`, `Owner.Profile.Name`.
struct FieldPath {
  std::vector<std::string> parts;
  size_t offset = 0;
  std::string text;  // the dotted path as written
};

// The functions the emulator implements: aggregates and date functions (which work in UTC, as
// Salesforce's do without convertTimezone()).
enum class Function {
  kNone,
  kCount,  // COUNT(field); a bare COUNT() is SoqlQuery::count_only
  kCountDistinct,
  kMin,
  kMax,
  kSum,
  kAvg,
  kCalendarYear,
  kCalendarMonth,
  kDayOnly,
};

bool IsAggregate(Function function);
// Nullopt for names the emulator does not implement. Case-insensitive.
std::optional<Function> FunctionNamed(std::string_view name);

// A field, or a function of one: `Name`, `CALENDAR_MONTH(CreatedDate)`, `COUNT(Id)`.
struct Expr {
  Function function = Function::kNone;
  std::string function_name;  // as written
  FieldPath field;
  size_t offset = 0;  // where the expression starts
};

enum class LiteralKind { kString, kNumber, kDate, kDateTime, kTime, kNull, kTrue, kFalse };

struct Literal {
  LiteralKind kind = LiteralKind::kNull;
  std::string text;          // as written
  std::string value;         // kString: decoded; kNumber/kDate/kTime: the text
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
  Expr left;
  CompareOp op = CompareOp::kEq;
  std::vector<Literal> values;  // one, or the IN list
};

struct OrderItem {
  enum class Nulls { kDefault, kFirst, kLast };
  Expr expr;
  bool descending = false;
  Nulls nulls = Nulls::kDefault;
};

struct SoqlQuery;

// One element of the SELECT list.
struct SelectItem {
  Expr expr;  // unless a sub-query
  // `(SELECT ... FROM Contacts ...)`: a parent-to-child sub-query, FROM naming a child
  // relationship of the outer object.
  std::shared_ptr<const SoqlQuery> subquery;
  std::string alias;  // `COUNT(Id) total`; only aggregate queries may alias
  size_t alias_offset = 0;
  size_t offset = 0;
};

struct SoqlQuery {
  bool count_only = false;  // SELECT COUNT() FROM ...
  std::vector<SelectItem> select;
  std::string object;
  size_t object_offset = 0;
  std::optional<Condition> where;
  std::vector<Expr> group_by;
  size_t group_by_offset = 0;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_AST_H_
