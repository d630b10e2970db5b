// Resolves a parsed SOQL query against the org's schema and translates it to SQL.
//
// A query runs in two steps, which is what makes cursors cheap:
//   1. match_sql picks the matching rows, in order, as `_row` ids (run once, at query time);
//   2. row_sql fetches one row's selected values by `_row` (run per record, per page).
// Parent fields (`Owner.Profile.Name`) become LEFT JOINs on the reference field, so a missing
// parent yields NULLs and renders as `null` (protocol §2.3).
//
// Semantics chosen where SQL and SOQL differ (see README):
//   - text comparisons are case-insensitive (SOQL), Id comparisons exact after 15->18 mapping;
//   - `!=` and NOT IN treat null as a value (`Industry != 'x'` matches a null Industry), and
//     NOT applies to null-free truth values;
//   - datetimes compare as instants (stored as epoch milliseconds);
//   - without ORDER BY rows come in Id order; ties in ORDER BY are broken by Id.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_

#include <optional>
#include <string>
#include <vector>

#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"
#include "tests/emulator/soql/ast.h"
#include "tests/emulator/soql/soql_error.h"

namespace sfsync::emulator {

// One key of a rendered record, in SELECT order.
struct OutputNode {
  enum class Kind { kField, kAddress, kRelationship };
  Kind kind = Kind::kField;
  std::string key;                // canonical field or relationship name
  const FieldDef* field = nullptr;      // kField, kAddress
  const ObjectDef* object = nullptr;    // kRelationship: the parent's type
  int column = -1;  // kField: its column in row_sql; kRelationship: the parent's Id column
  // kAddress: columns of Street, City, State, PostalCode, Country, Latitude, Longitude,
  // GeocodeAccuracy.
  std::vector<int> address_columns;
  std::vector<OutputNode> children;  // kRelationship
};

struct CompiledQuery {
  const ObjectDef* object = nullptr;
  bool count_only = false;
  std::optional<int64_t> limit;
  // SELECT t0._row ... ORDER BY ... LIMIT (or SELECT COUNT(*) ... for COUNT()).
  std::string match_sql;
  std::vector<Value> match_params;
  // SELECT t0."Id", <selected columns> ... WHERE t0._row = ?
  std::string row_sql;
  std::vector<OutputNode> output;
};

// `include_deleted` is queryAll. Errors carry the offset of the offending token.
std::optional<CompiledQuery> CompileSoql(const SoqlQuery& query, const Schema& schema,
                                         bool include_deleted, SoqlError* error);

// SELECT of every visible field of `object` (compound addresses included), for the admin API.
SoqlQuery SelectAllFields(const ObjectDef& object);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_PLANNER_H_
