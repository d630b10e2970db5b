// A thin RAII wrapper over a prepared sqlite3 statement, plus the emulator's value type.
// Only org/ and soql-execution code touches SQLite.
#ifndef SFSYNC_TESTS_EMULATOR_ORG_STATEMENT_H_
#define SFSYNC_TESTS_EMULATOR_ORG_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sfsync::emulator {

// A stored field value: null, integer (int, boolean 0/1, datetime epoch ms), real, or text
// (strings, ids, `yyyy-MM-dd` dates).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

// Double-quotes an SQL identifier.
std::string QuoteIdentifier(std::string_view name);

class Statement {
 public:
  Statement() = default;
  // On failure ok() is false and error() says why.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const std::string& error() const { return error_; }
  sqlite3_stmt* get() const { return stmt_; }

  // Parameter indexes are 1-based, as in SQLite. Text is copied unless `copy` is false, in
  // which case `value` must stay alive until the statement is stepped and reset.
  void Bind(int index, const Value& value, bool copy = true);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Resets for the next execution and clears bindings.
  void Reset();

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

// Runs SQL without results; returns false and fills `error` on failure.
bool Exec(sqlite3* db, std::string_view sql, std::string* error);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_STATEMENT_H_
