#include "tests/bench/pg_baseline.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace sfsync::testing {
namespace {

void Die(PGconn* c, const char* what) {
  std::fprintf(stderr, "pg baseline: %s: %s\n", what, PQerrorMessage(c));
  std::exit(1);
}

void Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) Die(c, sql.c_str());
  PQclear(r);
}

}  // namespace

double PgCopyRowsPerSecond(const std::string& url, const std::string& password, const std::string& schema,
                           const std::string& table) {
  const char* keys[] = {"dbname", "password", nullptr};
  const char* values[] = {url.c_str(), password.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) != CONNECTION_OK) Die(c, "connect");
  const std::string source = "\"" + schema + "\".\"" + table + "\"";
  const std::string target = "\"" + schema + "\".\"_bench_copy\"";
  // The rows, in COPY text form, in memory.
  std::string data;
  PGresult* r = PQexec(c, ("COPY " + source + " TO STDOUT").c_str());
  if (PQresultStatus(r) != PGRES_COPY_OUT) Die(c, "COPY TO");
  PQclear(r);
  long rows = 0;
  for (;;) {
    char* line = nullptr;
    const int n = PQgetCopyData(c, &line, 0);
    if (n < 0) break;
    data.append(line, static_cast<size_t>(n));
    PQfreemem(line);
    ++rows;
  }
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
  Exec(c, "DROP TABLE IF EXISTS " + target);
  Exec(c, "CREATE TABLE " + target + " (LIKE " + source + " INCLUDING ALL)");
  const auto start = std::chrono::steady_clock::now();
  Exec(c, "BEGIN");
  r = PQexec(c, ("COPY " + target + " FROM STDIN").c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) Die(c, "COPY FROM");
  PQclear(r);
  if (PQputCopyData(c, data.data(), static_cast<int>(data.size())) != 1 || PQputCopyEnd(c, nullptr) != 1) {
    Die(c, "COPY data");
  }
  while ((r = PQgetResult(c)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(c, "COPY result");
    PQclear(r);
  }
  Exec(c, "COMMIT");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Exec(c, "DROP TABLE " + target);
  PQfinish(c);
  return static_cast<double>(rows) / seconds;
}

}  // namespace sfsync::testing
