#include "engine/sync/query_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "connectors/salesforce/http/rest_client.h"

namespace sfsync::sync {
namespace {

std::string Select(const ObjectPlan& plan, const std::string& extra = "") {
  std::string s = "SELECT ";
  for (size_t i = 0; i < plan.select.size(); ++i) {
    if (i > 0) s += ", ";
    s += plan.select[i];
  }
  if (!extra.empty()) s += ", " + extra;
  s += " FROM ";
  s += plan.object;
  return s;
}

// Joins the job's own condition (parenthesized, so its ORs cannot escape) with ours.
std::string Where(const ObjectPlan& plan, const std::string& ours) {
  if (plan.where.empty() && ours.empty()) return "";
  if (plan.where.empty()) return " WHERE " + ours;
  if (ours.empty()) return " WHERE (" + plan.where + ")";
  return " WHERE (" + plan.where + ") AND " + ours;
}

std::string AfterId(const std::string& after_id) {
  return after_id.empty() ? "" : "Id > " + salesforce::SoqlString(after_id);
}

}  // namespace

std::string BuildLoadQuery(const ObjectPlan& plan, const std::string& after_id, const std::string& slice) {
  std::string ours = slice;
  if (!after_id.empty()) ours += (ours.empty() ? "" : " AND ") + AfterId(after_id);
  return Select(plan) + Where(plan, ours) + " ORDER BY Id ASC";
}

std::string BuildBulkLoadQuery(const ObjectPlan& plan, const std::string& after_id) {
  return Select(plan) + Where(plan, AfterId(after_id));
}

std::string BuildCountQuery(const ObjectPlan& plan, const std::string& after_id) {
  return "SELECT COUNT() FROM " + plan.object + Where(plan, AfterId(after_id));
}

std::string BuildMonthCountQuery(const ObjectPlan& plan) {
  constexpr const char* kMonth = "CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)";
  return fmt::format("SELECT {0}, COUNT(Id) FROM {1}{2} GROUP BY {0}", kMonth, plan.object, Where(plan, ""));
}

std::string BuildAuditQuery(const ObjectPlan& plan, bool ids_only, const std::string& condition) {
  return (ids_only ? "SELECT Id FROM " + plan.object : Select(plan)) + Where(plan, condition) + " ORDER BY Id ASC";
}

namespace {

// Rows after `watermark` in (c, Id) order. watermark.ts is stored as ISO-8601 UTC with Z, which is
// also a valid SOQL datetime literal.
std::string KeysetCondition(const std::string& c, const store::Watermark& watermark) {
  if (watermark.id.empty()) return fmt::format("{} >= {}", c, watermark.ts);
  return fmt::format("({0} > {1} OR ({0} = {1} AND Id > {2}))", c, watermark.ts, salesforce::SoqlString(watermark.id));
}

std::string KeysetQuery(const ObjectPlan& plan, const std::string& c, const store::Watermark& watermark,
                        const std::string& extra_select = "") {
  return Select(plan, extra_select) + Where(plan, KeysetCondition(c, watermark)) +
         fmt::format(" ORDER BY {} ASC, Id ASC", c);
}

}  // namespace

std::string BuildIncrementalQuery(const ObjectPlan& plan, const store::Watermark& watermark) {
  return KeysetQuery(plan, plan.cursor_field, watermark);
}

std::string BuildParentRefreshQuery(const ObjectPlan& plan, const ObjectPlan::ParentCursor& parent,
                                    const store::Watermark& watermark) {
  const std::string stamp = parent.path + "." + parent.field;
  return KeysetQuery(plan, stamp, watermark, ParentStampColumn(plan, parent) < 0 ? stamp : "");
}

namespace {

// Any row the incremental read or a parent refresh of `state` would read.
std::string ChangedCondition(const ObjectPlan& plan, const store::SyncState& state) {
  std::string any = KeysetCondition(plan.cursor_field, state.watermark);
  for (const ObjectPlan::ParentCursor& parent : plan.parent_cursors) {
    auto it = state.parent_watermarks.find(parent.path);
    const store::Watermark start = it == state.parent_watermarks.end() || it->second.empty()
                                       ? store::Watermark{state.watermark.ts, ""}
                                       : it->second;
    any += " OR " + KeysetCondition(parent.path + "." + parent.field, start);
  }
  return "(" + any + ")";
}

}  // namespace

std::string BuildQuietProbeQuery(const ObjectPlan& plan, const store::SyncState& state) {
  return "SELECT Id FROM " + plan.object + Where(plan, ChangedCondition(plan, state)) + " LIMIT 1";
}

std::string BuildIncrementalCountQuery(const ObjectPlan& plan, const store::SyncState& state) {
  return "SELECT COUNT() FROM " + plan.object + Where(plan, ChangedCondition(plan, state));
}

int ParentStampColumn(const ObjectPlan& plan, const ObjectPlan::ParentCursor& parent) {
  const std::string stamp = parent.path + "." + parent.field;
  for (size_t i = 0; i < plan.select.size(); ++i) {
    const std::string& path = plan.select[i];
    if (path.size() == stamp.size() &&
        std::equal(path.begin(), path.end(), stamp.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace sfsync::sync
