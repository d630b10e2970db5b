#include "engine/sync/state_reconcile.h"

#include <fmt/format.h>

namespace sfsync::sync {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Salesforce Ids come in 15-character (case-sensitive) and 18-character (15 plus a checksum) forms.
bool SameOrg(const std::string& a, const std::string& b) { return a.substr(0, 15) == b.substr(0, 15); }

// Restarts the watermark: the next read is a load of every row. Deletes are checked by time, not by
// the cursor, so their horizon is kept.
void RestartWatermark(store::SyncState* s) {
  s->watermark = {};
  s->load_in_progress = false;
  s->load_after_id.clear();
  s->load_since.clear();
  s->parent_watermarks.clear();
}

void OweFullPass(store::SyncState* s, const std::string& reason) {
  s->full_pass_reason = s->full_pass_reason.empty() ? reason : s->full_pass_reason + "; " + reason;
}

std::string Quoted(const std::string& where) { return where.empty() ? "none" : "'" + where + "'"; }

}  // namespace

StatusOr<ReconciledState> ReconcileState(const std::string& table, const store::SyncState& stored,
                                         const store::TableClaim& now, const std::string& cursor_field,
                                         bool take_over) {
  ReconciledState out;
  out.state = stored;
  store::SyncState& s = out.state;
  const store::TableClaim& was = stored.claim;

  if (!was.job.empty() && was.job != now.job) {
    if (!take_over) {
      return store::RefusedError(fmt::format(
          "table {} is filled by job '{}', and a table belongs to one job: give {} its own `table:` in job '{}', "
          "or, if job '{}' no longer syncs this table, run job '{}' once with --take-over",
          table, was.job, now.object, now.job, was.job, now.job));
    }
    out.notices.push_back(fmt::format("table {} taken over from job '{}'", table, was.job));
  }
  if (!was.object.empty() && !EqualsIgnoreCase(was.object, now.object)) {
    return store::RefusedError(fmt::format(
        "table {} holds {} rows and cannot be filled with {}: map {} to another `table:` (or drop table {} and "
        "its rows in _sfsync_state, _sfsync_columns and _sfsync_describes to reuse the name)",
        table, was.object, now.object, now.object, table));
  }

  const bool has_watermark = !stored.watermark.empty() || stored.load_in_progress;
  if (!was.org_id.empty() && !now.org_id.empty() && !SameOrg(was.org_id, now.org_id)) {
    RestartWatermark(&s);
    s.deletes_checked_until.clear();
    OweFullPass(&s, fmt::format("the org changed (from {} to {})", was.org_id, now.org_id));
    out.notices.push_back(fmt::format("the rows of table {} came from org {}, this job reads org {}: reading "
                                      "every row again and removing the rows this org does not have",
                                      table, was.org_id, now.org_id));
  } else if (has_watermark && !cursor_field.empty() && stored.cursor_field != cursor_field) {
    RestartWatermark(&s);
    out.notices.push_back(fmt::format("the cursor field changed from {} to {}: loading every row again",
                                      stored.cursor_field.empty() ? "none" : stored.cursor_field, cursor_field));
  }

  // A state from before version 2 has no recorded shape (mode is empty): this run's is adopted.
  if (!was.mode.empty()) {
    if (was.where != now.where) {
      OweFullPass(&s, fmt::format("the where condition changed (from {} to {})", Quoted(was.where),
                                  Quoted(now.where)));
      out.notices.push_back(fmt::format("the where condition changed (from {} to {}): reading every row again and "
                                        "removing the rows that no longer match",
                                        Quoted(was.where), Quoted(now.where)));
    }
    if (was.deletes == "soft" && now.deletes == "hard") {
      out.purge_flagged = true;
      out.notices.push_back("deletes changed from soft to hard: removing the rows flagged IsDeleted");
    } else if (was.deletes != now.deletes && now.deletes != "ignore") {
      OweFullPass(&s, fmt::format("deletes changed from {} to {}", was.deletes, now.deletes));
      out.notices.push_back(fmt::format("deletes changed from {} to {}: reading every row again to bring the "
                                        "deleted rows in line",
                                        was.deletes, now.deletes));
    }
  }
  s.claim = now;
  if (!cursor_field.empty()) s.cursor_field = cursor_field;
  return out;
}

}  // namespace sfsync::sync
