#include "tests/emulator/soql/planner.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>

#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

constexpr std::array<std::string_view, 8> kAddressComponents = {
    "Street", "City", "State", "PostalCode", "Country", "Latitude", "Longitude", "GeocodeAccuracy"};

// The type name Salesforce uses in "value of filter criterion" errors.
std::string_view FilterTypeName(FieldType type) {
  switch (type) {
    case FieldType::kBoolean: return "boolean";
    case FieldType::kInt: return "int";
    case FieldType::kDouble:
    case FieldType::kCurrency:
    case FieldType::kPercent: return "double";
    case FieldType::kDate: return "date";
    case FieldType::kDateTime: return "dateTime";
    case FieldType::kId:
    case FieldType::kReference: return "id";
    default: return "string";
  }
}

bool IsNumeric(FieldType type) {
  return type == FieldType::kInt || type == FieldType::kDouble || type == FieldType::kCurrency ||
         type == FieldType::kPercent;
}

struct Join {
  std::string alias;
  int parent = -1;                   // index of the join it hangs off; -1 for the root
  const FieldDef* via = nullptr;     // the reference field on the parent join's object
  const ObjectDef* object = nullptr;
};

struct ResolvedField {
  int join = 0;
  const FieldDef* field = nullptr;
  std::vector<const FieldDef*> relationships;  // the reference fields walked, root first
  std::vector<int> joins;                      // the join of each relationship
};

class Planner {
 public:
  Planner(const Schema& schema, SoqlError* error) : schema_(schema), error_(error) {}

  std::optional<CompiledQuery> Run(const SoqlQuery& query, bool include_deleted) {
    CompiledQuery out;
    out.object = schema_.Find(query.object);
    if (out.object == nullptr) {
      return Fail("INVALID_TYPE", query.object_offset,
                  "sObject type '" + query.object +
                      "' is not supported. If you are attempting to use a custom object, be sure "
                      "to append the '__c' after the entity name. Please reference your WSDL or "
                      "the describe call for the appropriate names.");
    }
    joins_.push_back(Join{"t0", -1, nullptr, out.object});
    out.count_only = query.count_only;
    out.limit = query.limit;

    std::set<int> match_joins;
    // query() hides soft-deleted rows; queryAll() shows them (protocol §2.5).
    std::string where = include_deleted ? "" : "t0.\"IsDeleted\" = 0";
    if (query.where) {
      std::string condition;
      if (!Where(*query.where, &condition, &out.match_params, &match_joins)) return std::nullopt;
      where = where.empty() ? condition : where + " AND " + condition;
    }
    std::string order;
    if (!out.count_only) {
      bool unique_order = false;  // ordered by the root Id: no ties left to break
      for (const OrderItem& item : query.order_by) {
        ResolvedField r;
        if (!Resolve(item.field, &r)) return std::nullopt;
        if (!r.field->sortable()) {
          return Fail("INVALID_FIELD", item.field.offset,
                      "field '" + r.field->name + "' can not be sorted in a query call");
        }
        Use(r, &match_joins);
        unique_order |= r.join == 0 && r.field->type == FieldType::kId;
        order += Column(r) + (IsTextual(r.field->type) ? " COLLATE NOCASE" : "") +
                 (item.descending ? " DESC" : " ASC");
        if (item.nulls == OrderItem::Nulls::kFirst) order += " NULLS FIRST";
        if (item.nulls == OrderItem::Nulls::kLast) order += " NULLS LAST";
        order += ", ";
      }
      // Without this tie-break, equal sort keys would come back in an unspecified order and a
      // re-run could page differently. Leaving it out after Id lets SQLite walk an index.
      if (unique_order) {
        order.resize(order.size() - 2);
      } else {
        order += "t0._row";
      }
    }

    std::string from = " FROM " + QuoteIdentifier(out.object->name) + " t0" + JoinSql(match_joins);
    if (!where.empty()) from += " WHERE " + where;
    if (out.count_only) {
      out.match_sql = "SELECT COUNT(*) FROM (SELECT 1" + from + LimitSql(query.limit) + ")";
      return out;
    }
    out.match_sql = "SELECT t0._row" + from + " ORDER BY " + order + LimitSql(query.limit);

    std::set<int> row_joins;
    std::vector<std::string> columns = {"t0.\"Id\""};
    std::set<std::pair<int, const FieldDef*>> selected;
    for (const FieldPath& path : query.fields) {
      ResolvedField r;
      if (!Resolve(path, &r)) return std::nullopt;
      if (!selected.insert({r.join, r.field}).second) {
        return Fail("MALFORMED_QUERY", path.offset, "duplicate field selected: " + r.field->name);
      }
      Use(r, &row_joins);
      AddOutput(r, &out.output, &columns);
    }
    out.row_sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) out.row_sql += (i > 0 ? ", " : "") + columns[i];
    out.row_sql += " FROM " + QuoteIdentifier(out.object->name) + " t0" + JoinSql(row_joins) +
                   " WHERE t0._row = ?";
    return out;
  }

 private:
  std::nullopt_t Fail(std::string code, size_t offset, std::string detail) {
    *error_ = SoqlError{std::move(code), std::move(detail), offset};
    return std::nullopt;
  }

  static std::string LimitSql(const std::optional<int64_t>& limit) {
    return limit ? " LIMIT " + std::to_string(*limit) : "";
  }

  int JoinFor(int parent, const FieldDef* via) {
    for (size_t i = 0; i < joins_.size(); ++i) {
      if (joins_[i].parent == parent && joins_[i].via == via) return static_cast<int>(i);
    }
    joins_.push_back(Join{"t" + std::to_string(joins_.size()), parent, via,
                          schema_.Find(via->reference_to)});
    return static_cast<int>(joins_.size() - 1);
  }

  bool Resolve(const FieldPath& path, ResolvedField* out) {
    std::vector<std::string> parts = path.parts;
    const ObjectDef* object = joins_[0].object;
    // `SELECT Account.Name FROM Account`: the object's own name may prefix a path.
    if (parts.size() > 1 && ToLower(parts[0]) == ToLower(object->name) &&
        object->FindRelationship(parts[0]) == nullptr) {
      parts.erase(parts.begin());
    }
    int join = 0;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const FieldDef* reference = object->FindRelationship(parts[i]);
      if (reference == nullptr) {
        Fail("INVALID_FIELD", path.offset,
             "Didn't understand relationship '" + parts[i] +
                 "' in field path. If you are attempting to use a custom relationship, be sure "
                 "to append the '__r' after the custom relationship name. Please reference your "
                 "WSDL or the describe call for the appropriate names.");
        return false;
      }
      join = JoinFor(join, reference);
      out->relationships.push_back(reference);
      out->joins.push_back(join);
      object = joins_[static_cast<size_t>(join)].object;
    }
    const FieldDef* field = object->FindField(parts.back());
    if (field == nullptr) {
      Fail("INVALID_FIELD", path.offset,
           "No such column '" + parts.back() + "' on entity '" + object->name +
               "'. If you are attempting to use a custom field, be sure to append the '__c' "
               "after the custom field name. Please reference your WSDL or the describe call "
               "for the appropriate names.");
      return false;
    }
    out->join = join;
    out->field = field;
    return true;
  }

  void Use(const ResolvedField& r, std::set<int>* used) {
    for (int join : r.joins) used->insert(join);
  }

  std::string Column(const ResolvedField& r) const { return Column(r.join, r.field->name); }
  std::string Column(int join, const std::string& name) const {
    return joins_[static_cast<size_t>(join)].alias + "." + QuoteIdentifier(name);
  }

  // Joins in creation order, so a parent join always precedes its children.
  std::string JoinSql(const std::set<int>& used) const {
    std::string sql;
    for (int i : used) {
      const Join& j = joins_[static_cast<size_t>(i)];
      sql += " LEFT JOIN " + QuoteIdentifier(j.object->name) + " " + j.alias + " ON " + j.alias +
             ".\"Id\" = " + Column(j.parent, j.via->name);
    }
    return sql;
  }

  void AddOutput(const ResolvedField& r, std::vector<OutputNode>* level,
                 std::vector<std::string>* columns) {
    for (size_t i = 0; i < r.relationships.size(); ++i) {
      const FieldDef* reference = r.relationships[i];
      auto it = std::find_if(level->begin(), level->end(), [&](const OutputNode& n) {
        return n.kind == OutputNode::Kind::kRelationship && n.key == reference->relationship_name;
      });
      if (it == level->end()) {
        OutputNode node;
        node.kind = OutputNode::Kind::kRelationship;
        node.key = reference->relationship_name;
        node.object = joins_[static_cast<size_t>(r.joins[i])].object;
        node.column = static_cast<int>(columns->size());
        columns->push_back(Column(r.joins[i], "Id"));
        level->push_back(std::move(node));
        it = level->end() - 1;
      }
      level = &it->children;
    }
    OutputNode node;
    node.key = r.field->name;
    node.field = r.field;
    if (r.field->type == FieldType::kAddress) {
      node.kind = OutputNode::Kind::kAddress;
      for (std::string_view component : kAddressComponents) {
        node.address_columns.push_back(static_cast<int>(columns->size()));
        columns->push_back(Column(r.join, r.field->address_prefix + std::string(component)));
      }
    } else {
      node.column = static_cast<int>(columns->size());
      columns->push_back(Column(r));
    }
    level->push_back(std::move(node));
  }

  bool Where(const Condition& c, std::string* sql, std::vector<Value>* params,
             std::set<int>* used) {
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
    if (!Resolve(c.field, &r)) return false;
    if (!r.field->filterable() || r.field->type == FieldType::kAddress) {
      Fail("INVALID_FIELD", c.field.offset,
           "field '" + r.field->name + "' can not be filtered in query call");
      return false;
    }
    Use(r, used);
    return Comparison(c, r, sql, params);
  }

  // Checks a literal against the field's type and converts it to the stored form.
  bool Bindable(const Literal& literal, const FieldDef& field, Value* value) {
    FieldType type = field.type;
    auto type_error = [&]() {
      bool quoted = IsTextual(type) || type == FieldType::kId || type == FieldType::kReference;
      Fail("INVALID_FIELD", literal.offset,
           "value of filter criterion for field '" + field.name + "' must be of type " +
               std::string(FilterTypeName(type)) + " and should " + (quoted ? "" : "not ") +
               "be enclosed in quotes");
      return false;
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
          Fail("INVALID_QUERY_FILTER_OPERATOR", literal.offset, "invalid ID field: " + literal.value);
          return false;
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
        if (literal.kind != LiteralKind::kDate) return type_error();
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

  bool Comparison(const Condition& c, const ResolvedField& r, std::string* sql,
                  std::vector<Value>* params) {
    const FieldDef& field = *r.field;
    std::string column = Column(r);
    bool textual = IsTextual(field.type);
    std::string collate = textual ? " COLLATE NOCASE" : "";
    auto bad_operator = [&]() {
      Fail("INVALID_QUERY_FILTER_OPERATOR", c.field.offset,
           "invalid operator on " + std::string(FilterTypeName(field.type)) + " field: " + field.name);
      return false;
    };

    if (c.op == CompareOp::kIn || c.op == CompareOp::kNotIn) {
      std::string list;
      bool has_null = false;
      for (const Literal& literal : c.values) {
        Value value;
        if (!Bindable(literal, field, &value)) return false;
        if (std::holds_alternative<std::monostate>(value)) {
          has_null = true;
          continue;
        }
        list += list.empty() ? "?" : ", ?";
        params->push_back(std::move(value));
      }
      std::string in = list.empty() ? "" : column + collate + (c.op == CompareOp::kIn ? " IN (" : " NOT IN (") + list + ")";
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
    if (field.type == FieldType::kBoolean && c.op != CompareOp::kEq && c.op != CompareOp::kNe) {
      return bad_operator();
    }
    Value value;
    if (!Bindable(c.values[0], field, &value)) return false;
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
    static const std::map<CompareOp, std::string_view> kSqlOps = {
        {CompareOp::kEq, " = ?"}, {CompareOp::kNe, " IS NOT ?"}, {CompareOp::kLt, " < ?"},
        {CompareOp::kLe, " <= ?"}, {CompareOp::kGt, " > ?"}, {CompareOp::kGe, " >= ?"}};
    *sql = column + std::string(kSqlOps.at(c.op)) + collate;
    params->push_back(std::move(value));
    return true;
  }

  const Schema& schema_;
  SoqlError* error_;
  std::vector<Join> joins_;
};

}  // namespace

std::optional<CompiledQuery> CompileSoql(const SoqlQuery& query, const Schema& schema,
                                         bool include_deleted, SoqlError* error) {
  return Planner(schema, error).Run(query, include_deleted);
}

SoqlQuery SelectAllFields(const ObjectDef& object) {
  SoqlQuery query;
  query.object = object.name;
  for (const FieldDef& field : object.fields) {
    if (field.hidden) continue;
    FieldPath path;
    path.parts = {field.name};
    path.text = field.name;
    query.fields.push_back(std::move(path));
  }
  return query;
}

}  // namespace sfsync::emulator
