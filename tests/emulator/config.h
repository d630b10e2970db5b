// Everything the emulator can be told at start-up (command-line flags map onto this).
#ifndef SFSYNC_TESTS_EMULATOR_CONFIG_H_
#define SFSYNC_TESTS_EMULATOR_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {

struct EmulatorConfig {
  // Network.
  std::string host = "127.0.0.1";
  int port = 8765;
  std::string port_file;

  // Seeded org: rows per object (Profile and User need at least one).
  uint64_t seed = 42;
  std::map<std::string, int64_t> rows = {{"Profile", 4},    {"User", 6},
                                         {"Account", 1000}, {"Contact", 2000},
                                         {"Opportunity", 1000}, {"Lead", 0},
                                         {"Invoice__c", 20}, {"Attachment", 10}};

  // Clock.
  std::optional<int64_t> clock_start_ms;
  bool freeze_clock = false;

  // OAuth: the connected app and the refresh token the org starts with.
  std::string client_id = "sfsync-emulator-client-id";
  std::string client_secret = "sfsync-emulator-client-secret";
  std::string refresh_token = "sfsync-emulator-refresh-token";
  int64_t session_timeout_s = 7200;
  bool rotate_refresh_tokens = false;

  // REST.
  int64_t api_quota = 15000;
  int max_page_size = 2000;
  int64_t cursor_ttl_s = 2 * 86400;
  size_t max_cursors = 100;
  NumberStyle number_style = NumberStyle::kDecimal;
  // Query page shrinking (protocol §2.2): the cap with one long text area selected, with two
  // or more (0: no cap), and a cap on a page's body size in bytes (0: none).
  int one_long_text_page = 1000;
  int many_long_text_page = 200;
  int64_t wide_row_bytes = 0;
  // Bulk 2.0 query jobs complete at this status poll, or this many seconds after creation (0:
  // polls only); CSV nulls are "" rather than an empty field with bulk_quote_nulls.
  int bulk_job_polls = 2;
  int64_t bulk_job_seconds = 0;
  bool bulk_quote_nulls = false;
  // getUpdated/getDeleted: more results than this is EXCEEDED_ID_LIMIT.
  size_t replication_id_limit = 600'000;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_CONFIG_H_
