#include "engine/store/pg/pg_conn.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/store/sqlite_db.h"  // kStoreReason

namespace sfsync::store::pg {
namespace {

std::string Trimmed(const char* message) {
  std::string m = message != nullptr ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  for (char& c : m) {
    if (c == '\n') c = ' ';
  }
  return m;
}

// SQLSTATE classes (PostgreSQL docs, Appendix A) -> what the caller should do.
StatusCode CodeOfState(std::string_view state) {
  if (state.size() != 5) return StatusCode::kUnavailable;  // no state: the connection broke
  const std::string_view cls = state.substr(0, 2);
  if (cls == "08" || cls == "57" || cls == "53" || state == "40001" || state == "40P01" || state == "55P03") {
    return StatusCode::kUnavailable;  // connection, shutdown, resources, serialization, deadlock, lock
  }
  if (cls == "28") return StatusCode::kUnauthenticated;
  if (cls == "42" && state == "42501") return StatusCode::kPermissionDenied;
  if (cls == "23" || cls == "22") return StatusCode::kInvalidArgument;  // constraint, data
  if (cls == "3D" || cls == "3F") return StatusCode::kFailedPrecondition;  // no such database / schema
  if (cls == "XX") return StatusCode::kDataLoss;
  return StatusCode::kInternal;
}

Status StoreError(StatusCode code, std::string message) {
  return Status(code, std::move(message), std::string(kStoreReason));
}

}  // namespace

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }
PgResult::PgResult(pg_result* r) : r_(r) {}
int PgResult::rows() const { return r_ ? PQntuples(r_.get()) : 0; }
int PgResult::columns() const { return r_ ? PQnfields(r_.get()) : 0; }
bool PgResult::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
std::string PgResult::text(int row, int col) const {
  if (is_null(row, col)) return {};
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}
int64_t PgResult::int64(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}
int64_t PgResult::affected() const {
  const char* n = r_ ? PQcmdTuples(r_.get()) : "";
  return n != nullptr && *n != '\0' ? std::strtoll(n, nullptr, 10) : 0;
}

StatusOr<PgConn> PgConn::Connect(const std::string& url, const std::string& password, int connect_timeout_seconds) {
  const std::string timeout = std::to_string(connect_timeout_seconds > 0 ? connect_timeout_seconds : 10);
  std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name", "client_encoding"};
  std::vector<const char*> values = {url.c_str(), timeout.c_str(), "sfsync", "UTF8"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname = 1: the URL in "dbname" is parsed; later keywords override what it says.
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), 1);
  if (c == nullptr) return StoreError(StatusCode::kResourceExhausted, "cannot allocate a PostgreSQL connection");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(c));
    PQfinish(c);
    StatusCode code = StatusCode::kUnavailable;
    if (message.find("password authentication failed") != std::string::npos ||
        message.find("no password supplied") != std::string::npos ||
        message.find("authentication failed") != std::string::npos) {
      code = StatusCode::kUnauthenticated;
    } else if (message.find("does not exist") != std::string::npos ||
               message.find("invalid URI") != std::string::npos ||
               message.find("invalid connection option") != std::string::npos) {
      code = StatusCode::kFailedPrecondition;
    }
    return StoreError(code, "cannot connect to PostgreSQL: " + message);
  }
  // The server's notices ("schema ... already exists, skipping") are not for the user's terminal.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return PgConn(c);
}

PgConn::PgConn(PgConn&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }
PgConn& PgConn::operator=(PgConn&& o) noexcept {
  if (this != &o) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = o.conn_;
    o.conn_ = nullptr;
  }
  return *this;
}
PgConn::~PgConn() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Status PgConn::ErrorOf(pg_result* r, std::string_view what) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = Trimmed(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  const std::string s = state != nullptr ? state : "";
  if (PQstatus(conn_) != CONNECTION_OK) {
    return StoreError(StatusCode::kUnavailable, fmt::format("{}: the PostgreSQL connection was lost: {}", what, message));
  }
  return StoreError(CodeOfState(s), fmt::format("{}: {}{}", what, message, s.empty() ? "" : " (SQLSTATE " + s + ")"));
}

Status PgConn::Exec(std::string_view sql) {
  const std::string text(sql);
  PgResult r(PQexec(conn_, text.c_str()));
  const ExecStatusType st = r.get() != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return Status::Ok();
  std::string what(sql.substr(0, 60));
  for (char& c : what) {
    if (c == '\n') c = ' ';
  }
  return ErrorOf(r.get(), what);
}

StatusOr<PgResult> PgConn::Query(std::string_view sql, const std::vector<Param>& params) {
  const std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  PgResult r(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                          params.empty() ? nullptr : values.data(), nullptr, nullptr, 0));
  const ExecStatusType st = r.get() != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  std::string what(sql.substr(0, 60));
  for (char& c : what) {
    if (c == '\n') c = ' ';
  }
  return ErrorOf(r.get(), what);
}

StatusOr<int64_t> PgConn::CopyIn(std::string_view copy_sql, std::string_view data) {
  const std::string text(copy_sql);
  {
    PgResult start(PQexec(conn_, text.c_str()));
    if (start.get() == nullptr || PQresultStatus(start.get()) != PGRES_COPY_IN) return ErrorOf(start.get(), "COPY");
  }
  // Sent in pieces of at most 1 MiB; a blocking connection waits until each is queued.
  constexpr size_t kPiece = 1 << 20;
  bool sent = true;
  for (size_t at = 0; at < data.size() && sent; at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, sent ? nullptr : "sfsync could not send the rows") != 1) {
    return StoreError(StatusCode::kUnavailable, "COPY: " + Trimmed(PQerrorMessage(conn_)));
  }
  Status status = Status::Ok();
  int64_t rows = 0;
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK) {
      if (status.ok()) status = ErrorOf(raw, "COPY");
    } else {
      rows = r.affected();
    }
  }
  if (!status.ok()) return status;
  return rows;
}

bool PgConn::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
int PgConn::server_version() const { return PQserverVersion(conn_); }

PgTransaction::PgTransaction(PgConn* conn) : conn_(conn) {
  // Every transaction on a store's connection is the engine's own: the capture triggers
  // (pg_capture.cc) skip what it writes. SET LOCAL dies with the transaction, committed or not.
  begin_status_ = conn_->Exec("BEGIN; SET LOCAL sfsync.applying TO '1'");
  open_ = begin_status_.ok();
}

PgTransaction::~PgTransaction() {
  if (open_) conn_->Exec("ROLLBACK").IgnoreError();
}

Status PgTransaction::Commit() {
  if (!open_) return begin_status_.ok() ? InternalError("commit without a transaction") : begin_status_;
  open_ = false;
  Status s = conn_->Exec("COMMIT");
  if (!s.ok()) conn_->Exec("ROLLBACK").IgnoreError();
  return s;
}

void AppendCopyField(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

std::string DoubleText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);
}

}  // namespace sfsync::store::pg
