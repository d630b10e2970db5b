// What the PostgreSQL store's tests share: a fixture with its own database on the process's
// throw-away cluster, and an Account table of every column type.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/store/pg/pg_store.h"
#include "engine/store/store.h"
#include "tests/testing/pg_cluster.h"

namespace sfsync::store::pgtest {

using testing::PgCluster;

struct PgFixture {
  PgCluster& cluster = PgCluster::Shared();
  std::string db = cluster.CreateDatabase();

  PostgresStoreOptions Options(const std::string& schema = "sfsync") const {
    PostgresStoreOptions o;
    o.url = cluster.Url(db);
    o.password = cluster.password();
    o.schema = schema;
    return o;
  }
  std::unique_ptr<Store> Open(const std::string& schema = "sfsync") const {
    StatusOr<std::unique_ptr<Store>> store = OpenPostgresStore(Options(schema));
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    return std::move(*store);
  }
  std::string Sql(const std::string& sql) const {
    std::string out = cluster.Psql(db, sql);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
};

inline TableSpec AccountSpec() {
  return TableSpec{"Account",
                   "Account",
                   {{"Id", "Id", ColumnType::kText, "id"},
                    {"Name", "Name", ColumnType::kText, "string"},
                    {"Employees", "NumberOfEmployees", ColumnType::kInteger, "int"},
                    {"Revenue", "AnnualRevenue", ColumnType::kReal, "currency"},
                    {"IsDeleted", "IsDeleted", ColumnType::kBoolean, "boolean"},
                    {"Founded", "Founded__c", ColumnType::kDate, "date"},
                    {"Opens", "Opens__c", ColumnType::kTime, "time"},
                    {"SystemModstamp", "SystemModstamp", ColumnType::kDateTime, "datetime"}}};
}

inline RowBatch Rows(std::vector<std::vector<Cell>> rows) {
  RowBatch b;
  b.columns = {"Id",        "Name",       "NumberOfEmployees", "AnnualRevenue",
               "IsDeleted", "Founded__c", "Opens__c",          "SystemModstamp"};
  for (auto& r : rows) {
    for (auto& c : r) b.cells.push_back(std::move(c));
  }
  return b;
}

inline std::vector<Cell> Account(const std::string& id, const std::string& name, const std::string& stamp) {
  return {Cell::Text(id),
          Cell::Text(name),
          Cell::Int(12),
          Cell::Double(1234.5),
          Cell::Bool(false),
          Cell::Text("2001-02-03"),
          Cell::Text("08:30:00.000Z"),
          Cell::Text(stamp)};
}

inline SyncState At(const std::string& ts, const std::string& id) {
  SyncState s;
  s.cursor_field = "SystemModstamp";
  s.watermark = {ts, id};
  s.claim.job = "it";
  s.claim.object = "Account";
  return s;
}

}  // namespace sfsync::store::pgtest
