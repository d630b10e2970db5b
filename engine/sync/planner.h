// Planning one object's sync from the job's object entry and the object's describe: which fields,
// in which columns of which types, which cursor, which query endpoint.
//
// Rules (README.md "Job files" and "Type mapping"):
//  - `fields: "*"` = every field of the describe that is stored (type_map.h), minus `exclude`, minus
//    calculated fields when `formula_fields: exclude`.
//  - An explicit list is resolved case-insensitively to canonical API names; a parent path
//    (Account.Name, Owner.Profile.Name) is resolved through each relationship's describe; a compound
//    field (BillingAddress) expands to its components. An unknown field is an error naming it.
//  - Id, the cursor field and (unless deletes: ignore) IsDeleted are always selected.
//  - Column names are the field paths with '.' replaced by '_' (Account.Name -> Account_Name).
//  - The cursor is the job's cursor_field (a filterable datetime field), else SystemModstamp, else
//    LastModifiedDate, else CreatedDate (protocol §5.1); an object with none of them is synced in full
//    every run. Each parent relationship whose fields are
//    flattened gets a cursor too (SystemModstamp, else LastModifiedDate of the parent), except a path
//    through a polymorphic lookup (Owner on Lead/Case, What, Who): those parent fields come from
//    Salesforce's Name object, which has no stamp, so they are listed in unrefreshed_parents and are
//    only as fresh as the child row (README "Polymorphic parents").
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "connectors/salesforce/read/describe.h"
#include "engine/config/job.h"
#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::sync {

struct ObjectPlan {
  std::string object;              // canonical API name
  store::TableSpec table;          // table.columns[i].source == select[i]
  std::vector<std::string> select; // canonical field paths; select[0] == "Id"
  std::string cursor_field;        // empty when the object has no usable timestamp
  bool incremental = false;        // mode incremental and a cursor exists
  bool query_all = false;          // read soft-deleted rows through queryAll (deletes != ignore)
  bool replicateable = false;      // getDeleted works for it (protocol §4.1, §5.3)
  std::string deletes = "soft";    // soft | hard | ignore
  std::string where;               // the job's condition, verbatim; may be empty
  int batch_size = 2000;
  int64_t min_rows_per_slice = 20000;
  int64_t bulk_max_records = 50000;  // rows per Bulk results page (maxRecords)  // REST loads of twice this are sliced (load_slices.h); 0: never
  std::string api = "rest";        // rest | bulk | auto: how loads read (load_cursor.h)
  bool history = false;            // keep row versions (store.h EnsureHistory)
  // Parents whose fields are flattened into the table, with the field that tells when a parent
  // changed: a rename of an Account must reach the Account_Name of its Contacts, whose own stamps
  // do not move. {"Account", "SystemModstamp"}, {"Owner.Profile", "SystemModstamp"}, ...
  struct ParentCursor {
    std::string path;
    std::string field;
  };
  std::vector<ParentCursor> parent_cursors;
  // Flattened parent paths with no cursor (through a polymorphic lookup), e.g. "Owner", "What".
  std::vector<std::string> unrefreshed_parents;
  int cursor_column = -1;          // index into select, or -1
  int is_deleted_column = -1;      // index into select, or -1
};

// Describes another object (a relationship's target). Implementations cache.
using DescribeFn = std::function<StatusOr<salesforce::SObjectInfo>(const std::string& object)>;

// Errors: kInvalidArgument (reason "plan.invalid_field" or "plan.invalid_object") naming the object
// and field; errors from `describe` are passed through.
StatusOr<ObjectPlan> PlanObject(const config::ObjectConfig& config, const salesforce::SObjectInfo& info,
                                const DescribeFn& describe);

// The SQL column name for a field path.
std::string ColumnNameForPath(std::string_view path);

}  // namespace sfsync::sync
