#include "tests/testing/pg_reader.h"

#include <libpq-fe.h>

#include <cstdio>
#include <stdexcept>

namespace sfsync::testing {
namespace {

// Type OIDs (src/include/catalog/pg_type.dat).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700,
              kTime = 1083, kTimestamptz = 1184;

// "2024-05-01 10:00:00.5+00" (TimeZone UTC) -> "2024-05-01T10:00:00.500Z".
std::string StorageDateTime(const std::string& v) {
  if (v.size() < 19) return v;
  std::string frac = "000";
  size_t end = 19;
  if (v.size() > 19 && v[19] == '.') {
    size_t i = 20;
    std::string digits;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') digits += v[i++];
    frac = (digits + "000").substr(0, 3);
    end = i;
  }
  (void)end;
  return v.substr(0, 10) + "T" + v.substr(11, 8) + "." + frac + "Z";
}

// "08:30:00" or "08:30:00.5" -> "08:30:00.000Z" / "08:30:00.500Z".
std::string StorageTime(const std::string& v) {
  std::string frac = "000";
  if (v.size() > 9 && v[8] == '.') frac = (v.substr(9) + "000").substr(0, 3);
  return v.substr(0, 8) + "." + frac + "Z";
}

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

PgReader::PgReader(const std::string& url, const std::string& password, const std::string& schema) : schema_(schema) {
  const char* keys[] = {"dbname", "password", nullptr};
  const char* values[] = {url.c_str(), password.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("PgReader: " + message);
  }
  Query("SET TimeZone TO 'UTC'");
  Query("SET search_path TO " + Quote(schema));
}

PgReader::~PgReader() {
  if (conn_ != nullptr) PQfinish(conn_);
}

std::vector<std::vector<SqlValue>> PgReader::Query(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const std::string message = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("PgReader: " + sql + ": " + message);
  }
  std::vector<std::vector<SqlValue>> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<SqlValue> row;
    for (int c = 0; c < PQnfields(r); ++c) {
      if (PQgetisnull(r, i, c)) {
        row.push_back({"null", ""});
        continue;
      }
      const std::string v(PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)));
      switch (PQftype(r, c)) {
        case kBool: row.push_back({"integer", v == "t" ? "1" : "0"}); break;
        case kInt2:
        case kInt4:
        case kInt8: row.push_back({"integer", v}); break;
        case kFloat4:
        case kFloat8:
        case kNumeric: row.push_back({"real", v}); break;
        case kTimestamptz: row.push_back({"text", StorageDateTime(v)}); break;
        case kTime: row.push_back({"text", StorageTime(v)}); break;
        default: row.push_back({"text", v});
      }
    }
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

std::string PgReader::Scalar(const std::string& sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("PgReader: no row: " + sql);
  return rows[0][0].text;
}

int64_t PgReader::Count(const std::string& table) { return std::stoll(Scalar("SELECT count(*) FROM " + Quote(table))); }

std::vector<std::pair<std::string, std::string>> PgReader::Columns(const std::string& table) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string escaped_schema, escaped_table;
  for (char c : schema_) escaped_schema += c == '\'' ? std::string("''") : std::string(1, c);
  for (char c : table) escaped_table += c == '\'' ? std::string("''") : std::string(1, c);
  for (auto& row : Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '" +
                         escaped_schema + "' AND table_name = '" + escaped_table + "' ORDER BY ordinal_position")) {
    out.emplace_back(row[0].text, row[1].text);
  }
  return out;
}

std::string PgReader::Integrity() {
  // Every synced table (one with an "Id" column, not one of sfsync's _sfsync_* tables) keeps "Id"
  // as its primary key, and no row lacks one.
  for (auto& row : Query("SELECT c.table_name FROM information_schema.columns c WHERE c.table_schema = current_schema() "
                         "AND c.column_name = 'Id' AND c.table_name NOT LIKE '\\_sfsync\\_%'")) {
    const std::string table = row[0].text;
    const std::string pk = Scalar(
        "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = " + std::string("'") + Quote(schema_) + "." + Quote(table) +
        "'::regclass AND i.indisprimary AND a.attname = 'Id'");
    if (pk != "1") return "table " + table + " has no primary key on Id";
    if (Scalar("SELECT count(*) FROM " + Quote(table) + " WHERE \"Id\" IS NULL") != "0") return table + ": NULL Id";
  }
  return "ok";
}

}  // namespace sfsync::testing
