#include "engine/store/fault_statements.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sfsync::store {
namespace {

std::atomic<bool> g_armed{false};
std::atomic<int> g_mode{0};
std::atomic<int64_t> g_n{0};
std::atomic<int64_t> g_count{0};
std::atomic<bool> g_injected{false};

// Per connection: whether the statement now running was chosen to fail. A connection runs one
// statement at a time (a trigger's program runs inside its statement), so one flag suffices.
struct ConnectionState {
  bool fail_current = false;
};

bool ShouldFail(int64_t call) {
  const auto mode = static_cast<FaultStatements::Mode>(g_mode.load());
  const int64_t n = g_n.load();
  switch (mode) {
    case FaultStatements::Mode::kOff:
      return false;
    case FaultStatements::Mode::kFailOnce:
      return call == n;
    case FaultStatements::Mode::kFailFromNth:
      return call >= n;
  }
  return false;
}

// SFSYNC_FAULT_TRACE=1 prints each counted statement (finding where a failing N is).
const bool g_print = std::getenv("SFSYNC_FAULT_TRACE") != nullptr;

int OnTrace(unsigned type, void* context, void* /*statement*/, void* sql) {
  if (type != SQLITE_TRACE_STMT || !g_armed.load()) return 0;
  // A trigger's program is reported as a statement too ("-- TRIGGER name"); failing it fails the
  // statement that fired it, which is already counted: one injection point per statement.
  const char* text = static_cast<const char*>(sql);
  if (text != nullptr && std::strncmp(text, "-- TRIGGER", 10) == 0) return 0;
  auto* state = static_cast<ConnectionState*>(context);
  const int64_t call = ++g_count;
  if (g_print) std::fprintf(stderr, "[statement %lld] %.160s\n", static_cast<long long>(call), static_cast<const char*>(sql));
  if (ShouldFail(call)) {
    state->fail_current = true;
    g_injected = true;
  }
  return 0;
}

int OnProgress(void* context) {
  auto* state = static_cast<ConnectionState*>(context);
  if (!state->fail_current) return 0;
  state->fail_current = false;
  return 1;  // SQLITE_INTERRUPT for this statement
}

// Called by SQLite for each new connection. The state lives as long as the process: connections
// are few in a test and SQLite gives no close hook to free it by.
int OnOpen(sqlite3* db, const char** /*error*/, const struct sqlite3_api_routines* /*api*/) {
  auto* state = new ConnectionState();
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, &OnTrace, state);
  // Every virtual-machine step: the chosen statement fails at its first one (SQLite also calls the
  // handler when a statement ends, so even a one-step statement is caught).
  sqlite3_progress_handler(db, 1, &OnProgress, state);
  return SQLITE_OK;
}

}  // namespace

void FaultStatements::Install() {
  static const bool installed = [] {
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(&OnOpen));
    return true;
  }();
  (void)installed;
}

void FaultStatements::Arm(Mode mode, int64_t n) {
  g_armed = false;
  g_mode = static_cast<int>(mode);
  g_n = n;
  g_count = 0;
  g_injected = false;
  g_armed = true;
}

void FaultStatements::Disarm() {
  g_armed = false;
  g_mode = static_cast<int>(Mode::kOff);
}

int64_t FaultStatements::statements() { return g_count.load(); }
bool FaultStatements::injected() { return g_injected.load(); }

}  // namespace sfsync::store
