// ObjectPusher: rounds, inserts and updates (pusher_deletes.cc: deletes and restores).
#include "engine/push/pusher.h"

#include <fmt/format.h>

#include "connectors/salesforce/write/bulk_ingest.h"
#include "connectors/salesforce/write/collections.h"
#include "engine/core/log.h"
#include "engine/push/pusher_internal.h"
#include "engine/push/values.h"

namespace sfsync::push {

using namespace internal;  // NOLINT: the pusher's own helpers

ObjectPusher::ObjectPusher(salesforce::RestClient* client, store::Store* store, Clock* clock, const PushTable* table,
                           std::vector<std::pair<std::string, std::string>> lookups, PushSettings settings)
    : client_(client),
      store_(store),
      clock_(clock),
      table_(table),
      lookups_(std::move(lookups)),
      settings_(std::move(settings)) {}

Status ObjectPusher::PushUpserts(ObjectPushStats* stats) {
  std::vector<int64_t> next;       // the changes the next round sends
  std::vector<int64_t> transient;  // this round's passing failures
  for (int round = 1; round <= std::max(1, settings_.max_rounds); ++round) {
    std::vector<std::string> states = {"PENDING"};
    if (round == 1) states.push_back("SENT");
    SFSYNC_ASSIGN_OR_RETURN(std::vector<Change> all, store_->ListChanges(table_->table, states, table_->InsertColumns()));
    std::vector<Change> changes;
    for (Change& c : all) {
      if (c.op == "delete") continue;
      if (round > 1 && std::find(next.begin(), next.end(), c.change_id) == next.end()) continue;
      changes.push_back(std::move(c));
    }
    if (changes.empty() || Stopping()) {
      if (changes.empty()) transient.clear(), waiting_.clear();
      break;
    }
    if (round > 1) {
      SFSYNC_LOG(kInfo, "{}: {} changes to send again (passing failures, or records waiting for a new parent); round {}",
                 table_->object, changes.size(), round);
      clock_->SleepFor(settings_.round_backoff * (round - 1));
    }
    transient.clear();
    waiting_.clear();
    const int64_t inserted_before = stats->inserted;
    SFSYNC_RETURN_IF_ERROR(UpsertRound(changes, stats, &transient));
    next = transient;
    // Records waiting for a parent inserted in this round (a lookup within the table) can go now.
    if (stats->inserted > inserted_before) next.insert(next.end(), waiting_.begin(), waiting_.end());
    if (next.empty() || settings_.dry_run) break;
  }
  stats->waiting += static_cast<int64_t>(transient.size() + waiting_.size());
  return Status::Ok();
}

Status ObjectPusher::UpsertRound(const std::vector<Change>& changes, ObjectPushStats* stats,
                                 std::vector<int64_t>* retry) {
  std::vector<Change> own = changes;
  std::vector<Change*> inserts, updates;
  for (Change& c : own) (c.op == "insert" ? inserts : updates).push_back(&c);
  std::vector<ChangeOutcome> outcomes;
  Status s = SendInserts(inserts, stats, &outcomes, retry);
  if (s.ok()) s = SendUpdates(updates, stats, &outcomes, retry);
  if (!settings_.dry_run && !outcomes.empty()) {
    SFSYNC_RETURN_IF_ERROR(store_->RecordOutcomes(table_->spec, outcomes, lookups_, RowBatch{}));
  }
  return s;
}

Status ObjectPusher::SendUpdates(std::vector<Change*> changes, ObjectPushStats* stats,
                                 std::vector<ChangeOutcome>* outcomes, std::vector<int64_t>* retry) {
  // Updates left with nothing to send (edited back to their base) are done without a call.
  std::vector<Change*> live;
  for (Change* c : changes) {
    if (c->columns.empty()) {
      ++stats->already_done;
      if (!settings_.dry_run) outcomes->push_back(LocalOutcome(c->change_id, "DONE", "", "nothing left to send"));
    } else {
      live.push_back(c);
    }
  }
  if (live.empty()) return Status::Ok();

  // The conflict check: the server's current values of the changed fields.
  std::vector<std::string> fields = {"Id"};
  for (Change* c : live) {
    for (const auto& col : c->columns) {
      const PushColumn* pc = table_->Column(col.name);
      if (pc != nullptr && std::find(fields.begin(), fields.end(), pc->field) == fields.end()) fields.push_back(pc->field);
    }
  }
  std::vector<std::optional<salesforce::RetrievedRecord>> server;
  SFSYNC_RETURN_IF_ERROR(ForChunks(live, salesforce::kRetrieveMaxIds, [&](const std::vector<Change*>& chunk) -> Status {
    std::vector<std::string> ids;
    for (Change* c : chunk) ids.push_back(c->id);
    ++stats->read_calls;
    SFSYNC_ASSIGN_OR_RETURN(auto records, salesforce::RetrieveRecords(client_, table_->object, ids, fields));
    server.insert(server.end(), records.begin(), records.end());
    return Status::Ok();
  }));

  struct Send {
    Change* change;
    RecordWrite write;
    std::vector<std::pair<std::string, Cell>> take_remote;
  };
  std::vector<Send> sends;
  for (size_t i = 0; i < live.size(); ++i) {
    Change* c = live[i];
    if (!server[i].has_value()) {
      ++stats->conflicts;
      ChangeOutcome o = LocalOutcome(c->change_id, "CONFLICT", "ENTITY_IS_DELETED",
                                     "the record was deleted in Salesforce after this local edit");
      o.conflicts.push_back(Conflict{0, 0, "", "", "deleted_remotely", "", Cell::Null(), Cell::Null(), Cell::Null(), ""});
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} update {}: CONFLICT (deleted in Salesforce)", table_->table, c->id));
      } else {
        outcomes->push_back(std::move(o));
      }
      continue;
    }
    Send send{c, {c->id, {}}, {}};
    std::vector<Conflict> conflicts;
    std::string bad, waits;
    for (const auto& col : c->columns) {
      const PushColumn* pc = table_->Column(col.name);
      if (pc == nullptr || !pc->updateable) {
        // The triggers refuse such edits; these come from a row deleted and inserted again (every
        // column of it compared with the deleted row) or a field Salesforce made read-only since.
        SFSYNC_LOG(kDebug, "{} {}: column {} is not sent ({})", table_->object, c->id, col.name,
                   pc ? pc->why_not : "not synced any more");
        continue;
      }
      const Cell remote = ServerValueStored(server[i]->at(pc->field), pc->type);
      if (SameValue(remote, col.local)) continue;  // the server holds ours already
      const bool clean = SameValue(remote, col.base);
      if (!clean && settings_.conflicts == "manual") {
        conflicts.push_back(Conflict{0, 0, "", "", "field", col.name, col.base, col.local, remote, ""});
        continue;
      }
      if (!clean && settings_.conflicts == "remote_wins") {
        send.take_remote.emplace_back(col.name, remote);
        continue;
      }
      if (!AddField(*pc, col.name, col.local, &send.write, &bad, &waits)) break;
    }
    if (!bad.empty()) {
      ++stats->failed;
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} update {}: FAILED ({})", table_->table, c->id, bad));
      } else {
        outcomes->push_back(LocalOutcome(c->change_id, "FAILED", "SFSYNC_BAD_VALUE", bad));
      }
      continue;
    }
    if (!conflicts.empty()) {
      stats->conflicts += 1;
      if (settings_.dry_run) {
        std::vector<std::string> names;
        for (const Conflict& k : conflicts) names.push_back(k.column);
        stats->plan.push_back(fmt::format("{} update {}: CONFLICT on {}", table_->table, c->id, fmt::join(names, ", ")));
      } else {
        ChangeOutcome o = LocalOutcome(c->change_id, "CONFLICT", "SFSYNC_CONFLICT",
                                       fmt::format("{} field(s) changed in Salesforce to other values", conflicts.size()));
        o.conflicts = std::move(conflicts);
        outcomes->push_back(std::move(o));
      }
      continue;
    }
    if (!waits.empty()) {
      waiting_.push_back(c->change_id);
      if (!settings_.dry_run) outcomes->push_back(LocalOutcome(c->change_id, "PENDING", "SFSYNC_WAITING", waits));
      continue;
    }
    if (send.write.fields.empty()) {
      ++stats->already_done;
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} update {}: nothing to send (Salesforce holds it)", table_->table, c->id));
      } else {
        ChangeOutcome o = LocalOutcome(c->change_id, "DONE", "", "Salesforce held these values already");
        o.take_remote = std::move(send.take_remote);
        outcomes->push_back(std::move(o));
      }
      continue;
    }
    sends.push_back(std::move(send));
  }
  if (settings_.dry_run) {
    PlanWrites(table_->table, "update", sends, UseBulk(sends.size()), &stats->updated, stats);
    return Status::Ok();
  }
  if (sends.empty()) return Status::Ok();
  std::vector<store::SentChange> sent;
  for (const Send& s : sends) sent.push_back({s.change->change_id, "", ""});
  SFSYNC_RETURN_IF_ERROR(store_->MarkSent(table_->table, sent, settings_.run_id));

  auto apply = [&](const Send& s, const SaveResult& r) {
    switch (Classify(r)) {
      case Verdict::kDone: {
        ++stats->updated;
        ChangeOutcome o = LocalOutcome(s.change->change_id, "DONE", "", "");
        o.take_remote = s.take_remote;
        outcomes->push_back(std::move(o));
        break;
      }
      case Verdict::kTransient:
        retry->push_back(s.change->change_id);
        outcomes->push_back(OutcomeOf(s.change->change_id, "PENDING", r));
        break;
      case Verdict::kEntityDeleted: {
        ++stats->conflicts;
        ChangeOutcome o = OutcomeOf(s.change->change_id, "CONFLICT", r);
        o.conflicts.push_back(
            Conflict{0, 0, "", "", "deleted_remotely", "", Cell::Null(), Cell::Null(), Cell::Null(), ""});
        outcomes->push_back(std::move(o));
        break;
      }
      case Verdict::kFailed:
        ++stats->failed;
        outcomes->push_back(OutcomeOf(s.change->change_id, "FAILED", r));
        break;
    }
  };
  if (UseBulk(sends.size())) {
    std::vector<RecordWrite> writes;
    std::vector<std::string> keys;
    for (const Send& s : sends) {
      writes.push_back(s.write);
      keys.push_back(s.change->id);
    }
    StatusOr<std::vector<SaveResult>> results = SendBulk("update", writes, keys, stats);
    if (!results.ok()) {
      stats->unknown += static_cast<int64_t>(sends.size());
      return results.status();
    }
    for (size_t i = 0; i < sends.size(); ++i) apply(sends[i], (*results)[i]);
    return Status::Ok();
  }
  for (size_t start = 0; start < sends.size(); start += salesforce::kCollectionsMaxRecords) {
    if (Stopping()) {
      stats->unknown += static_cast<int64_t>(sends.size() - start);
      return CancelledError("push stopped by a signal");
    }
    const size_t end = std::min(sends.size(), start + salesforce::kCollectionsMaxRecords);
    std::vector<RecordWrite> writes;
    for (size_t i = start; i < end; ++i) writes.push_back(sends[i].write);
    ++stats->write_calls;
    StatusOr<std::vector<SaveResult>> results = salesforce::UpdateRecords(client_, table_->object, writes);
    if (!results.ok() && !StopsPush(results.status()) && writes.size() > 1) {
      // The call was refused as a whole (one record Salesforce could not parse): send each alone,
      // so the others go through and the bad one gets its own message.
      for (size_t i = start; i < end; ++i) {
        ++stats->write_calls;
        StatusOr<std::vector<SaveResult>> one = salesforce::UpdateRecords(client_, table_->object, {sends[i].write});
        if (one.ok()) {
          apply(sends[i], (*one)[0]);
        } else if (!StopsPush(one.status())) {
          ++stats->failed;
          outcomes->push_back(LocalOutcome(sends[i].change->change_id, "FAILED", one.status().reason(),
                                           one.status().message()));
        } else {
          stats->unknown += static_cast<int64_t>(end - i);
          return one.status();
        }
      }
      continue;
    }
    if (!results.ok()) {
      std::vector<int64_t> call_ids;
      for (size_t i = start; i < end; ++i) call_ids.push_back(sends[i].change->change_id);
      SFSYNC_RETURN_IF_ERROR(CallFailed(results.status(), call_ids, sends.size() - start, stats, outcomes));
      continue;
    }
    for (size_t i = start; i < end; ++i) apply(sends[i], (*results)[i - start]);
  }
  return Status::Ok();
}

Status ObjectPusher::SendInserts(std::vector<Change*> changes, ObjectPushStats* stats,
                                 std::vector<ChangeOutcome>* outcomes, std::vector<int64_t>* retry) {
  if (changes.empty()) return Status::Ok();
  const bool keyed = !table_->key_field.empty();
  if (!keyed && !table_->at_least_once_inserts) {
    for (Change* c : changes) {
      ++stats->failed;
      const std::string why = fmt::format(
          "{} has no external_id to upsert inserts on, so a retried insert could create a duplicate; set external_id "
          "(exactly once) or at_least_once_inserts: true in the job",
          table_->object);
      if (settings_.dry_run) {
        stats->plan.push_back(fmt::format("{} insert {}: REFUSED ({})", table_->table, c->id, why));
      } else {
        outcomes->push_back(LocalOutcome(c->change_id, "FAILED", "SFSYNC_NO_EXTERNAL_ID", why));
      }
    }
    return Status::Ok();
  }
  struct Send {
    Change* change;
    RecordWrite write;
    std::string key;
  };
  std::vector<Send> sends;
  for (Change* c : changes) {
    Send send{c, {"", {}}, c->insert_key.empty() ? NewInsertKey() : c->insert_key};
    std::string bad, waits;
    for (const auto& col : c->columns) {
      if (col.local.is_null()) continue;
      const PushColumn* pc = table_->Column(col.name);
      if (pc == nullptr) continue;
      if (!AddField(*pc, col.name, col.local, &send.write, &bad, &waits)) break;
    }
    if (!bad.empty()) {
      ++stats->failed;
      if (!settings_.dry_run) outcomes->push_back(LocalOutcome(c->change_id, "FAILED", "SFSYNC_BAD_VALUE", bad));
      continue;
    }
    if (!waits.empty()) {
      waiting_.push_back(c->change_id);
      if (!settings_.dry_run) outcomes->push_back(LocalOutcome(c->change_id, "PENDING", "SFSYNC_WAITING", waits));
      continue;
    }
    if (keyed) send.write.fields.emplace_back(table_->key_field, Cell::Text(send.key));
    sends.push_back(std::move(send));
  }
  if (settings_.dry_run) {
    PlanWrites(table_->table, "insert", sends, keyed && UseBulk(sends.size()), &stats->inserted, stats);
    return Status::Ok();
  }
  if (sends.empty()) return Status::Ok();
  std::vector<store::SentChange> sent;
  for (const Send& s : sends) sent.push_back({s.change->change_id, keyed ? s.key : "", keyed ? table_->key_column : ""});
  // The key is in the row and the outbox before the call: a retry after a crash sends the same key.
  SFSYNC_RETURN_IF_ERROR(store_->MarkSent(table_->table, sent, settings_.run_id));

  const bool bulk = keyed && UseBulk(sends.size());  // an unkeyed create could not be matched to its result
  for (size_t start = 0; start < sends.size();
       start += bulk ? sends.size() : salesforce::kCollectionsMaxRecords) {
    if (Stopping()) {
      stats->unknown += static_cast<int64_t>(sends.size() - start);
      return CancelledError("push stopped by a signal");
    }
    const size_t end = bulk ? sends.size() : std::min(sends.size(), start + salesforce::kCollectionsMaxRecords);
    std::vector<RecordWrite> writes;
    std::vector<std::string> keys;
    for (size_t i = start; i < end; ++i) {
      writes.push_back(sends[i].write);
      keys.push_back(sends[i].key);
    }
    if (!bulk) ++stats->write_calls;
    StatusOr<std::vector<SaveResult>> results =
        bulk    ? SendBulk("upsert", writes, keys, stats)
        : keyed ? salesforce::UpsertRecords(client_, table_->object, table_->key_field, writes)
                : salesforce::CreateRecords(client_, table_->object, writes);
    if (!results.ok()) {
      std::vector<int64_t> call_ids;
      for (size_t i = start; i < end; ++i) call_ids.push_back(sends[i].change->change_id);
      SFSYNC_RETURN_IF_ERROR(CallFailed(results.status(), call_ids, sends.size() - start, stats, outcomes));
      continue;
    }
    for (size_t i = start; i < end; ++i) {
      const SaveResult& r = (*results)[i - start];
      const int64_t id = sends[i].change->change_id;
      switch (Classify(r)) {
        case Verdict::kDone: {
          ++stats->inserted;
          ChangeOutcome o = LocalOutcome(id, "DONE", "", r.created || !keyed ? "" : "the key found the record a lost "
                                                                                   "answer had created");
          o.server_id = r.id;
          outcomes->push_back(std::move(o));
          break;
        }
        case Verdict::kTransient:
          retry->push_back(id);
          outcomes->push_back(OutcomeOf(id, "PENDING", r));
          break;
        case Verdict::kEntityDeleted:
        case Verdict::kFailed:
          ++stats->failed;
          outcomes->push_back(OutcomeOf(id, "FAILED", r));
          break;
      }
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<SaveResult>> ObjectPusher::SendBulk(const std::string& operation,
                                                         const std::vector<RecordWrite>& writes,
                                                         const std::vector<std::string>& keys, ObjectPushStats* stats) {
  salesforce::IngestRequest request;
  request.object = table_->object;
  request.operation = operation;
  request.external_id_field = operation == "upsert" ? table_->key_field : "";
  request.records = writes;
  request.keys = keys;
  salesforce::IngestOptions options;
  options.stop = settings_.stop;
  options.poll_initial = settings_.bulk_poll_initial;
  ++stats->bulk_jobs;
  SFSYNC_LOG(kInfo, "{}: {} {} records through a Bulk API 2.0 ingest job", table_->object, writes.size(), operation);
  return salesforce::RunIngestJob(client_, clock_, request, options);
}

}  // namespace sfsync::push
