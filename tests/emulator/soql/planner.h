// Resolves a parsed SOQL query against the org's schema and translates it to SQL.
//
// A record query runs in two steps, which is what makes cursors cheap:
//   1. match_sql picks the matching rows, in order, as `_row` ids (run once, at query time);
//   2. row_sql fetches one row's selected values by `_row` (run per record, per page).
// Parent fields (`Owner.Profile.Name`) become LEFT JOINs on the reference field, so a missing
// parent yields NULLs and renders as `null` (protocol §2.3). A parent-to-child sub-query
// becomes a child plan whose match_sql takes the parent's Id as its first parameter.
//
// An aggregate query (an aggregate function or GROUP BY) runs in one step: match_sql yields the
// groups' values directly, one row per AggregateResult.
//
// Semantics chosen where SQL and SOQL differ (see README):
//   - text comparisons are case-insensitive (SOQL), Id comparisons exact after 15->18 mapping;
//   - `!=` and NOT IN treat null as a value (`Industry != 'x'` matches a null Industry), and
//     NOT applies to null-free truth values;
//   - datetimes compare as instants (stored as epoch milliseconds); date functions use UTC;
//   - without ORDER BY rows come in Id order and groups in ascending key order; ties in
//     ORDER BY are broken by Id.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"
#include "tests/emulator/soql/ast.h"
#include "tests/emulator/soql/soql_error.h"

namespace sfsync::emulator {

// One key of a rendered record, in SELECT order.
struct OutputNode {
  enum class Kind {
    kField,         // a stored or formula field
    kBlob,          // a base64 field: rendered as its blob URL (protocol §2.4)
    kAddress,       // compound address
    kLocation,      // compound geolocation
    kRelationship,  // a parent, nested with its own attributes
    kSubquery,      // a child relationship's records, a nested QueryResult
    kValue,         // an AggregateResult value, rendered as `value_type`
  };
  Kind kind = Kind::kField;
  std::string key;                    // canonical field, relationship or alias name
  const FieldDef* field = nullptr;    // kField, kBlob, kAddress, kLocation
  const ObjectDef* object = nullptr;  // kRelationship: the parent's type; kBlob: the owner
  // kField, kValue: its column in row_sql (match_sql for kValue); kRelationship: the parent's
  // Id column; kBlob: the field's column; kSubquery: the parent's Id column.
  int column = -1;
  int id_column = -1;  // kBlob: the owning record's Id column
  // kRelationship through a polymorphic lookup: the column holding the parent's real type
  // (`object` is then the Name object); -1 otherwise.
  int type_column = -1;
  // kAddress: columns of Street, City, State, PostalCode, Country, Latitude, Longitude,
  // GeocodeAccuracy; kLocation: Latitude, Longitude.
  std::vector<int> component_columns;
  std::vector<OutputNode> children;  // kRelationship
  size_t child_plan = 0;             // kSubquery: index in CompiledQuery::children
  FieldType value_type = FieldType::kString;  // kValue
};

struct CompiledQuery {
  const ObjectDef* object = nullptr;
  bool count_only = false;
  bool aggregate = false;
  std::optional<int64_t> limit;
  // Record query: SELECT t0._row ... ORDER BY ... LIMIT. COUNT(): SELECT COUNT(*) ...
  // Aggregate query: SELECT <values> ... GROUP BY ... ORDER BY ... LIMIT.
  std::string match_sql;
  std::vector<Value> match_params;
  // Record query: SELECT t0."Id", <selected columns> ... WHERE t0._row = ?
  std::string row_sql;
  std::vector<OutputNode> output;
  // Parent-to-child sub-queries; their match_sql's first parameter is the parent's Id.
  std::vector<std::shared_ptr<const CompiledQuery>> children;
  // Selected long text areas, sub-queries included (they shrink pages, protocol §2.2).
  int long_text_fields = 0;
  // Every object the query reads; a schema change to one of them invalidates its cursors.
  std::set<std::string> objects;
};

// `include_deleted` is queryAll (for sub-queries too). Errors carry the offset of the
// offending token.
std::optional<CompiledQuery> CompileSoql(const SoqlQuery& query, const Schema& schema,
                                         bool include_deleted, SoqlError* error);

// SELECT of every visible field of `object` (compound fields included), for the admin API
// and sObject GET.
SoqlQuery SelectAllFields(const ObjectDef& object);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_
