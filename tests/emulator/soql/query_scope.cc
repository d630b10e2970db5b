#include "tests/emulator/soql/query_scope.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

// The type name Salesforce uses in "value of filter criterion" errors.
std::string_view FilterTypeName(FieldType type) {
  switch (type) {
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kInt:
      return "int";
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent:
      return "double";
    case FieldType::kDate:
      return "date";
    case FieldType::kDateTime:
      return "dateTime";
    case FieldType::kTime:
      return "time";
    case FieldType::kId:
    case FieldType::kReference:
      return "id";
    default:
      return "string";
  }
}

// Which targets a Name field takes its value from, as the Name object's reference describes
// each field: Id, Type and the name fields from any record, first and last names from people, Email
// from users and queues, the rest "only if the related record is a user".
bool NameFieldComesFrom(std::string_view field, std::string_view object) {
  if (field == "Id" || field == "Name" || field == "NameOrAlias" || field == "Type") return true;
  if (field == "FirstName" || field == "LastName") return object == "User" || object == "Contact" || object == "Lead";
  if (field == "Email") return object == "User" || object == "Group";
  return object == "User";
}

bool IsNumeric(FieldType type) {
  return type == FieldType::kInt || type == FieldType::kDouble || type == FieldType::kCurrency ||
         type == FieldType::kPercent;
}

}  // namespace

QueryScope::QueryScope(const Schema& schema, const ObjectDef* root, SoqlError* error) : schema_(schema), error_(error) {
  joins_.push_back(Join{"t0", -1, nullptr, root, {}});
}

std::set<std::string> QueryScope::ObjectNames() const {
  std::set<std::string> names;
  for (const Join& join : joins_) {
    if (join.targets.empty()) names.insert(join.object->name);
    for (const Target& target : join.targets) names.insert(target.object->name);
  }
  return names;
}

bool QueryScope::Fail(std::string code, size_t offset, std::string detail) {
  *error_ = SoqlError{std::move(code), std::move(detail), offset};
  return false;
}

int QueryScope::JoinFor(int parent, const FieldDef* via) {
  for (size_t i = 0; i < joins_.size(); ++i) {
    if (joins_[i].parent == parent && joins_[i].via == via) return static_cast<int>(i);
  }
  Join join{"t" + std::to_string(joins_.size()), parent, via, nullptr, {}};
  if (via->polymorphic()) {
    join.object = &NameObject();
    for (const std::string& target : via->reference_to) {
      join.targets.push_back(Target{join.alias + "_" + std::to_string(join.targets.size()), schema_.Find(target)});
    }
  } else {
    join.object = schema_.Find(via->reference_to.front());
  }
  joins_.push_back(std::move(join));
  return static_cast<int>(joins_.size() - 1);
}

bool QueryScope::Resolve(const FieldPath& path, ResolvedField* out) {
  std::vector<std::string> parts = path.parts;
  const ObjectDef* object = root();
  // `SELECT Account.Name FROM Account`: the object's own name may prefix a path.
  if (parts.size() > 1 && ToLower(parts[0]) == ToLower(object->name) && object->FindRelationship(parts[0]) == nullptr) {
    parts.erase(parts.begin());
  }
  int join = 0;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDef* reference = object->FindRelationship(parts[i]);
    if (reference == nullptr) {
      return Fail("INVALID_FIELD", path.offset,
                  "Didn't understand relationship '" + parts[i] +
                      "' in field path. If you are attempting to use a custom relationship, be "
                      "sure to append the '__r' after the custom relationship name. Please "
                      "reference your WSDL or the describe call for the appropriate names.");
    }
    join = JoinFor(join, reference);
    out->relationships.push_back(reference);
    out->joins.push_back(join);
    object = joins_[static_cast<size_t>(join)].object;
  }
  const FieldDef* field = object->FindField(parts.back());
  if (field == nullptr) {
    return Fail("INVALID_FIELD", path.offset,
                "No such column '" + parts.back() + "' on entity '" + object->name +
                    "'. If you are attempting to use a custom field, be sure to append the '__c' "
                    "after the custom field name. Please reference your WSDL or the describe call "
                    "for the appropriate names.");
  }
  out->join = join;
  out->field = field;
  return true;
}

void QueryScope::Use(const ResolvedField& r, std::set<int>* used) {
  for (int join : r.joins) used->insert(join);
}

std::string QueryScope::Column(int join, const std::string& name) const {
  const Join& j = joins_[static_cast<size_t>(join)];
  if (!j.targets.empty()) return PolymorphicColumn(j, *j.object->FindField(name));
  return j.alias + "." + QuoteIdentifier(name);
}

std::string QueryScope::PolymorphicColumn(const Join& join, const FieldDef& field) const {
  std::vector<std::string> values;
  for (const Target& target : join.targets) {
    const FieldDef* counterpart = nullptr;
    if (!NameFieldComesFrom(field.name, target.object->name)) continue;
    if (field.name == "Type") {
      // The object's name, but a Group's own Type: a queue owner's Owner.Type is 'Queue'.
      std::string type = target.object->name == "Group" ? target.alias + ".\"Type\"" : "'" + target.object->name + "'";
      values.push_back("CASE WHEN " + target.alias + ".\"Id\" IS NOT NULL THEN " + type + " END");
      continue;
    }
    if (field.name == "Name" || field.name == "NameOrAlias") {
      auto it = std::find_if(target.object->fields.begin(), target.object->fields.end(),
                             [](const FieldDef& f) { return f.name_field; });
      if (it != target.object->fields.end()) counterpart = &*it;
    } else if (const FieldDef* same = target.object->FindField(field.name);
               same != nullptr && same->type == field.type && same->stored()) {
      counterpart = same;
    }
    if (counterpart != nullptr) values.push_back(target.alias + "." + QuoteIdentifier(counterpart->name));
  }
  if (values.empty()) return "NULL";
  if (values.size() == 1) return values.front();
  std::string sql = "COALESCE(";
  for (size_t i = 0; i < values.size(); ++i) sql += (i > 0 ? ", " : "") + values[i];
  return sql + ")";
}

std::string QueryScope::TypeColumn(int join) const {
  std::string sql = "CASE";
  for (const Target& target : joins_[static_cast<size_t>(join)].targets) {
    sql += " WHEN " + target.alias + ".\"Id\" IS NOT NULL THEN '" + target.object->name + "'";
  }
  return sql + " END";
}

std::string QueryScope::Column(int join, const FieldDef& field) const {
  if (!joins_[static_cast<size_t>(join)].targets.empty())
    return PolymorphicColumn(joins_[static_cast<size_t>(join)], field);
  if (!field.calculated()) return Column(join, field.name);
  std::string sql = field.formula_sql;
  const std::string& alias = joins_[static_cast<size_t>(join)].alias;
  for (size_t at = sql.find("{t}"); at != std::string::npos; at = sql.find("{t}", at)) {
    sql.replace(at, 3, alias);
  }
  return sql;
}

std::string QueryScope::DateFunctionSql(Function function, const FieldDef& field, const std::string& column) {
  bool date = field.type == FieldType::kDate;
  // Datetimes are epoch milliseconds; a real division keeps pre-1970 instants right.
  std::string instant = column + " / 1000.0, 'unixepoch'";
  switch (function) {
    case Function::kCalendarYear:
      return date ? "CAST(substr(" + column + ", 1, 4) AS INTEGER)"
                  : "CAST(strftime('%Y', " + instant + ") AS INTEGER)";
    case Function::kCalendarMonth:
      return date ? "CAST(substr(" + column + ", 6, 2) AS INTEGER)"
                  : "CAST(strftime('%m', " + instant + ") AS INTEGER)";
    case Function::kDayOnly:
      return "date(" + instant + ")";
    default:
      return column;
  }
}

FieldType QueryScope::DateFunctionType(Function function, FieldType field_type) {
  switch (function) {
    case Function::kCalendarYear:
    case Function::kCalendarMonth:
      return FieldType::kInt;
    case Function::kDayOnly:
      return FieldType::kDate;
    default:
      return field_type;
  }
}

bool QueryScope::CheckDateFunction(const Expr& expr, const FieldDef& field) {
  bool ok = true;
  switch (expr.function) {
    case Function::kNone:
      return true;
    case Function::kCalendarYear:
    case Function::kCalendarMonth:
      ok = field.type == FieldType::kDate || field.type == FieldType::kDateTime;
      break;
    case Function::kDayOnly:
      ok = field.type == FieldType::kDateTime;
      break;
    default:
      return Fail("MALFORMED_QUERY", expr.offset, "Aggregate functions are not supported here: " + expr.function_name);
  }
  if (!ok) {
    return Fail("MALFORMED_QUERY", expr.field.offset,
                "Invalid field " + field.name + " for date function " + expr.function_name);
  }
  return true;
}

// Joins in creation order, so a parent join always precedes its children.
std::string QueryScope::JoinSql(const std::set<int>& used) const {
  std::string sql;
  for (int i : used) {
    const Join& j = joins_[static_cast<size_t>(i)];
    std::string key = Column(j.parent, *j.via);
    if (j.targets.empty()) {
      sql += " LEFT JOIN " + QuoteIdentifier(j.object->name) + " " + j.alias + " ON " + j.alias + ".\"Id\" = " + key;
    }
    for (const Target& target : j.targets) {
      sql += " LEFT JOIN " + QuoteIdentifier(target.object->name) + " " + target.alias + " ON " + target.alias +
             ".\"Id\" = " + key;
    }
  }
  return sql;
}

bool QueryScope::Where(const Condition& c, std::string* sql, std::vector<Value>* params, std::set<int>* used) {
  using Kind = Condition::Kind;
  if (c.kind == Kind::kAnd || c.kind == Kind::kOr) {
    *sql = "(";
    for (size_t i = 0; i < c.children.size(); ++i) {
      std::string child;
      if (!Where(c.children[i], &child, params, used)) return false;
      if (i > 0) *sql += c.kind == Kind::kAnd ? " AND " : " OR ";
      *sql += child;
    }
    *sql += ")";
    return true;
  }
  if (c.kind == Kind::kNot) {
    std::string child;
    if (!Where(c.children[0], &child, params, used)) return false;
    // SQL's NOT keeps NULL (unknown) as NULL, which would drop the row either way; treat
    // unknown as false first so NOT is a plain negation.
    *sql = "NOT IFNULL(" + child + ", 0)";
    return true;
  }
  ResolvedField r;
  if (!Resolve(c.left.field, &r) || !CheckDateFunction(c.left, *r.field)) return false;
  if (!r.field->filterable() || IsCompound(r.field->type)) {
    return Fail("INVALID_FIELD", c.left.field.offset,
                "field '" + r.field->name + "' can not be filtered in query call");
  }
  Use(r, used);
  return Comparison(c, r, sql, params);
}

// Checks a literal against the compared type and converts it to the stored form.
bool QueryScope::Bindable(const Literal& literal, FieldType type, const std::string& name, Value* value) {
  auto type_error = [&]() {
    bool quoted = IsTextual(type) || type == FieldType::kId || type == FieldType::kReference;
    return Fail("INVALID_FIELD", literal.offset,
                "value of filter criterion for field '" + name + "' must be of type " +
                    std::string(FilterTypeName(type)) + " and should " + (quoted ? "" : "not ") +
                    "be enclosed in quotes");
  };
  if (literal.kind == LiteralKind::kNull) {
    *value = std::monostate{};
    return true;
  }
  if (IsTextual(type)) {
    if (literal.kind != LiteralKind::kString) return type_error();
    *value = literal.value;
    return true;
  }
  switch (type) {
    case FieldType::kId:
    case FieldType::kReference: {
      if (literal.kind != LiteralKind::kString) return type_error();
      std::optional<std::string> id = NormalizeId(literal.value);
      if (!id) {
        return Fail("INVALID_QUERY_FILTER_OPERATOR", literal.offset, "invalid ID field: " + literal.value);
      }
      *value = *id;
      return true;
    }
    case FieldType::kBoolean:
      if (literal.kind != LiteralKind::kTrue && literal.kind != LiteralKind::kFalse) {
        return type_error();
      }
      *value = int64_t{literal.kind == LiteralKind::kTrue};
      return true;
    case FieldType::kDate:
    case FieldType::kTime:
      if (literal.kind != (type == FieldType::kDate ? LiteralKind::kDate : LiteralKind::kTime)) {
        return type_error();
      }
      *value = literal.value;
      return true;
    case FieldType::kDateTime:
      if (literal.kind != LiteralKind::kDateTime) return type_error();
      *value = literal.epoch_ms;
      return true;
    default: {
      if (!IsNumeric(type) || literal.kind != LiteralKind::kNumber) return type_error();
      double number = 0;
      const char* begin = literal.value.data() + (literal.value[0] == '+' ? 1 : 0);
      std::from_chars(begin, literal.value.data() + literal.value.size(), number);
      *value = number;
      return true;
    }
  }
}

bool QueryScope::Comparison(const Condition& c, const ResolvedField& r, std::string* sql, std::vector<Value>* params) {
  const FieldDef& field = *r.field;
  FieldType type = DateFunctionType(c.left.function, field.type);
  std::string name = c.left.function == Function::kNone ? field.name : c.left.function_name + "(" + field.name + ")";
  std::string column = DateFunctionSql(c.left.function, field, Column(r));
  bool textual = IsTextual(type);
  std::string collate = textual ? " COLLATE NOCASE" : "";
  auto bad_operator = [&]() {
    return Fail("INVALID_QUERY_FILTER_OPERATOR", c.left.offset,
                "invalid operator on " + std::string(FilterTypeName(type)) + " field: " + name);
  };

  if (c.op == CompareOp::kIn || c.op == CompareOp::kNotIn) {
    std::string list;
    bool has_null = false;
    for (const Literal& literal : c.values) {
      Value value;
      if (!Bindable(literal, type, name, &value)) return false;
      if (std::holds_alternative<std::monostate>(value)) {
        has_null = true;
        continue;
      }
      list += list.empty() ? "?" : ", ?";
      params->push_back(std::move(value));
    }
    std::string in =
        list.empty() ? "" : column + collate + (c.op == CompareOp::kIn ? " IN (" : " NOT IN (") + list + ")";
    if (c.op == CompareOp::kIn) {
      *sql = has_null ? "(" + (in.empty() ? "0" : in) + " OR " + column + " IS NULL)" : in;
    } else if (has_null) {
      *sql = "(" + column + " IS NOT NULL" + (in.empty() ? "" : " AND " + in) + ")";
    } else {
      *sql = "(" + column + " IS NULL OR " + in + ")";
    }
    return true;
  }

  if (c.op == CompareOp::kLike && !textual) return bad_operator();
  if (type == FieldType::kBoolean && c.op != CompareOp::kEq && c.op != CompareOp::kNe) {
    return bad_operator();
  }
  Value value;
  if (!Bindable(c.values[0], type, name, &value)) return false;
  bool is_null = std::holds_alternative<std::monostate>(value);
  if (c.op == CompareOp::kLike) {
    if (is_null) {
      *sql = "0";
      return true;
    }
    // SQLite's LIKE is case-insensitive for ASCII, as SOQL's is (for all letters).
    *sql = column + " LIKE ? ESCAPE '\\'";
    params->push_back(c.values[0].like_pattern);
    return true;
  }
  if (is_null) {
    if (c.op != CompareOp::kEq && c.op != CompareOp::kNe) return bad_operator();
    *sql = column + (c.op == CompareOp::kEq ? " IS NULL" : " IS NOT NULL");
    return true;
  }
  static const std::map<CompareOp, std::string_view> kSqlOps = {{CompareOp::kEq, " = ?"}, {CompareOp::kNe, " IS NOT ?"},
                                                                {CompareOp::kLt, " < ?"}, {CompareOp::kLe, " <= ?"},
                                                                {CompareOp::kGt, " > ?"}, {CompareOp::kGe, " >= ?"}};
  *sql = column + std::string(kSqlOps.at(c.op)) + collate;
  params->push_back(std::move(value));
  return true;
}

}  // namespace sfsync::emulator
