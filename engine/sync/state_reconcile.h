// What a table's stored sync state means for this run. The state belongs to the table it fills
// (store::SyncState), and records which job fills it and with what query (store::TableClaim). A
// change of that query can make the stored rows or the watermark wrong for the new one, so before
// anything is read the stored claim is compared with this run's:
//
//   stored vs this run                     what happens
//   no state, or a version 1 state         the table is claimed; the shape is adopted as it is
//   another job                            refused (another job fills this table), unless take_over
//   another object                         refused: the table holds another object's rows
//   another org                            the watermark starts again and a full pass is owed: the
//                                          other org's rows that this one does not have are swept
//   another cursor field                   the watermark starts again (a new load; the deletes
//                                          horizon is kept, since deletes are checked by time)
//   another `where`                        a full pass is owed: rows that now match are read,
//                                          rows that no longer match are removed (or flagged)
//   deletes ignore -> soft|hard, hard -> soft   a full pass is owed: rows deleted meanwhile are
//                                          removed, recycle-bin rows come back flagged
//   deletes soft -> hard                   rows flagged IsDeleted are removed (purge_flagged)
//   fields, mode                           nothing here: EnsureTable adds columns and backfills them
//
// Refusals are kFailedPrecondition with reason store::kRefusedReason (exit code 7), and write nothing.
#pragma once

#include <string>
#include <vector>

#include "engine/core/statusor.h"
#include "engine/store/store.h"

namespace sfsync::sync {

struct ReconciledState {
  store::SyncState state;            // what to store before reading (== the stored one when nothing changed)
  bool purge_flagged = false;        // delete the rows flagged IsDeleted (deletes: soft -> hard)
  std::vector<std::string> notices;  // what changed and what it causes, one line each, for the log
};

// `now` is this run's claim of `table`; `cursor_field` the cursor this run's plan chose (empty when
// the object has none); `take_over` hands a table claimed by another job to this one.
StatusOr<ReconciledState> ReconcileState(const std::string& table, const store::SyncState& stored,
                                         const store::TableClaim& now, const std::string& cursor_field,
                                         bool take_over);

}  // namespace sfsync::sync
