#include "engine/cli/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>

namespace sfsync::cli {
namespace {

constexpr std::chrono::milliseconds kRedrawEvery{200};

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Duration(double seconds) {
  if (seconds < 60) return fmt::format("{} s", static_cast<int64_t>(seconds + 0.5));
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s < 3600) return fmt::format("{} min {} s", s / 60, s % 60);
  return fmt::format("{} h {} min", s / 3600, (s % 3600) / 60);
}

size_t TerminalWidth() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

std::string FormatProgressLine(const ObjectProgress& p, size_t name_width) {
  std::string line = fmt::format("{:<{}}  ", p.object, name_width);
  if (p.status.empty()) return line + "waiting";
  if (p.status != "RUNNING") {
    return line + fmt::format("{} rows  {} in {:.1f} s", Thousands(p.rows), p.status, p.seconds);
  }
  const double rate = p.seconds > 0.05 ? static_cast<double>(p.rows) / p.seconds : 0;
  if (p.expected > 0 && p.rows <= p.expected) {
    line += fmt::format("{} / {} rows  {}%", Thousands(p.rows), Thousands(p.expected), p.rows * 100 / p.expected);
  } else {
    line += fmt::format("{} rows", Thousands(p.rows));
  }
  if (rate > 0) {
    line += fmt::format("  {} rows/s", Thousands(static_cast<int64_t>(rate)));
    if (p.expected > p.rows) line += "  ETA " + Duration(static_cast<double>(p.expected - p.rows) / rate);
  }
  return line;
}

ProgressDisplay::ProgressDisplay(const std::vector<std::string>& objects) {
  for (const std::string& o : objects) {
    lines_.push_back(Line{ObjectProgress{o, "", 0, 0, 0}, {}});
    name_width_ = std::max(name_width_, o.size());
  }
  SetConsoleOverlay(this);
  RedrawConsoleOverlay();
  ticker_ = std::thread([this] { Tick(); });
}

ProgressDisplay::~ProgressDisplay() { Stop(); }

void ProgressDisplay::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  ticker_.join();
  RedrawConsoleOverlay();
  SetConsoleOverlay(nullptr);  // the lines stay where they were drawn
}

void ProgressDisplay::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, kRedrawEvery, [this] { return stopping_; })) {
    lock.unlock();
    RedrawConsoleOverlay();
    lock.lock();
  }
}

ProgressDisplay::Line* ProgressDisplay::Find(const std::string& object) {
  for (Line& l : lines_) {
    if (l.progress.object == object) return &l;
  }
  return nullptr;
}

void ProgressDisplay::Started(const std::string& object) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Line* l = Find(object)) {
    l->progress.status = "RUNNING";
    l->started = std::chrono::steady_clock::now();
  }
}

void ProgressDisplay::Rows(const std::string& object, int64_t rows_read, int64_t expected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Line* l = Find(object)) {
    l->progress.rows = rows_read;
    l->progress.expected = std::max(l->progress.expected, expected);
  }
}

void ProgressDisplay::Finished(const std::string& object, const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Line* l = Find(object)) {
    if (l->progress.status.empty()) l->started = std::chrono::steady_clock::now();
    l->progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - l->started).count();
    l->progress.status = status;
  }
}

std::string ProgressDisplay::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_ == 0) return "";
  std::string out = fmt::format("\x1b[{}F\x1b[J", drawn_);  // up to the first line drawn, then erase below
  drawn_ = 0;
  return out;
}

std::string ProgressDisplay::Redraw() {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t width = TerminalWidth();
  const auto now = std::chrono::steady_clock::now();
  std::string out;
  for (Line& l : lines_) {
    if (l.progress.status == "RUNNING") l.progress.seconds = std::chrono::duration<double>(now - l.started).count();
    std::string text = FormatProgressLine(l.progress, name_width_);
    if (text.size() >= width) text.resize(width - 1);
    out += text;
    out += '\n';
  }
  drawn_ = static_cast<int>(lines_.size());
  return out;
}

}  // namespace sfsync::cli
