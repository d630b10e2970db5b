#include "engine/store/history.h"

#include <fmt/format.h>

#include "engine/store/capture.h"
#include "engine/store/store.h"

namespace sfsync::store {
namespace {

constexpr const char* kApplying = "coalesce((SELECT applying FROM _sfsync_ctx WHERE k = 1), 0) = 1";
constexpr const char* kRunId = "(SELECT run_id FROM _sfsync_ctx WHERE k = 1)";
// The engine write's time; the clock of this process if a write did not set it.
constexpr const char* kAt = "coalesce((SELECT at FROM _sfsync_ctx WHERE k = 1), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
constexpr const char* kDeleteAt =
    "coalesce((SELECT delete_at FROM _sfsync_ctx WHERE k = 1), (SELECT at FROM _sfsync_ctx WHERE k = 1), "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

// A row the org has: not a local insert waiting for its push (capture.h's local Ids).
std::string OrgRow(const char* ref) { return fmt::format("{}.\"Id\" NOT LIKE 'local-%'", ref); }

std::string List(const std::vector<std::string>& columns, const char* prefix) {
  std::string out;
  for (const std::string& c : columns)
    out += fmt::format("{}{}{}", out.empty() ? "" : ", ", prefix, QuoteIdentifier(c));
  return out;
}

// The body writing a new version of the row `ref` ("NEW" or "OLD") dated `when` (an expression):
// close the open version, append the new one (never dated before the one it closes), drop a version
// that lasted no time.
std::string VersionBody(const std::string& history, const std::vector<std::string>& columns, const char* ref,
                        const std::string& when, bool tombstone) {
  const std::string id = fmt::format("{}.\"Id\"", ref);
  return fmt::format(
      "UPDATE {h} SET _valid_to = max({when}, _valid_from) WHERE \"Id\" = {id} AND _valid_to IS NULL;\n"
      "  INSERT INTO {h} ({cols}, _valid_from, _is_deleted, _run_id) VALUES ({vals}, "
      "max({when}, coalesce((SELECT max(_valid_to) FROM {h} WHERE \"Id\" = {id}), '')), {del}, {run});\n"
      "  DELETE FROM {h} WHERE \"Id\" = {id} AND _valid_to = _valid_from;\n",
      fmt::arg("h", QuoteIdentifier(history)), fmt::arg("when", when), fmt::arg("id", id),
      fmt::arg("cols", List(columns, "")), fmt::arg("vals", List(columns, fmt::format("{}.", ref).c_str())),
      fmt::arg("del", tombstone ? 1 : 0), fmt::arg("run", kRunId));
}

}  // namespace

std::string HistoryTableName(const std::string& table) { return table + "__history"; }

std::string HistoryTriggerPrefix(const std::string& table) { return "_sfsync_hist_" + table + "_"; }

std::vector<std::string> HistoryTableSql(const std::string& table, const std::vector<std::string>& columns) {
  const std::string history = HistoryTableName(table);
  std::string defs = "_version INTEGER PRIMARY KEY";
  for (const std::string& c : columns) defs += ", " + QuoteIdentifier(c);
  defs += ", _valid_from TEXT NOT NULL, _valid_to TEXT, _is_deleted INTEGER NOT NULL DEFAULT 0, _run_id INTEGER";
  return {
      fmt::format("CREATE TABLE {} ({})", QuoteIdentifier(history), defs),
      // One open version per row; the triggers find it by Id.
      fmt::format("CREATE UNIQUE INDEX {} ON {} (\"Id\") WHERE _valid_to IS NULL",
                  QuoteIdentifier("_sfsync_hist_open_" + table), QuoteIdentifier(history)),
      fmt::format("CREATE INDEX {} ON {} (\"Id\", _valid_from)", QuoteIdentifier("_sfsync_hist_by_id_" + table),
                  QuoteIdentifier(history)),
  };
}

std::vector<std::string> HistoryTriggerSql(const std::string& table, const std::vector<std::string>& columns,
                                           const std::string& stamp_column) {
  const std::string history = HistoryTableName(table);
  const std::string prefix = HistoryTriggerPrefix(table);
  const std::string t = QuoteIdentifier(table);
  std::string insert_when = kAt;
  std::string update_when = kDeleteAt;
  if (!stamp_column.empty()) {
    const std::string s = QuoteIdentifier(stamp_column);
    insert_when = fmt::format("coalesce(NEW.{}, {})", s, kAt);
    update_when = fmt::format("coalesce(CASE WHEN NEW.{0} IS NOT OLD.{0} THEN NEW.{0} END, {1})", s, kDeleteAt);
  }
  std::string changed;
  for (const std::string& c : columns) {
    changed += fmt::format("{0}OLD.{1} IS NOT NEW.{1}", changed.empty() ? "" : " OR ", QuoteIdentifier(c));
  }
  return {
      fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} WHEN {} AND {} BEGIN\n  {}END", QuoteIdentifier(prefix + "ins"),
                  t, kApplying, OrgRow("NEW"), VersionBody(history, columns, "NEW", insert_when, false)),
      fmt::format("CREATE TRIGGER {} AFTER UPDATE ON {} WHEN {} AND {} AND ({}) BEGIN\n  {}END",
                  QuoteIdentifier(prefix + "upd"), t, kApplying, OrgRow("NEW"), changed,
                  VersionBody(history, columns, "NEW", update_when, false)),
      fmt::format("CREATE TRIGGER {} AFTER DELETE ON {} WHEN {} AND {} BEGIN\n  {}END", QuoteIdentifier(prefix + "del"),
                  t, kApplying, OrgRow("OLD"), VersionBody(history, columns, "OLD", kDeleteAt, true)),
  };
}

std::string HistoryAsOfCondition(const std::string& at) {
  const std::string quoted = QuoteLiteral(at);
  return fmt::format("_valid_from <= {0} AND (_valid_to IS NULL OR _valid_to > {0}) AND _is_deleted = 0", quoted);
}

}  // namespace sfsync::store
