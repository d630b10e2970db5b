// What push-back needs to know about one table, built from the object's sync plan and describe:
// which columns are sent on update and on create (and why the others are not), the column holding
// the base stamp, the external-id column inserts are keyed on, and the lookups that may point at
// records of other pushed tables (for insert order and for rewriting local Ids).
#pragma once

#include <string>
#include <vector>

#include "connectors/salesforce/read/describe.h"
#include "engine/config/job.h"
#include "engine/core/statusor.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"

namespace sfsync::push {

struct PushColumn {
  std::string name;    // SQL column
  std::string field;   // API field name (the column's source); empty for flattened parent paths
  store::ColumnType type = store::ColumnType::kText;
  bool updateable = false;
  bool createable = false;
  std::string why_not;  // why it is not pushable (shown when an edit is refused)
  std::vector<std::string> reference_to;  // lookups: the objects it may point at
};

struct PushTable {
  std::string object;
  std::string table;
  store::TableSpec spec;
  std::vector<PushColumn> columns;  // every spec column but Id, in spec order
  std::string stamp_column;         // the SystemModstamp column; empty when not synced
  std::string key_field;            // external_id (API name); empty when none
  std::string key_column;           // its SQL column
  bool at_least_once_inserts = false;

  const PushColumn* Column(const std::string& name) const;  // ASCII-case-insensitive; nullptr if absent
  // The capture triggers' view of the table.
  store::CaptureSpec Capture() const;
  // Columns sent on create: createable, own fields (not the key: it is set by the push).
  std::vector<std::string> InsertColumns() const;
};

// Errors (kInvalidArgument, reason "push.config"): external_id is not a field of the object, not an
// external-id or idLookup text field, or not among the synced fields.
StatusOr<PushTable> PlanPushTable(const config::ObjectConfig& config, const sync::ObjectPlan& plan,
                                  const salesforce::SObjectInfo& info);

}  // namespace sfsync::push
