// ObjectPusher: deletes, children first, with the edited-since check and restores of refused ones.
#include "engine/push/pusher.h"

#include <fmt/format.h>

#include "connectors/salesforce/write/bulk_ingest.h"
#include "connectors/salesforce/write/collections.h"
#include "engine/core/log.h"
#include "engine/push/pusher_internal.h"
#include "engine/push/values.h"

namespace sfsync::push {

using namespace internal;  // NOLINT: the pusher's own helpers

Status ObjectPusher::PushDeletes(ObjectPushStats* stats) {
  std::vector<int64_t> retry;
  for (int round = 1; round <= std::max(1, settings_.max_rounds); ++round) {
    std::vector<std::string> states = {"PENDING"};
    if (round == 1) states.push_back("SENT");
    SFSYNC_ASSIGN_OR_RETURN(std::vector<Change> all, store_->ListChanges(table_->table, states, {}));
    std::vector<Change> changes;
    for (Change& c : all) {
      if (c.op != "delete") continue;
      if (round > 1 && std::find(retry.begin(), retry.end(), c.change_id) == retry.end()) continue;
      changes.push_back(std::move(c));
    }
    if (changes.empty() || Stopping()) break;
    if (round > 1) clock_->SleepFor(settings_.round_backoff * (round - 1));
    retry.clear();
    SFSYNC_RETURN_IF_ERROR(DeleteRound(changes, stats, &retry));
    if (retry.empty() || settings_.dry_run) break;
  }
  stats->waiting += static_cast<int64_t>(retry.size());
  return Status::Ok();
}

Status ObjectPusher::DeleteRound(const std::vector<Change>& changes, ObjectPushStats* stats,
                                 std::vector<int64_t>* retry) {
  const PushColumn* stamp = table_->stamp_column.empty() ? nullptr : table_->Column(table_->stamp_column);
  const std::string stamp_field = stamp != nullptr ? stamp->field : "Id";
  std::vector<std::optional<salesforce::RetrievedRecord>> server;
  SFSYNC_RETURN_IF_ERROR(ForChunks(changes, salesforce::kRetrieveMaxIds, [&](const std::vector<Change>& chunk) -> Status {
    // A delete of a row inserted locally whose insert never reached Salesforce has nothing to delete.
    std::vector<std::string> ids;
    for (const Change& c : chunk) {
      if (salesforce::IsRecordId(c.id)) ids.push_back(c.id);
    }
    std::vector<std::optional<salesforce::RetrievedRecord>> records;
    if (!ids.empty()) {
      ++stats->read_calls;
      SFSYNC_ASSIGN_OR_RETURN(records, salesforce::RetrieveRecords(client_, table_->object, ids, {"Id", stamp_field}));
    }
    size_t next = 0;
    for (const Change& c : chunk) {
      server.push_back(!salesforce::IsRecordId(c.id) ? std::nullopt : records[next++]);
    }
    return Status::Ok();
  }));
  std::vector<ChangeOutcome> outcomes;
  std::vector<std::string> restore_ids;
  std::vector<const Change*> sends;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    if (!server[i].has_value() || !salesforce::IsRecordId(c.id)) {
      ++stats->already_done;
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} delete {}: nothing to send (deleted in Salesforce already)", table_->table, c.id));
      }
      outcomes.push_back(LocalOutcome(c.change_id, "DONE", "", "deleted in Salesforce already"));
      continue;
    }
    const std::string remote_stamp =
        stamp != nullptr ? ServerValueStored(server[i]->at(stamp_field), stamp->type).s : std::string();
    bool edited = stamp != nullptr && !c.base_stamp.empty() && remote_stamp != c.base_stamp;
    const bool keep = c.insert_key == "restore";  // a conflict resolved with --take remote
    if (keep || (edited && settings_.conflicts == "remote_wins")) {
      ++stats->already_done;
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} delete {}: not sent, the row is restored from Salesforce", table_->table, c.id));
      }
      ChangeOutcome o = LocalOutcome(c.change_id, "DONE", "", "kept in Salesforce; the row was restored from it");
      o.restore = true;
      outcomes.push_back(std::move(o));
      restore_ids.push_back(c.id);
      continue;
    }
    if (edited && settings_.conflicts == "manual") {
      ++stats->conflicts;
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} delete {}: CONFLICT (edited in Salesforce at {})", table_->table, c.id,
                                          remote_stamp));
      }
      ChangeOutcome o = LocalOutcome(c.change_id, "CONFLICT", "SFSYNC_CONFLICT",
                                     "the record was edited in Salesforce after it was deleted locally");
      o.conflicts.push_back(Conflict{0, 0, "", "", "edited_remotely", "", Cell::Text(c.base_stamp), Cell::Null(),
                                     Cell::Text(remote_stamp), ""});
      outcomes.push_back(std::move(o));
      continue;
    }
    sends.push_back(&c);
  }
  if (settings_.dry_run) {
    std::vector<std::string> ids;
    for (const Change* c : sends) ids.push_back(c->id);
    PlanSends(table_->table, "delete", ids, std::vector<std::vector<std::string>>(ids.size()), UseBulk(sends.size()),
              &stats->deleted, stats);
    return Status::Ok();
  }
  Status call_status;
  if (!sends.empty()) {
    std::vector<store::SentChange> sent;
    for (const Change* c : sends) sent.push_back({c->change_id, "", ""});
    SFSYNC_RETURN_IF_ERROR(store_->MarkSent(table_->table, sent, settings_.run_id));
    const bool bulk = UseBulk(sends.size());
    for (size_t start = 0; start < sends.size(); start += bulk ? sends.size() : salesforce::kCollectionsMaxRecords) {
      if (Stopping()) {
        stats->unknown += static_cast<int64_t>(sends.size() - start);
        call_status = CancelledError("push stopped by a signal");
        break;
      }
      const size_t end = bulk ? sends.size() : std::min(sends.size(), start + salesforce::kCollectionsMaxRecords);
      std::vector<std::string> ids;
      for (size_t i = start; i < end; ++i) ids.push_back(sends[i]->id);
      StatusOr<std::vector<SaveResult>> results = [&]() -> StatusOr<std::vector<SaveResult>> {
        if (!bulk) {
          ++stats->write_calls;
          return salesforce::DeleteRecords(client_, ids);
        }
        std::vector<RecordWrite> writes;
        for (const std::string& id : ids) writes.push_back({id, {}});
        return SendBulk("delete", writes, ids, stats);
      }();
      if (!results.ok()) {
        stats->unknown += static_cast<int64_t>(sends.size() - start);
        call_status = results.status();
        break;
      }
      for (size_t i = start; i < end; ++i) {
        const SaveResult& r = (*results)[i - start];
        const int64_t id = sends[i]->change_id;
        switch (Classify(r)) {
          case Verdict::kDone:
          case Verdict::kEntityDeleted:  // deleted already: a repeated delete is done
            ++stats->deleted;
            outcomes.push_back(LocalOutcome(id, "DONE", "", ""));
            break;
          case Verdict::kTransient:
            retry->push_back(id);
            outcomes.push_back(OutcomeOf(id, "PENDING", r));
            break;
          case Verdict::kFailed: {
            // No incremental pull would bring the row back (the record did not change): restore it now.
            ++stats->failed;
            ChangeOutcome o = OutcomeOf(id, "FAILED", r);
            o.restore = true;
            outcomes.push_back(std::move(o));
            restore_ids.push_back(sends[i]->id);
            break;
          }
        }
      }
    }
  }
  RowBatch restore;
  if (!restore_ids.empty()) {
    StatusOr<RowBatch> rows = ServerRows(restore_ids, stats);
    if (!rows.ok()) {
      // The server's version could not be read: restore what the row was; the rest waits for a pull.
      SFSYNC_LOG(kWarn, "{}: could not read the records of refused deletes back ({}); restored from the local copy",
                 table_->object, rows.status().message());
    } else {
      restore = std::move(*rows);
    }
  }
  SFSYNC_RETURN_IF_ERROR(store_->RecordOutcomes(table_->spec, outcomes, {}, restore));
  return call_status;
}

StatusOr<RowBatch> ObjectPusher::ServerRows(const std::vector<std::string>& ids, ObjectPushStats* stats) {
  RowBatch batch;
  std::vector<std::string> fields;
  for (const store::ColumnSpec& c : table_->spec.columns) {
    if (c.source.find('.') == std::string::npos) fields.push_back(c.source);
  }
  batch.columns = fields;
  SFSYNC_RETURN_IF_ERROR(ForChunks(ids, salesforce::kRetrieveMaxIds, [&](const std::vector<std::string>& chunk) -> Status {
    ++stats->read_calls;
    SFSYNC_ASSIGN_OR_RETURN(auto records, salesforce::RetrieveRecords(client_, table_->object, chunk, fields));
    for (const auto& record : records) {
      if (!record) continue;
      for (const std::string& f : fields) batch.cells.push_back(record->at(f));
    }
    return Status::Ok();
  }));
  return batch;
}

}  // namespace sfsync::push
