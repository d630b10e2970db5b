// The write log: the recent write requests the REST write surfaces received, for tests that
// check on the server's side what a client sent ("only the changed fields", "one upsert per
// record", "the retry did not create twice"). Served by GET/DELETE /__emulator/writes
// (README "Admin API").
//
// Each entry is one request that reached a write handler (sObject rows POST/PATCH/DELETE and
// upsert, Collections POST/PATCH/DELETE and upsert, Composite graph, Bulk ingest job data),
// whatever its outcome:
//   {"seq":N, "method", "path", "object", "status", "ids":[...], "records":[{...}, ...]}
// `seq` counts from 1 and never repeats, also across Clear(). `object` is the sObject the path
// or the first record names ("" when neither does). `records` are the record bodies as parsed
// from the request (key order kept; numbers re-rendered by the JSON parser, so 1.50 reads 1.5).
// `ids` holds, per record, the Id it addressed or was given (null when none: a failed create);
// for a delete, the Ids asked for, and `records` is empty. `status` is the HTTP status answered.
// A Composite graph logs one entry per node: the node's method, url (without its query) and
// final httpStatusCode (400 when its graph was rolled back), with "via" the graph's path.
//
// At most `capacity` entries are kept; older ones are dropped first. Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_WRITE_LOG_H_
#define SFSYNC_TESTS_EMULATOR_API_WRITE_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/emulator/net/http_message.h"

namespace sfsync::emulator {

struct WriteEntry {
  std::string method;
  std::string path;
  std::string object;
  int status = 0;
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  // Which fault, if any, answered in place of the write ("unable_to_lock_row").
  std::string fault;
  // The request that carried this one (a Composite graph node: the graph's path); empty when
  // the entry is a request of its own.
  std::string via;
};

class WriteLog {
 public:
  static constexpr size_t kDefaultCapacity = 10'000;

  explicit WriteLog(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  void Add(WriteEntry entry);
  // Drops every entry (seq keeps counting).
  void Clear();
  // [entry, ...] oldest first, each entry as in the file comment (plus "fault" when a fault
  // answered in place of the write); entries with seq > `after_seq` only.
  std::string Json(int64_t after_seq = 0) const;

 private:
  struct Stored {
    int64_t seq;
    WriteEntry entry;
  };

  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<Stored> entries_;  // guarded by mu_
  int64_t next_seq_ = 1;        // guarded by mu_
};

// Runs `write` (a write handler) and logs its request in `log`: `write` fills the entry's
// object, ids and records as it learns them; the method, path and answer's status are filled here.
HttpResponse LogWrite(WriteLog* log, const HttpRequest& request, const std::function<HttpResponse(WriteEntry*)>& write);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_WRITE_LOG_H_
