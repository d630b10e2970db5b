// What the record and aggregate planners share: resolving field paths against the schema
// (parent paths become LEFT JOINs, numbered t0, t1, ...), the SQL of a field or date function,
// and the translation of WHERE conditions. Internal to soql/.
//
// A polymorphic relationship (Owner of a Lead, What and Who of a Task) resolves against the
// `Name` object (NameObject()), as in Salesforce: its join is one LEFT JOIN per target object
// (t1_0, t1_1, ...; an Id matches in one table at most, its key prefix being the table's), and
// a Name field's SQL is the target's field of that name (Name: the target's name field, such as
// Case.CaseNumber; Type: the object's name, a Group's own Type for a queue) from whichever target
// matched, NULL where the target has no such field.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_QUERY_SCOPE_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_QUERY_SCOPE_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"
#include "tests/emulator/soql/ast.h"
#include "tests/emulator/soql/soql_error.h"

namespace sfsync::emulator {

struct ResolvedField {
  int join = 0;
  const FieldDef* field = nullptr;
  std::vector<const FieldDef*> relationships;  // the reference fields walked, root first
  std::vector<int> joins;                      // the join of each relationship
};

class QueryScope {
 public:
  // `root` is the FROM object; `error` receives the first failure.
  QueryScope(const Schema& schema, const ObjectDef* root, SoqlError* error);

  const Schema& schema() const { return schema_; }
  const ObjectDef* root() const { return joins_[0].object; }
  const ObjectDef* object(int join) const { return joins_[static_cast<size_t>(join)].object; }
  // True for the join of a polymorphic relationship, whose object() is the Name object.
  bool polymorphic(int join) const { return !joins_[static_cast<size_t>(join)].targets.empty(); }
  // A polymorphic join's SQL for the referenced record's real type ('User', 'Group', ...): what
  // a nested parent's attributes.type shows (protocol §2.3).
  std::string TypeColumn(int join) const;
  // Every object the joins read.
  std::set<std::string> ObjectNames() const;

  // Fills `error` and returns false / nullopt, for one-line error returns.
  bool Fail(std::string code, size_t offset, std::string detail);

  bool Resolve(const FieldPath& path, ResolvedField* out);
  // Marks the joins `r` needs as used.
  static void Use(const ResolvedField& r, std::set<int>* used);
  // SQL of the field's value: its column, or its formula.
  std::string Column(const ResolvedField& r) const { return Column(r.join, *r.field); }
  std::string Column(int join, const FieldDef& field) const;
  std::string Column(int join, const std::string& name) const;
  // SQL of `function` (kNone or a date function) applied to the field.
  static std::string DateFunctionSql(Function function, const FieldDef& field, const std::string& column);
  // The type a date function yields (CALENDAR_* int, DAY_ONLY date), or the field's own type.
  static FieldType DateFunctionType(Function function, FieldType field_type);
  // Checks that `expr` is a field or a date function the field supports.
  bool CheckDateFunction(const Expr& expr, const FieldDef& field);
  // LEFT JOINs of the used joins, parents before children.
  std::string JoinSql(const std::set<int>& used) const;

  // Translates a WHERE condition; appends parameters and marks joins.
  bool Where(const Condition& c, std::string* sql, std::vector<Value>* params, std::set<int>* used);

 private:
  struct Target {
    std::string alias;
    const ObjectDef* object;
  };
  struct Join {
    std::string alias;
    int parent = -1;                // index of the join it hangs off; -1 for the root
    const FieldDef* via = nullptr;  // the reference field on the parent join's object
    const ObjectDef* object = nullptr;
    std::vector<Target> targets;  // polymorphic: one table per target, `object` is Name
  };

  // The SQL of Name field `field` over a polymorphic join's targets.
  std::string PolymorphicColumn(const Join& join, const FieldDef& field) const;

  int JoinFor(int parent, const FieldDef* via);
  bool Bindable(const Literal& literal, FieldType type, const std::string& name, Value* value);
  bool Comparison(const Condition& c, const ResolvedField& r, std::string* sql, std::vector<Value>* params);

  const Schema& schema_;
  SoqlError* error_;
  std::vector<Join> joins_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_QUERY_SCOPE_H_
