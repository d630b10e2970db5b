// FaultStatements (tests only): fails the Nth SQL statement run by any SQLite connection this
// process opens, through SQLite's own hooks, with no test-only branch in the store:
//
//   sqlite3_auto_extension  runs for every connection opened after Install(), in any module;
//   sqlite3_trace_v2(STMT)  counts each statement as it starts running (a trigger's program is
//                           not counted apart: failing it is failing the statement that fired it);
//   sqlite3_progress_handler  fails the counted statement: it returns SQLITE_INTERRUPT to the
//                           caller, and SQLite undoes what the statement had done.
//
// With FaultVfs (which fails writes to files) this covers both ways a store call can fail: the
// statement and the disk. SQLite's discipline (STYLE.md): fail statement N for N = 1, 2, 3... until
// a run completes without the fault firing.
//
// Process-wide: at most one armed injector at a time; Install() once per process. Counting is
// atomic, so connections on several threads may run while armed (the order of statements across
// threads then decides which one is "N").
#pragma once

#include <cstdint>

namespace sfsync::store {

class FaultStatements {
 public:
  enum class Mode {
    kOff,          // count statements, inject nothing
    kFailOnce,     // statement N fails; later ones succeed (a transient fault)
    kFailFromNth,  // statement N and every later one fail (a database that has gone away)
  };

  // Registers the hooks for every connection opened from now on. Idempotent.
  static void Install();

  // Restarts the count at zero and arms `mode` for statement number n (1-based).
  static void Arm(Mode mode, int64_t n);
  // Counts nothing and injects nothing.
  static void Disarm();

  static int64_t statements();  // statements started since the last Arm
  static bool injected();       // whether a fault fired since the last Arm
};

}  // namespace sfsync::store
