// Pushing one table's captured changes to Salesforce (README "Push-back").
//
// Per operation, in sObject Collections calls of up to 200 records (allOrNone false):
//   inserts  upserted on the table's external-id field with a key the push writes into the row (and
//            the outbox) before the call goes out, so a call whose answer is lost and is sent again
//            finds the record it created; without a key field, plain creates only when the job accepts
//            at-least-once delivery. A lookup still holding a local Id waits for its parent's insert.
//   updates  only the changed fields, after a conflict check: the server's current values of those
//            fields are read first (Collections retrieve, 2,000 Ids a call). Per field: the server
//            still holds the base -> send ours; it holds ours already -> nothing to send; another
//            value -> a conflict, settled by the job's policy (manual: the record waits in
//            _sfsync_conflicts; remote_wins: the row takes the server's value; local_wins: send
//            ours). A record gone from the server is a conflict (deleted_remotely).
//   deletes  by Id, after reading the server's SystemModstamp: a record changed since the local
//            delete's base is a conflict (edited_remotely) unless the policy says otherwise; a
//            record already gone is done; a delete Salesforce refuses restores the row from the server.
//
// Each change is marked SENT before its call and gets its outcome after: DONE, FAILED (kept with
// statusCode, message and fields until the row is edited or `push --retry`), CONFLICT, or PENDING
// for transient failures (UNABLE_TO_LOCK_ROW, ALL_OR_NONE_OPERATION_ROLLED_BACK), which are tried
// again in later rounds of the same push and in later pushes. A call that failed as a whole leaves its
// changes SENT: their outcome is unknown, and the next push sends them again (safe: updates and
// deletes repeat harmlessly, inserts are keyed).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/salesforce/http/rest_client.h"
#include "connectors/salesforce/write/collections.h"
#include "engine/core/clock.h"
#include "engine/push/push_plan.h"
#include "engine/store/store.h"

namespace sfsync::push {

struct PushSettings {
  std::string conflicts = "manual";  // manual | remote_wins | local_wins
  bool dry_run = false;              // read and decide, write nothing (here or in Salesforce)
  int max_rounds = 3;                // rounds for transient failures within one push
  std::chrono::milliseconds round_backoff{1000};  // before round n: n * this
  int64_t run_id = 0;
  const std::atomic<bool>* stop = nullptr;
  // More records than this for one object and operation go as one Bulk API 2.0 ingest job instead of
  // Collections calls; 0: never (job key push_bulk_threshold).
  int64_t bulk_threshold = 10000;
  std::chrono::milliseconds bulk_poll_initial{500};
};

struct ObjectPushStats {
  std::string object;
  std::string table;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
  int64_t already_done = 0;  // the server held the change already, or nothing was left to send
  int64_t conflicts = 0;
  int64_t failed = 0;
  int64_t waiting = 0;       // transient failures and inserts waiting for a parent: the next push sends them
  int64_t unknown = 0;       // sent, but the call's answer was lost: the next push sends them again
  int64_t write_calls = 0;   // Collections create/update/upsert/delete calls
  int64_t read_calls = 0;    // conflict reads (Collections retrieve)
  int64_t bulk_jobs = 0;     // Bulk API 2.0 ingest jobs (each several calls: create, upload, close, polls, results)
  std::vector<std::string> plan;  // dry run: what would be sent
};

class ObjectPusher {
 public:
  // `lookups`: every (table, column) of the pushed tables that may point at this object's records,
  // rewritten when an insert gets its Id. All pointers must outlive the pusher.
  ObjectPusher(salesforce::RestClient* client, store::Store* store, Clock* clock, const PushTable* table,
               std::vector<std::pair<std::string, std::string>> lookups, PushSettings settings);

  // Inserts and updates. Errors: a call that failed as a whole in a way that would fail the next one
  // too (the API limit, the network, the database); the changes keep their states.
  Status PushUpserts(ObjectPushStats* stats);
  // Deletes (run after every table's inserts and updates, children first).
  Status PushDeletes(ObjectPushStats* stats);

 private:
  struct Round;
  Status UpsertRound(const std::vector<store::Change>& changes, ObjectPushStats* stats,
                     std::vector<int64_t>* retry);
  Status SendUpdates(std::vector<store::Change*> changes, ObjectPushStats* stats,
                     std::vector<store::ChangeOutcome>* outcomes, std::vector<int64_t>* retry);
  Status SendInserts(std::vector<store::Change*> changes, ObjectPushStats* stats,
                     std::vector<store::ChangeOutcome>* outcomes, std::vector<int64_t>* retry);
  Status DeleteRound(const std::vector<store::Change>& changes, ObjectPushStats* stats, std::vector<int64_t>* retry);
  // Sends `writes` (keys parallel: Id, or the external-id key for upsert) as one ingest job when
  // there are more than bulk_threshold, else in Collections calls of 200 through `collections`.
  bool UseBulk(size_t records) const {
    return settings_.bulk_threshold > 0 && static_cast<int64_t>(records) > settings_.bulk_threshold;
  }
  StatusOr<std::vector<salesforce::SaveResult>> SendBulk(const std::string& operation,
                                                         const std::vector<salesforce::RecordWrite>& writes,
                                                         const std::vector<std::string>& keys, ObjectPushStats* stats);
  // The server rows of `ids` with every own field of the table, for restoring refused deletes.
  StatusOr<RowBatch> ServerRows(const std::vector<std::string>& ids, ObjectPushStats* stats);
  bool Stopping() const { return settings_.stop != nullptr && settings_.stop->load(); }

  salesforce::RestClient* client_;
  store::Store* store_;
  Clock* clock_;
  const PushTable* table_;
  std::vector<std::pair<std::string, std::string>> lookups_;
  PushSettings settings_;
  std::vector<int64_t> waiting_;  // this round's changes whose lookups point at records not pushed yet
};

}  // namespace sfsync::push
