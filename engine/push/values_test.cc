// What a stored cell is sent as, and when two stored values are the same for the conflict check.
#include "engine/push/values.h"

#include <doctest/doctest.h>

namespace sfsync::push {
namespace {

using store::ColumnType;

TEST_CASE("stored values are sent as the API types them, and values a column cannot hold are refused") {
  CHECK(*ToApiValue(Cell::Int(1), ColumnType::kBoolean) == Cell::Bool(true));
  CHECK(*ToApiValue(Cell::Int(0), ColumnType::kBoolean) == Cell::Bool(false));
  CHECK(ToApiValue(Cell::Int(2), ColumnType::kBoolean).status().reason() == "push.value");
  CHECK(*ToApiValue(Cell::Text("12.5"), ColumnType::kReal) == Cell::Double(12.5));
  CHECK(*ToApiValue(Cell::Int(7), ColumnType::kReal) == Cell::Int(7));
  CHECK(ToApiValue(Cell::Text("lots"), ColumnType::kReal).status().message() == "value lots is not a number");
  CHECK(*ToApiValue(Cell::Text("2024-05-01T10:00:00+0200"), ColumnType::kDateTime) ==
        Cell::Text("2024-05-01T08:00:00.000Z"));
  CHECK(!ToApiValue(Cell::Text("yesterday"), ColumnType::kDateTime).ok());
  CHECK(*ToApiValue(Cell::Null(), ColumnType::kInteger) == Cell::Null());
  CHECK(*ToApiValue(Cell::Int(42), ColumnType::kText) == Cell::Text("42"));
  CHECK(!ToApiValue(Cell::Int(42), ColumnType::kDate).ok());
}

TEST_CASE("the server's values compare with stored ones as a pull would store them") {
  CHECK(SameValue(ServerValueStored(Cell::Bool(true), ColumnType::kBoolean), Cell::Int(1)));
  CHECK(SameValue(ServerValueStored(Cell::Int(5), ColumnType::kReal), Cell::Double(5.0)));
  CHECK(SameValue(ServerValueStored(Cell::Text("2024-05-01T10:00:00.000+0000"), ColumnType::kDateTime),
                  Cell::Text("2024-05-01T10:00:00.000Z")));
  CHECK_FALSE(SameValue(Cell::Text("5"), Cell::Int(5)));
  CHECK_FALSE(SameValue(Cell::Null(), Cell::Text("")));
  CHECK(SameValue(Cell::Null(), Cell::Null()));
}

}  // namespace
}  // namespace sfsync::push
