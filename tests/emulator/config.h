// Everything the emulator can be told at start-up (command-line flags map onto this).
#ifndef SFSYNC_TESTS_EMULATOR_CONFIG_H_
#define SFSYNC_TESTS_EMULATOR_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {

// What getDeleted's earliestDateAvailable means (api/replication.h).
enum class DeleteHorizon {
  kPurge,        // the instant before which deletes may be gone: the last purge, or 15 days ago
  kOldestEntry,  // the oldest delete still in the log
};

struct EmulatorConfig {
  // Network.
  std::string host = "127.0.0.1";
  int port = 8765;
  std::string port_file;

  // Seeded org: rows per object (Profile and User need at least one).
  uint64_t seed = 42;
  std::map<std::string, int64_t> rows = {{"Profile", 4},     {"User", 6},           {"Group", 2}, {"Account", 1000},
                                         {"Contact", 2000},  {"Opportunity", 1000}, {"Lead", 0},  {"Case", 30},
                                         {"Invoice__c", 20}, {"Attachment", 10},    {"Task", 40}, {"Event", 20}};

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

  // OAuth app configuration beyond the refresh grant (README "OAuth app configuration").
  std::vector<std::string> callback_urls = {"http://127.0.0.1:1717/callback"};
  std::vector<std::string> app_scopes = {"api", "refresh_token", "openid"};
  bool web_server_secret_required = true;
  bool refresh_secret_required = true;
  std::string jwt_cert_file;
  int64_t jwt_max_exp_ahead_s = 180;
  std::vector<std::string> jwt_preauthorized;  // usernames; empty: the integration user
  std::string authorize_user;                  // empty: the integration user
  bool deny_authorization = false;
  std::string client_credentials_user;  // empty: the integration user; "none": no run-as user
  int64_t device_interval_s = 5;
  int64_t device_code_ttl_s = 600;

  // Hosts and HTTPS: with my_domain_port, `port` is the login host and this the org's My Domain.
  std::optional<int> my_domain_port;
  std::string tls_cert_file;
  std::string tls_key_file;

  // Fault injection (README "Faults"): specs as given to --fault, checked by ParseOptions.
  std::vector<std::string> faults;
  std::optional<uint64_t> fault_seed;  // default: `seed`
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
  // The order of Bulk 2.0 ingest result records: "shuffled" (seeded by --seed and the job),
  // "reversed" or "input". Salesforce does not promise the input order (push-back NOTES F7).
  std::string bulk_result_order = "shuffled";
  // getUpdated/getDeleted: more results than this is EXCEEDED_ID_LIMIT.
  size_t replication_id_limit = 600'000;
  // What getDeleted's earliestDateAvailable reports (api/replication.h).
  DeleteHorizon delete_horizon = DeleteHorizon::kPurge;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_CONFIG_H_
