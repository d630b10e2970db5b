// Plans aggregate queries: aggregate functions, GROUP BY, date functions, aliases. Internal to
// soql/; CompileSoql() dispatches here.
//
// Rules checked, as Salesforce does: every non-aggregate SELECT item must be grouped
// ("Field must be grouped or aggregated"), ORDER BY may only name grouped expressions or
// aggregates, grouped fields must be groupable, SUM/AVG need numbers. Keys are the field name
// for a grouped field (without its relationship path), the alias when given, else expr0,
// expr1, ... in SELECT order over the unaliased function items.
#ifndef SFSYNC_TESTS_EMULATOR_SOQL_AGGREGATE_PLANNER_H_
#define SFSYNC_TESTS_EMULATOR_SOQL_AGGREGATE_PLANNER_H_

#include <optional>

#include "tests/emulator/soql/planner.h"

namespace sfsync::emulator {

std::optional<CompiledQuery> CompileAggregate(const SoqlQuery& query, const Schema& schema, const ObjectDef& object,
                                              bool include_deleted, SoqlError* error);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_SOQL_AGGREGATE_PLANNER_H_
