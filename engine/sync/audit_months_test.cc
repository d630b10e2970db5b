#include "engine/sync/audit_months.h"

#include <doctest/doctest.h>

namespace sfsync::sync {
namespace {

RowBatch MonthRows(const std::vector<std::vector<Cell>>& rows) {
  RowBatch batch;
  batch.columns = {"expr0", "expr1", "expr2"};
  for (const auto& row : rows) batch.cells.insert(batch.cells.end(), row.begin(), row.end());
  return batch;
}

TEST_CASE("month counts: whole numbers as JSON numbers or digits, rows of one month added up") {
  auto counts = ParseMonthCounts(MonthRows({{Cell::Int(2024), Cell::Int(5), Cell::Int(10)},
                                            {Cell::Double(2023.0), Cell::Text("12"), Cell::Int(0)},
                                            {Cell::Text("2024"), Cell::Int(5), Cell::Double(2.0)}}));
  REQUIRE(counts.ok());
  CHECK(*counts == std::map<std::string, int64_t>{{"2023-12", 0}, {"2024-05", 12}});
  CHECK(ParseMonthCounts(MonthRows({}))->empty());
}

TEST_CASE("regression: a non-numeric month count is a malformed response, not an abort in stoll") {
  auto text = ParseMonthCounts(MonthRows({{Cell::Int(2024), Cell::Int(5), Cell::Text("twelve")}}));
  CHECK(text.status().code() == StatusCode::kDataLoss);
  CHECK(text.status().message().find("expr2 = twelve, not a whole number") != std::string::npos);
  // A year or month that is missing (null), fractional, boolean, empty or out of range.
  for (const std::vector<Cell>& row :
       std::vector<std::vector<Cell>>{{Cell::Null(), Cell::Int(5), Cell::Int(1)},
                                      {Cell::Int(2024), Cell::Double(5.5), Cell::Int(1)},
                                      {Cell::Int(2024), Cell::Bool(true), Cell::Int(1)},
                                      {Cell::Text(""), Cell::Int(5), Cell::Int(1)},
                                      {Cell::Text("2024x"), Cell::Int(5), Cell::Int(1)},
                                      {Cell::Int(2024), Cell::Int(13), Cell::Int(1)},
                                      {Cell::Int(0), Cell::Int(1), Cell::Int(1)},
                                      {Cell::Int(2024), Cell::Int(1), Cell::Int(-1)},
                                      {Cell::Text("99999999999999999999"), Cell::Int(1), Cell::Int(1)},
                                      {Cell::Double(1e300), Cell::Int(1), Cell::Int(1)}}) {
    auto parsed = ParseMonthCounts(MonthRows({row}));
    CAPTURE(row[0].DebugString());
    CAPTURE(row[1].DebugString());
    CAPTURE(row[2].DebugString());
    CHECK(parsed.status().code() == StatusCode::kDataLoss);
    CHECK(parsed.status().message().find("month count row 1") != std::string::npos);
  }
  // A page without the columns asked for.
  RowBatch other;
  other.columns = {"Id"};
  other.cells = {Cell::Text("001")};
  CHECK(ParseMonthCounts(other).status().code() == StatusCode::kDataLoss);
}

TEST_CASE("month ranges: the next month, over a year's end, and the SOQL condition") {
  CHECK(NextMonth("2024-05") == "2024-06");
  CHECK(NextMonth("2024-09") == "2024-10");
  CHECK(NextMonth("2024-12") == "2025-01");
  CHECK(NextMonth("0999-12") == "1000-01");
  CHECK(CreatedInMonth("2023-12") ==
        "CreatedDate >= 2023-12-01T00:00:00.000Z AND CreatedDate < 2024-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace sfsync::sync
