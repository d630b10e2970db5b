// The live progress lines of `sfsync run` on a terminal: one line per object of the job, redrawn in
// place five times a second below the log lines (engine/core/log.h ConsoleOverlay), e.g.
//
//   Account      waiting
//   Contact      12,000 / 50,000 rows  24%  8,120 rows/s  ETA 5 s
//   Opportunity  5,000 rows  SUCCESS in 0.6 s
//
// "total" is the server's count for the query being read (totalSize), so an incremental run shows
// the rows changed since the watermark. Only drawn when stderr is a terminal (the CLI decides);
// lines are cut to the terminal's width so none wraps. Stop() draws the final state and leaves it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/log.h"
#include "engine/sync/progress.h"

namespace sfsync::cli {

// One object's line, as text (no escape codes): what the display draws; pure, for tests.
struct ObjectProgress {
  std::string object;
  std::string status;  // "" before it starts, RUNNING while it runs, then its final status
  int64_t rows = 0;
  int64_t expected = 0;  // 0: unknown
  double seconds = 0;    // since it started
};
std::string FormatProgressLine(const ObjectProgress& p, size_t name_width);

class ProgressDisplay : public sync::ProgressSink, public ConsoleOverlay {
 public:
  // Starts drawing at once: one "waiting" line per object.
  explicit ProgressDisplay(const std::vector<std::string>& objects);
  ~ProgressDisplay() override;  // Stop()s
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // Draws the final state, stops redrawing, and leaves the lines on the terminal.
  void Stop();

  void Started(const std::string& object) override;
  void Rows(const std::string& object, int64_t rows_read, int64_t expected) override;
  void Finished(const std::string& object, const std::string& status) override;

  std::string Clear() override;
  std::string Redraw() override;

 private:
  struct Line {
    ObjectProgress progress;
    std::chrono::steady_clock::time_point started;
  };
  Line* Find(const std::string& object);  // REQUIRES: mu_ held
  void Tick();

  std::mutex mu_;
  std::vector<Line> lines_;
  size_t name_width_ = 0;
  int drawn_ = 0;  // lines on the terminal now
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread ticker_;
};

}  // namespace sfsync::cli
