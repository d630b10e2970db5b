#include "engine/sync/audit_months.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

constexpr const char* kColumns[] = {"expr0", "expr1", "expr2"};

// A whole number from an aggregate cell. Salesforce sends JSON integers; digits in text are taken
// too, anything else is refused.
bool WholeNumber(const Cell& cell, int64_t* out) {
  switch (cell.kind) {
    case Cell::Kind::kInt:
      *out = cell.i;
      return true;
    case Cell::Kind::kDouble:
      if (std::trunc(cell.d) != cell.d || std::fabs(cell.d) > 9.0e15) return false;
      *out = static_cast<int64_t>(cell.d);
      return true;
    case Cell::Kind::kText: {
      const char* end = cell.s.data() + cell.s.size();
      auto [ptr, ec] = std::from_chars(cell.s.data(), end, *out);
      return !cell.s.empty() && ec == std::errc() && ptr == end;
    }
    default:
      return false;
  }
}

int MonthNumber(std::string_view month) { return (month[5] - '0') * 10 + (month[6] - '0'); }

int YearNumber(std::string_view month) {
  int year = 0;
  std::from_chars(month.data(), month.data() + 4, year);
  return year;
}

}  // namespace

StatusOr<std::map<std::string, int64_t>> ParseMonthCounts(const RowBatch& rows) {
  int index[3];
  for (int c = 0; c < 3; ++c) {
    index[c] = rows.ColumnIndex(kColumns[c]);
    if (index[c] < 0 && rows.rows() > 0) {
      return DataLossError(fmt::format("malformed response: the month counts have no {} column", kColumns[c]));
    }
  }
  std::map<std::string, int64_t> counts;
  for (size_t r = 0; r < rows.rows(); ++r) {
    int64_t values[3];
    for (int c = 0; c < 3; ++c) {
      const Cell& cell = rows.at(r, static_cast<size_t>(index[c]));
      if (!WholeNumber(cell, &values[c])) {
        return DataLossError(fmt::format("malformed response: month count row {} has {} = {:.40}, not a whole number",
                                         r + 1, kColumns[c], cell.DebugString()));
      }
    }
    const auto [year, month, count] = values;
    if (year < 1 || year > 9999 || month < 1 || month > 12 || count < 0) {
      return DataLossError(
          fmt::format("malformed response: month count row {} has year {}, month {}, count {}: out of range", r + 1,
                      year, month, count));
    }
    counts[fmt::format("{:04}-{:02}", year, month)] += count;
  }
  return counts;
}

StatusOr<std::map<std::string, int64_t>> CountRowsByMonth(salesforce::RestClient* client, const ObjectPlan& plan,
                                                          bool include_deleted) {
  salesforce::QueryOptions options;
  options.include_deleted = include_deleted;
  options.columns = {kColumns[0], kColumns[1], kColumns[2]};
  options.prefetch = false;
  std::unique_ptr<salesforce::QueryCursor> cursor = client->Query(BuildMonthCountQuery(plan), options);
  std::map<std::string, int64_t> months;
  salesforce::QueryPage page;
  while (cursor->Next(&page)) {
    SFSYNC_ASSIGN_OR_RETURN(auto parsed, ParseMonthCounts(page.rows));
    for (const auto& [month, rows] : parsed) months[month] += rows;
  }
  SFSYNC_RETURN_IF_ERROR(cursor->status());
  return months;
}

std::string NextMonth(std::string_view month) {
  const int m = MonthNumber(month);
  return m == 12 ? fmt::format("{:04}-01", YearNumber(month) + 1) : fmt::format("{}-{:02}", month.substr(0, 4), m + 1);
}

std::string CreatedInMonth(std::string_view month) {
  return fmt::format("CreatedDate >= {}-01T00:00:00.000Z AND CreatedDate < {}-01T00:00:00.000Z", month,
                     NextMonth(month));
}

}  // namespace sfsync::sync
