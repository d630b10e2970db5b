// TimeZone: a zone of the IANA database (Europe/Paris) as the system's zoneinfo files give it, for
// cron schedules in local time (CRON_TZ=, cron.h). Reads the TZif file's 64-bit transitions and, for
// instants after the last of them, its POSIX TZ footer rule ("CET-1CEST,M3.5.0,M10.5.0/3").
// No process-wide TZ or localtime_r: the daemon is multi-threaded. Immutable, thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/statusor.h"

namespace sfsync::scheduler {

class TimeZone {
 public:
  // Reads $TZDIR/<name> (default /usr/share/zoneinfo). InvalidArgument for a name with ".." or a
  // leading '/', or one that names no readable TZif file: "unknown time zone 'Mars/Base' (...)".
  static StatusOr<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  // The zone `name` from TZif bytes (RFC 8536) read from `origin` (a path, for messages). A file
  // that is cut short or whose counts do not fit it is "damaged TZif file: <origin>".
  static StatusOr<std::shared_ptr<const TimeZone>> FromTzif(std::string_view name, std::string_view data,
                                                            std::string_view origin);

  const std::string& name() const { return name_; }
  // UTC offset in seconds (local = UTC + offset) at `utc_seconds`.
  int OffsetAt(int64_t utc_seconds) const;

  // POSIX TZ footer, for instants after the last transition.
  struct Rule {
    bool valid = false;
    int std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    int dst_offset = 0;
    // Mm.w.d rules: month 1-12, week 1-5 (5 = last), weekday 0-6; time of day in local seconds.
    int start_month = 0, start_week = 0, start_weekday = 0, start_time = 7200;
    int end_month = 0, end_week = 0, end_weekday = 0, end_time = 7200;
  };
  // Parses a POSIX TZ string with M rules (or none); valid = false when it cannot.
  static Rule ParseRule(std::string_view text);

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_;          // offset in effect from transitions_[i]
  int initial_offset_ = 0;            // before the first transition
  Rule rule_;
};

}  // namespace sfsync::scheduler
