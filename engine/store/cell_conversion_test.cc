#include "engine/store/cell_conversion.h"

#include <doctest/doctest.h>

namespace sfsync::store {
namespace {

Cell Convert(const Cell& in, ColumnType type) {
  Cell scratch;
  return ToStorage(in, type, &scratch);
}

TEST_CASE("booleans arrive as JSON bools or as Bulk CSV text and are stored as 0/1") {
  CHECK(Convert(Cell::Bool(true), ColumnType::kBoolean) == Cell::Int(1));
  CHECK(Convert(Cell::Bool(false), ColumnType::kBoolean) == Cell::Int(0));
  CHECK(Convert(Cell::Text("true"), ColumnType::kBoolean) == Cell::Int(1));
  CHECK(Convert(Cell::Text("FALSE"), ColumnType::kBoolean) == Cell::Int(0));
  CHECK(Convert(Cell::Int(1), ColumnType::kBoolean) == Cell::Int(1));
  // Not a boolean: kept as given rather than guessed.
  CHECK(Convert(Cell::Text("yes"), ColumnType::kBoolean) == Cell::Text("yes"));
  CHECK(Convert(Cell::Int(7), ColumnType::kBoolean) == Cell::Int(7));
}

TEST_CASE("integers keep every digit, including beyond 2^53") {
  CHECK(Convert(Cell::Int(9007199254740993), ColumnType::kInteger) == Cell::Int(9007199254740993));
  CHECK(Convert(Cell::Text("9007199254740993"), ColumnType::kInteger) == Cell::Int(9007199254740993));
  CHECK(Convert(Cell::Text("-9223372036854775808"), ColumnType::kInteger) == Cell::Int(INT64_MIN));
  CHECK(Convert(Cell::Double(42.0), ColumnType::kInteger) == Cell::Int(42));
  CHECK(Convert(Cell::Text("1e3"), ColumnType::kInteger) == Cell::Int(1000));
  CHECK(Convert(Cell::Bool(true), ColumnType::kInteger) == Cell::Int(1));
  // A fraction or an out-of-range double is not an integer: stored as given.
  CHECK(Convert(Cell::Double(2.5), ColumnType::kInteger) == Cell::Double(2.5));
  CHECK(Convert(Cell::Double(1e19), ColumnType::kInteger) == Cell::Double(1e19));
  CHECK(Convert(Cell::Text("9223372036854775808"), ColumnType::kInteger) == Cell::Text("9223372036854775808"));
  CHECK(Convert(Cell::Text("12 apples"), ColumnType::kInteger) == Cell::Text("12 apples"));
}

TEST_CASE("reals take ints, doubles and numeric text, but not nan or inf text") {
  CHECK(Convert(Cell::Int(15000), ColumnType::kReal) == Cell::Double(15000));
  CHECK(Convert(Cell::Double(-2.5e-300), ColumnType::kReal) == Cell::Double(-2.5e-300));
  CHECK(Convert(Cell::Text("12500.75"), ColumnType::kReal) == Cell::Double(12500.75));
  CHECK(Convert(Cell::Text("-1E-7"), ColumnType::kReal) == Cell::Double(-1e-7));
  CHECK(Convert(Cell::Text("nan"), ColumnType::kReal) == Cell::Text("nan"));
  CHECK(Convert(Cell::Text("inf"), ColumnType::kReal) == Cell::Text("inf"));
  CHECK(Convert(Cell::Text("0x10"), ColumnType::kReal) == Cell::Text("0x10"));
}

TEST_CASE("datetimes are normalized to UTC with milliseconds and Z") {
  CHECK(Convert(Cell::Text("2024-05-01T10:00:00.000+0000"), ColumnType::kDateTime) ==
        Cell::Text("2024-05-01T10:00:00.000Z"));
  CHECK(Convert(Cell::Text("2024-05-01T12:30:00+02:00"), ColumnType::kDateTime) ==
        Cell::Text("2024-05-01T10:30:00.000Z"));
  CHECK(Convert(Cell::Text("2024-01-02T17:38:59Z"), ColumnType::kDateTime) == Cell::Text("2024-01-02T17:38:59.000Z"));
  // List views write Java's Date.toString() (fixtures INDEX.md): not parsable, kept as given.
  CHECK(Convert(Cell::Text("Fri Aug 01 21:15:46 GMT 2014"), ColumnType::kDateTime) ==
        Cell::Text("Fri Aug 01 21:15:46 GMT 2014"));
}

TEST_CASE("a number or bool for a text-like column is stored as its text") {
  CHECK(Convert(Cell::Int(42), ColumnType::kText) == Cell::Text("42"));
  CHECK(Convert(Cell::Double(1.0), ColumnType::kText) == Cell::Text("1.0"));
  CHECK(Convert(Cell::Double(0.1), ColumnType::kText) == Cell::Text("0.1"));
  CHECK(Convert(Cell::Double(1e300), ColumnType::kText) == Cell::Text("1e+300"));
  CHECK(Convert(Cell::Bool(true), ColumnType::kText) == Cell::Text("true"));
  CHECK(Convert(Cell::Int(20240501), ColumnType::kDate) == Cell::Text("20240501"));
  CHECK(Convert(Cell::Text("13:45:00.000Z"), ColumnType::kTime) == Cell::Text("13:45:00.000Z"));
}

TEST_CASE("empty text is null except in text columns, where empty is not null") {
  for (ColumnType type : {ColumnType::kBoolean, ColumnType::kInteger, ColumnType::kReal, ColumnType::kDate,
                          ColumnType::kDateTime, ColumnType::kTime}) {
    CHECK(Convert(Cell::Text(""), type).is_null());
  }
  CHECK(Convert(Cell::Text(""), ColumnType::kText) == Cell::Text(""));
  CHECK(Convert(Cell::Null(), ColumnType::kText).is_null());
  CHECK(Convert(Cell::Null(), ColumnType::kInteger).is_null());
}

TEST_CASE("a value already in storage form is returned without a copy") {
  const Cell text = Cell::Text("Acme");
  Cell scratch;
  CHECK(&ToStorage(text, ColumnType::kText, &scratch) == &text);
  const Cell number = Cell::Int(3);
  CHECK(&ToStorage(number, ColumnType::kInteger, &scratch) == &number);
}

}  // namespace
}  // namespace sfsync::store
