#include "tests/emulator/soql/aggregate_planner.h"

#include "tests/emulator/soql/query_scope.h"

namespace sfsync::emulator {
namespace {

bool IsNumeric(FieldType type) {
  return type == FieldType::kInt || type == FieldType::kDouble || type == FieldType::kCurrency ||
         type == FieldType::kPercent;
}

struct Grouped {
  Function function;
  int join;
  const FieldDef* field;
  std::string sql;
};

class AggregatePlanner {
 public:
  AggregatePlanner(const Schema& schema, const ObjectDef& object, SoqlError* error) : scope_(schema, &object, error) {}

  std::optional<CompiledQuery> Run(const SoqlQuery& query, bool include_deleted) {
    CompiledQuery out;
    out.object = scope_.root();
    out.aggregate = true;
    out.count_only = query.count_only;
    out.limit = query.limit;

    std::vector<std::string> conditions;
    if (!include_deleted) conditions.push_back("t0.\"IsDeleted\" = 0");
    if (query.where) {
      std::string condition;
      if (!scope_.Where(*query.where, &condition, &out.match_params, &joins_)) return std::nullopt;
      conditions.push_back(condition);
    }
    std::string group_sql;
    for (const Expr& expr : query.group_by) {
      if (!Group(expr)) return std::nullopt;
      group_sql += (group_sql.empty() ? " GROUP BY " : ", ") + groups_.back().sql;
    }

    std::vector<std::string> values;
    if (!out.count_only && !SelectList(query, &out, &values)) return std::nullopt;
    std::string order;
    if (!out.count_only && !OrderBy(query, &order)) return std::nullopt;

    std::string from = " FROM " + QuoteIdentifier(out.object->name) + " t0" + scope_.JoinSql(joins_);
    for (size_t i = 0; i < conditions.size(); ++i) from += (i == 0 ? " WHERE " : " AND ") + conditions[i];
    std::string limit = query.limit ? " LIMIT " + std::to_string(*query.limit) : "";
    out.objects = scope_.ObjectNames();
    if (out.count_only) {
      // COUNT() with GROUP BY: totalSize is the number of groups.
      out.match_sql = "SELECT COUNT(*) FROM (SELECT 1" + from + group_sql + limit + ")";
      return out;
    }
    out.match_sql = "SELECT ";
    for (size_t i = 0; i < values.size(); ++i) out.match_sql += (i > 0 ? ", " : "") + values[i];
    out.match_sql += from + group_sql + order + limit;
    return out;
  }

 private:
  std::nullopt_t Fail(std::string code, size_t offset, std::string detail) {
    scope_.Fail(std::move(code), offset, std::move(detail));
    return std::nullopt;
  }

  bool Group(const Expr& expr) {
    if (IsAggregate(expr.function)) {
      return scope_.Fail("MALFORMED_QUERY", expr.offset,
                         "aggregate functions cannot be grouped: " + expr.function_name);
    }
    ResolvedField r;
    if (!scope_.Resolve(expr.field, &r) || !scope_.CheckDateFunction(expr, *r.field)) return false;
    if (expr.function == Function::kNone && !r.field->groupable()) {
      return scope_.Fail("INVALID_FIELD", expr.field.offset,
                         "field '" + r.field->name + "' can not be grouped in a query call");
    }
    QueryScope::Use(r, &joins_);
    groups_.push_back(
        {expr.function, r.join, r.field, QueryScope::DateFunctionSql(expr.function, *r.field, scope_.Column(r))});
    return true;
  }

  const Grouped* FindGroup(Function function, const ResolvedField& r) const {
    for (const Grouped& g : groups_) {
      if (g.function == function && g.join == r.join && g.field == r.field) return &g;
    }
    return nullptr;
  }

  // The SQL and result type of an aggregate function of a field.
  bool Aggregate(const Expr& expr, const ResolvedField& r, std::string* sql, FieldType* type) {
    const FieldDef& field = *r.field;
    bool counting = expr.function == Function::kCount || expr.function == Function::kCountDistinct;
    bool supported = counting ? field.filterable() && !IsCompound(field.type) : field.aggregatable();
    if ((expr.function == Function::kSum || expr.function == Function::kAvg) && !IsNumeric(field.type)) {
      supported = false;
    }
    if (!supported) {
      return scope_.Fail("INVALID_FIELD", expr.field.offset,
                         "field " + field.name + " does not support aggregate operator " + expr.function_name);
    }
    std::string column = scope_.Column(r);
    switch (expr.function) {
      case Function::kCount:
        *sql = "COUNT(" + column + ")";
        *type = FieldType::kInt;
        break;
      case Function::kCountDistinct:
        *sql = "COUNT(DISTINCT " + column + ")";
        *type = FieldType::kInt;
        break;
      case Function::kMin:
        *sql = "MIN(" + column + ")";
        *type = field.type;
        break;
      case Function::kMax:
        *sql = "MAX(" + column + ")";
        *type = field.type;
        break;
      case Function::kSum:
        *sql = "SUM(" + column + ")";
        *type = field.type == FieldType::kInt ? FieldType::kInt : FieldType::kDouble;
        break;
      default:
        *sql = "AVG(" + column + ")";
        *type = FieldType::kDouble;
        break;
    }
    QueryScope::Use(r, &joins_);
    return true;
  }

  bool SelectList(const SoqlQuery& query, CompiledQuery* out, std::vector<std::string>* values) {
    int unnamed = 0;
    std::set<std::string> keys;
    for (const SelectItem& item : query.select) {
      if (item.subquery) {
        return scope_.Fail("MALFORMED_QUERY", item.offset, "sub-queries are not allowed in aggregate queries");
      }
      const Expr& expr = item.expr;
      ResolvedField r;
      if (!scope_.Resolve(expr.field, &r)) return false;
      OutputNode node;
      node.kind = OutputNode::Kind::kValue;
      node.column = static_cast<int>(values->size());
      std::string sql;
      if (IsAggregate(expr.function)) {
        if (!Aggregate(expr, r, &sql, &node.value_type)) return false;
      } else {
        const Grouped* group = FindGroup(expr.function, r);
        if (group == nullptr) {
          return scope_.Fail("MALFORMED_QUERY", item.offset, "Field must be grouped or aggregated: " + expr.field.text);
        }
        sql = group->sql;
        node.value_type = QueryScope::DateFunctionType(expr.function, r.field->type);
      }
      node.key = !item.alias.empty()                ? item.alias
                 : expr.function == Function::kNone ? r.field->name
                                                    : "expr" + std::to_string(unnamed++);
      if (!keys.insert(ToLower(node.key)).second) {
        return scope_.Fail("MALFORMED_QUERY", item.alias.empty() ? item.offset : item.alias_offset,
                           "duplicate alias: " + node.key);
      }
      values->push_back(sql);
      out->output.push_back(std::move(node));
    }
    return true;
  }

  bool OrderBy(const SoqlQuery& query, std::string* order) {
    for (const OrderItem& item : query.order_by) {
      ResolvedField r;
      if (!scope_.Resolve(item.expr.field, &r)) return false;
      std::string sql;
      if (IsAggregate(item.expr.function)) {
        FieldType ignored;
        if (!Aggregate(item.expr, r, &sql, &ignored)) return false;
      } else if (const Grouped* group = FindGroup(item.expr.function, r)) {
        sql = group->sql;
      } else {
        return scope_.Fail("MALFORMED_QUERY", item.expr.offset,
                           "Ordered field must be grouped or aggregated: " + item.expr.field.text);
      }
      *order += (order->empty() ? " ORDER BY " : ", ") + sql + (item.descending ? " DESC" : " ASC");
      if (item.nulls == OrderItem::Nulls::kFirst) *order += " NULLS FIRST";
      if (item.nulls == OrderItem::Nulls::kLast) *order += " NULLS LAST";
    }
    // Salesforce does not promise an order of groups; ascending keys keep results stable.
    for (const Grouped& g : groups_) *order += (order->empty() ? " ORDER BY " : ", ") + g.sql;
    return true;
  }

  QueryScope scope_;
  std::set<int> joins_;
  std::vector<Grouped> groups_;
};

}  // namespace

std::optional<CompiledQuery> CompileAggregate(const SoqlQuery& query, const Schema& schema, const ObjectDef& object,
                                              bool include_deleted, SoqlError* error) {
  return AggregatePlanner(schema, object, error).Run(query, include_deleted);
}

}  // namespace sfsync::emulator
