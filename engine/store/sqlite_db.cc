#include "engine/store/sqlite_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <utility>

namespace sfsync::store {
namespace {

StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR: return StatusCode::kUnavailable;
    case SQLITE_FULL:
    case SQLITE_NOMEM: return StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StatusCode::kDataLoss;
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return StatusCode::kFailedPrecondition;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE: return StatusCode::kInvalidArgument;
    default: return StatusCode::kInternal;
  }
}

}  // namespace

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the most recent failure on the connection, which is this one as long as
  // we ask right away; without a connection only the generic text for the code is known.
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Status(CodeFor(rc), fmt::format("{}: {} ({})", what, detail, sqlite3_errstr(rc)), std::string(kStoreReason));
}

// ---- Statement ----

Statement::Statement(Statement&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), stmt_(std::exchange(o.stmt_, nullptr)), bind_rc_(o.bind_rc_) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(o.db_, nullptr);
    stmt_ = std::exchange(o.stmt_, nullptr);
    bind_rc_ = o.bind_rc_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

void Statement::BindInt(int index, int64_t value) { NoteBind(sqlite3_bind_int64(stmt_, index, value)); }

void Statement::BindDouble(int index, double value) { NoteBind(sqlite3_bind_double(stmt_, index, value)); }

void Statement::BindText(int index, std::string_view text, bool copy) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), copy ? SQLITE_TRANSIENT : SQLITE_STATIC,
                               SQLITE_UTF8));
}

void Statement::BindValue(int index, const Cell& value) {
  switch (value.kind) {
    case Cell::Kind::kNull: BindNull(index); break;
    case Cell::Kind::kBool: BindInt(index, value.b ? 1 : 0); break;
    case Cell::Kind::kInt: BindInt(index, value.i); break;
    case Cell::Kind::kDouble: BindDouble(index, value.d); break;
    case Cell::Kind::kText: BindText(index, value.s); break;
  }
}

StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    const int rc = std::exchange(bind_rc_, SQLITE_OK);
    sqlite3_reset(stmt_);
    return Status(CodeFor(rc), fmt::format("binding a parameter of '{}': {}", sql(), sqlite3_errstr(rc)),
                  std::string(kStoreReason));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  Status error = SqliteError(db_, rc, fmt::format("running '{:.120}'", sql()));
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

StatusOr<std::vector<std::string>> Statement::TextsOfColumn(int index) {
  std::vector<std::string> texts;
  while (true) {
    SFSYNC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return texts;
    texts.push_back(ColumnText(index));
  }
}

void Statement::Reset() { sqlite3_reset(stmt_); }

bool Statement::ColumnIsNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::ColumnDouble(int index) const { return sqlite3_column_double(stmt_, index); }

std::string Statement::ColumnText(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

Cell Statement::ColumnValue(int index) const {
  switch (sqlite3_column_type(stmt_, index)) {
    case SQLITE_NULL: return Cell::Null();
    case SQLITE_INTEGER: return Cell::Int(ColumnInt(index));
    case SQLITE_FLOAT: return Cell::Double(ColumnDouble(index));
    default: return Cell::Text(ColumnText(index));
  }
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

const char* Statement::sql() const { return stmt_ != nullptr ? sqlite3_sql(stmt_) : ""; }

// ---- Db ----

StatusOr<Db> Db::Open(const std::string& path, const std::string& vfs, int busy_timeout_millis) {
  // The org's data is for this user: a new database is created 0600 (SQLite would make it 0644 less
  // the umask), and SQLite gives its -wal and -shm files the database's mode. An existing file keeps
  // the mode its owner chose.
  const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (created >= 0) {
    ::close(created);
  } else if (errno != EEXIST) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("opening '{}': cannot create it: {}", path, std::strerror(errno)), std::string(kStoreReason));
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 vfs.empty() ? nullptr : vfs.c_str());
  Db db(raw);  // sqlite3_open_v2 may hand back a handle even on failure; it must be closed either way
  if (rc != SQLITE_OK) return SqliteError(raw, rc, fmt::format("opening '{}'", path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_millis);
  return db;
}

Db::Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Status Db::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, fmt::format("running '{:.120}'", sql));
  return Status::Ok();
}

StatusOr<std::string> Db::QueryText(std::string_view sql) {
  SFSYNC_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  SFSYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status(StatusCode::kInternal, fmt::format("'{}' returned no row", sql), std::string(kStoreReason));
  std::string value = stmt.ColumnText(0);
  stmt.Reset();
  return value;
}

StatusOr<Statement> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, fmt::format("preparing '{:.120}'", sql));
  return Statement(db_, stmt);
}

bool Db::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Db::changes() const { return sqlite3_changes64(db_); }

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

// ---- Transaction ----

Transaction::Transaction(Db* db) : db_(db) {
  begin_status_ = db_->Exec("BEGIN IMMEDIATE");
  open_ = begin_status_.ok();
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  Status status = db_->Exec("COMMIT");
  if (status.ok()) {
    open_ = false;
  } else {
    Rollback();
  }
  return status;
}

void Transaction::Rollback() {
  // After some errors (e.g. an I/O error in COMMIT) SQLite has already rolled back on its own.
  if (open_ && db_->in_transaction()) db_->Exec("ROLLBACK").IgnoreError();
  open_ = false;
}

}  // namespace sfsync::store
