#include "tests/emulator/soql/planner.h"

#include <algorithm>
#include <array>

#include "tests/emulator/soql/aggregate_planner.h"
#include "tests/emulator/soql/query_scope.h"

namespace sfsync::emulator {
namespace {

constexpr std::array<std::string_view, 8> kAddressComponents = {
    "Street", "City", "State", "PostalCode", "Country", "Latitude", "Longitude", "GeocodeAccuracy"};
constexpr std::array<std::string_view, 2> kLocationComponents = {"Latitude__s", "Longitude__s"};

bool IsAggregateQuery(const SoqlQuery& query) {
  if (!query.group_by.empty()) return true;
  return std::any_of(query.select.begin(), query.select.end(), [](const SelectItem& item) {
    return !item.subquery && item.expr.function != Function::kNone;
  });
}

std::string LimitSql(const std::optional<int64_t>& limit) {
  return limit ? " LIMIT " + std::to_string(*limit) : "";
}

// The child object, and its reference field, whose child relationship on `parent` is `name`.
std::pair<const ObjectDef*, const FieldDef*> ChildRelationship(const Schema& schema,
                                                               const ObjectDef& parent,
                                                               std::string_view name) {
  std::string lower = ToLower(name);
  for (const auto& child : schema.objects()) {
    for (const FieldDef& f : child->fields) {
      if (f.type == FieldType::kReference && f.References(parent.name) && !f.child_relationship.empty() &&
          ToLower(f.child_relationship) == lower) {
        return {child.get(), &f};
      }
    }
  }
  return {nullptr, nullptr};
}

class RecordPlanner {
 public:
  RecordPlanner(const Schema& schema, const ObjectDef* object, SoqlError* error)
      : scope_(schema, object, error), error_(error) {}

  // `parent_key`: for a sub-query, the child's reference to the parent; its match_sql then
  // takes the parent Id as the first parameter.
  std::optional<CompiledQuery> Run(const SoqlQuery& query, bool include_deleted,
                                   const FieldDef* parent_key) {
    CompiledQuery out;
    out.object = scope_.root();
    out.count_only = query.count_only;
    out.limit = query.limit;

    std::set<int> match_joins;
    std::vector<std::string> conditions;
    if (parent_key != nullptr) conditions.push_back(scope_.Column(0, parent_key->name) + " = ?");
    // query() hides soft-deleted rows; queryAll() shows them (protocol §2.5).
    if (!include_deleted) conditions.push_back("t0.\"IsDeleted\" = 0");
    if (query.where) {
      std::string condition;
      if (!scope_.Where(*query.where, &condition, &out.match_params, &match_joins)) {
        return std::nullopt;
      }
      conditions.push_back(condition);
    }
    std::string order;
    if (!out.count_only && !OrderBy(query, &order, &match_joins)) return std::nullopt;

    std::string from = " FROM " + QuoteIdentifier(out.object->name) + " t0" + scope_.JoinSql(match_joins);
    for (size_t i = 0; i < conditions.size(); ++i) from += (i == 0 ? " WHERE " : " AND ") + conditions[i];
    if (out.count_only) {
      out.match_sql = "SELECT COUNT(*) FROM (SELECT 1" + from + LimitSql(query.limit) + ")";
      out.objects = scope_.ObjectNames();
      return out;
    }
    out.match_sql = "SELECT t0._row" + from + " ORDER BY " + order + LimitSql(query.limit);

    std::set<int> row_joins;
    std::vector<std::string> columns = {"t0.\"Id\""};
    std::set<std::pair<int, const FieldDef*>> selected;
    std::set<std::string> subqueries;
    for (const SelectItem& item : query.select) {
      if (!item.alias.empty()) {
        return Fail("MALFORMED_QUERY", item.alias_offset, "Only aggregate expressions use field aliasing");
      }
      if (item.subquery) {
        if (parent_key != nullptr) return Fail("MALFORMED_QUERY", item.offset, "nested sub-queries");
        if (!Subquery(*item.subquery, include_deleted, &out, &subqueries)) return std::nullopt;
        continue;
      }
      ResolvedField r;
      if (!scope_.Resolve(item.expr.field, &r)) return std::nullopt;
      if (!selected.insert({r.join, r.field}).second) {
        return Fail("MALFORMED_QUERY", item.offset, "duplicate field selected: " + r.field->name);
      }
      QueryScope::Use(r, &row_joins);
      AddOutput(r, &out, &columns);
    }
    out.row_sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) out.row_sql += (i > 0 ? ", " : "") + columns[i];
    out.row_sql += " FROM " + QuoteIdentifier(out.object->name) + " t0" +
                   scope_.JoinSql(row_joins) + " WHERE t0._row = ?";
    std::set<std::string> names = scope_.ObjectNames();
    out.objects.insert(names.begin(), names.end());
    return out;
  }

 private:
  std::nullopt_t Fail(std::string code, size_t offset, std::string detail) {
    scope_.Fail(std::move(code), offset, std::move(detail));
    return std::nullopt;
  }

  bool OrderBy(const SoqlQuery& query, std::string* order, std::set<int>* joins) {
    bool unique_order = false;  // ordered by the root Id: no ties left to break
    for (const OrderItem& item : query.order_by) {
      if (item.expr.function != Function::kNone) {
        return scope_.Fail("MALFORMED_QUERY", item.expr.offset,
                           "unexpected token: '" + item.expr.function_name +
                               "' (functions in ORDER BY of a non-aggregate query are not "
                               "supported by sfsync-emulator)");
      }
      ResolvedField r;
      if (!scope_.Resolve(item.expr.field, &r)) return false;
      if (!r.field->sortable()) {
        return scope_.Fail("INVALID_FIELD", item.expr.field.offset,
                           "field '" + r.field->name + "' can not be sorted in a query call");
      }
      QueryScope::Use(r, joins);
      unique_order |= r.join == 0 && r.field->type == FieldType::kId;
      *order += scope_.Column(r) + (IsTextual(r.field->type) ? " COLLATE NOCASE" : "") +
                (item.descending ? " DESC" : " ASC");
      if (item.nulls == OrderItem::Nulls::kFirst) *order += " NULLS FIRST";
      if (item.nulls == OrderItem::Nulls::kLast) *order += " NULLS LAST";
      *order += ", ";
    }
    // Without this tie-break, equal sort keys would come back in an unspecified order and a
    // re-run could page differently. Leaving it out after Id lets SQLite walk an index.
    if (unique_order) {
      order->resize(order->size() - 2);
    } else {
      *order += "t0._row";
    }
    return true;
  }

  bool Subquery(const SoqlQuery& subquery, bool include_deleted, CompiledQuery* out,
                std::set<std::string>* seen) {
    auto [child, key] = ChildRelationship(scope_.schema(), *scope_.root(), subquery.object);
    if (key == nullptr) {
      return scope_.Fail("INVALID_TYPE", subquery.object_offset,
                         "Didn't understand relationship '" + subquery.object +
                             "' in FROM part of query call. If you are attempting to use a "
                             "custom relationship, be sure to append the '__r' after the custom "
                             "relationship name. Please reference your WSDL or the describe call "
                             "for the appropriate names.");
    }
    if (!seen->insert(key->child_relationship).second) {
      return scope_.Fail("MALFORMED_QUERY", subquery.object_offset,
                         "duplicate sub-query: " + key->child_relationship);
    }
    if (subquery.count_only || IsAggregateQuery(subquery)) {
      return scope_.Fail("MALFORMED_QUERY", subquery.object_offset,
                         "aggregate functions and GROUP BY are not allowed in a sub-query");
    }
    std::optional<CompiledQuery> plan =
        RecordPlanner(scope_.schema(), child, error_).Run(subquery, include_deleted, key);
    if (!plan) return false;
    OutputNode node;
    node.kind = OutputNode::Kind::kSubquery;
    node.key = key->child_relationship;
    node.column = 0;  // the parent's Id
    node.child_plan = out->children.size();
    out->output.push_back(std::move(node));
    out->long_text_fields += plan->long_text_fields;
    out->objects.insert(plan->objects.begin(), plan->objects.end());
    out->children.push_back(std::make_shared<const CompiledQuery>(std::move(*plan)));
    return true;
  }

  void AddOutput(const ResolvedField& r, CompiledQuery* out, std::vector<std::string>* columns) {
    std::vector<OutputNode>* level = &out->output;
    int id_column = 0;
    for (size_t i = 0; i < r.relationships.size(); ++i) {
      const FieldDef* reference = r.relationships[i];
      auto it = std::find_if(level->begin(), level->end(), [&](const OutputNode& n) {
        return n.kind == OutputNode::Kind::kRelationship && n.key == reference->relationship_name;
      });
      if (it == level->end()) {
        OutputNode node;
        node.kind = OutputNode::Kind::kRelationship;
        node.key = reference->relationship_name;
        node.object = scope_.object(r.joins[i]);
        node.column = static_cast<int>(columns->size());
        columns->push_back(scope_.Column(r.joins[i], "Id"));
        if (scope_.polymorphic(r.joins[i])) {
          node.type_column = static_cast<int>(columns->size());
          columns->push_back(scope_.TypeColumn(r.joins[i]));
        }
        level->push_back(std::move(node));
        it = level->end() - 1;
      }
      id_column = it->column;
      level = &it->children;
    }
    OutputNode node;
    node.key = r.field->name;
    node.field = r.field;
    auto add_components = [&](auto components) {
      for (std::string_view component : components) {
        node.component_columns.push_back(static_cast<int>(columns->size()));
        columns->push_back(scope_.Column(r.join, r.field->component_prefix + std::string(component)));
      }
    };
    if (r.field->type == FieldType::kAddress) {
      node.kind = OutputNode::Kind::kAddress;
      add_components(kAddressComponents);
    } else if (r.field->type == FieldType::kLocation) {
      node.kind = OutputNode::Kind::kLocation;
      add_components(kLocationComponents);
    } else {
      node.kind = r.field->type == FieldType::kBase64 ? OutputNode::Kind::kBlob : OutputNode::Kind::kField;
      node.object = scope_.object(r.join);
      node.id_column = id_column;
      node.column = static_cast<int>(columns->size());
      columns->push_back(scope_.Column(r));
      out->long_text_fields += r.field->long_text() ? 1 : 0;
    }
    level->push_back(std::move(node));
  }

  QueryScope scope_;
  SoqlError* error_;
};

}  // namespace

std::optional<CompiledQuery> CompileSoql(const SoqlQuery& query, const Schema& schema,
                                         bool include_deleted, SoqlError* error) {
  const ObjectDef* object = schema.Find(query.object);
  if (object == nullptr) {
    *error = SoqlError{"INVALID_TYPE",
                       "sObject type '" + query.object +
                           "' is not supported. If you are attempting to use a custom object, be "
                           "sure to append the '__c' after the entity name. Please reference your "
                           "WSDL or the describe call for the appropriate names.",
                       query.object_offset};
    return std::nullopt;
  }
  if (IsAggregateQuery(query)) return CompileAggregate(query, schema, *object, include_deleted, error);
  return RecordPlanner(schema, object, error).Run(query, include_deleted, nullptr);
}

SoqlQuery SelectAllFields(const ObjectDef& object) {
  SoqlQuery query;
  query.object = object.name;
  for (const FieldDef& field : object.fields) {
    if (field.hidden) continue;
    SelectItem item;
    item.expr.field.parts = {field.name};
    item.expr.field.text = field.name;
    query.select.push_back(std::move(item));
  }
  return query;
}

}  // namespace sfsync::emulator
