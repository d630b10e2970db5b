// Push-back bookkeeping, written once for both stores over SqlSession (sql_session.h): the capture
// log folded into the outbox, what a pull must leave alone, the outbox read for a push and written
// with its outcomes, and conflicts (engine/store/README.md, "Push-back").
//
// Every function runs inside a write transaction its store opened as an engine write (SQLite's
// EngineWrite, PostgreSQL's `sfsync.applying`), so nothing written here is captured as a local
// edit; none opens or commits a transaction. Each store calls Fold first in each such transaction,
// so every edit made since is seen.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/core/row.h"
#include "engine/core/statusor.h"
#include "engine/store/sql_session.h"
#include "engine/store/store.h"

namespace sfsync::store::outbox {

// Open changes (PENDING, SENT, FAILED, CONFLICT) of one row, as the pull sees them.
struct PendingRow {
  int64_t change_id = 0;             // the open change holding the columns (0: only a SENT one)
  std::string op;                    // insert | update | delete (of the newest change)
  std::vector<std::string> columns;  // update: the columns with a local value not yet pushed
};

// Folds the capture log (_sfsync_capture) into _sfsync_outbox, in order, and empties what it
// folded; one read when the log is empty.
Status Fold(SqlSession& s);

// The open changes of `ids` in `table`; empty, after one query, when the table has none.
StatusOr<std::unordered_map<std::string, PendingRow>> PendingRows(SqlSession& s, const std::string& table,
                                                                  const std::vector<std::string>& ids);

// What a page of pulled rows must leave alone. A row with a pending local insert or delete is not
// written (skip); a row with pending local edits is written, then those columns get their local
// values back and the server's are set aside for the push's conflict check (keep).
struct PagePending {
  struct Keep {
    std::string id;
    PendingRow pending;        // its columns are the ones this page carries
    std::vector<Cell> local;   // their values before the page
    std::vector<Cell> server;  // the page's values, in the storage form
  };
  std::vector<bool> skip;  // per page row; empty when nothing is skipped
  std::vector<Keep> keep;
  bool empty() const { return skip.empty() && keep.empty(); }
};
// Call before writing the page (`columns` parallel to rows.columns, `id_index` the Id column).
StatusOr<PagePending> BeforePage(SqlSession& s, const std::string& table, const std::vector<const ColumnSpec*>& columns,
                                 const RowBatch& rows, size_t id_index);
// Call after writing it.
Status AfterPage(SqlSession& s, const std::string& table, const PagePending& pending);

// Of rows the server deleted (`ids`), those the pull must not delete: every row with an open local
// change. A locally edited one is flagged remote_deleted, so the push reports the conflict.
StatusOr<std::unordered_set<std::string>> HoldDeletes(SqlSession& s, const std::string& table,
                                                      const std::vector<std::string>& ids);

// Store::ListChanges, MarkSent, RequeueFailed, CountChanges, ListConflicts, ResolveConflict (store.h).
StatusOr<std::vector<Change>> ListChanges(SqlSession& s, const std::string& table,
                                          const std::vector<std::string>& states,
                                          const std::vector<std::string>& insert_columns);
Status MarkSent(SqlSession& s, const std::string& table, const std::vector<SentChange>& sent, int64_t run_id);
StatusOr<int64_t> RequeueFailed(SqlSession& s, const std::string& table);
StatusOr<std::vector<std::tuple<std::string, std::string, int64_t>>> CountChanges(SqlSession& s);
StatusOr<std::vector<Conflict>> ListConflicts(SqlSession& s, const std::string& table);
Status ResolveConflict(SqlSession& s, int64_t conflict_id, const std::string& take, const Cell& value);

// Store::RecordOutcomes but for its `restore` rows, which the store then writes as a pull would.
Status RecordOutcomes(SqlSession& s, const std::string& table, const std::vector<ChangeOutcome>& outcomes,
                      const std::vector<std::pair<std::string, std::string>>& lookups);

}  // namespace sfsync::store::outbox
