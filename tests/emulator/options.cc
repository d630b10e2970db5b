#include "tests/emulator/options.h"

#include <charconv>
#include <functional>
#include <map>

#include "tests/emulator/faults/fault_spec.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T min, T max, T* out) {
  T value{};
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value < min ||
      value > max) {
    return false;
  }
  *out = value;
  return true;
}

const char* const kUsage = R"(Usage: sfsync-emulator [flags]

A Salesforce look-alike over HTTP for tests, demos and offline development.

Network:
  --host ADDR              IPv4 address to bind (default 127.0.0.1)
  --port N                 port; 0 picks a free one (default 8765)
  --port-file FILE         write the port number to FILE once listening

Seeded org (deterministic for the same seed, sizes and --clock-start):
  --seed N                 random seed (default 42)
  --size N                 Account=N, Contact=2N, Opportunity=N (default 1000)
  --rows OBJECT=N          rows of one object; repeatable (Profile, User, Group, Account,
                           Contact, Opportunity, Lead, Case, Invoice__c, Attachment,
                           Task, Event; Group defaults to 2 queues, Lead to 0, Case to
                           30, Invoice__c to 20, Attachment to 10, Task to 40, Event to 20)

Clock:
  --clock-start ISO        start the emulator clock at this instant
                           (e.g. 2024-05-01T10:00:00Z); default: real time
  --freeze-clock           the clock only moves through POST /__emulator/clock

OAuth (refresh-token grant):
  --client-id ID           connected app consumer key (default sfsync-emulator-client-id)
  --client-secret SECRET   consumer secret (default sfsync-emulator-client-secret)
  --refresh-token TOKEN    the refresh token the org starts with
                           (default sfsync-emulator-refresh-token)
  --session-timeout S      access token lifetime in seconds (default 7200)
  --rotate-refresh-tokens  every refresh returns a new refresh token; the old one dies

REST:
  --api-quota N            API calls before 403 REQUEST_LIMIT_EXCEEDED (default 15000)
  --max-page-size N        server cap on records per query page (default 2000)
  --cursor-ttl S           query locator lifetime in seconds (default 172800 = 2 days)
  --max-cursors N          open query cursors kept; the oldest is dropped (default 100)
  --number-style STYLE     double/currency/percent rendering: decimal (15000.0,
                           139000000.0; default) or java (15000.0, 1.39E8)
  --long-text-batch N,M    page cap when one long text area is selected (N) and
                           when two or more are (M); 0 means no cap (default 1000,200)
  --wide-row-bytes N       end a query page before its body passes N bytes (default 0: off)
  --replication-id-limit N getUpdated/getDeleted results before EXCEEDED_ID_LIMIT
                           (default 600000)
  --deleted-earliest WHAT  getDeleted's earliestDateAvailable: purge (the last delete-log
                           purge or 15 days ago, whichever is later; default) or
                           oldest-entry (the oldest delete still in the log)

Bulk API 2.0 query jobs:
  --bulk-job-polls N       a job completes at its Nth status poll (default 2)
  --bulk-job-seconds S     ... or S seconds of emulator time after creation (default 0: off)
  --bulk-csv-null STYLE    nulls in result CSV: empty (an empty field; default) or quoted ("")
  --bulk-result-order O    ingest result records: shuffled (seeded; default), reversed or input

OAuth app (connected app settings; README "OAuth app configuration"):
  --callback-url URL       a registered callback URL; repeatable, the first use replaces
                           the default (http://127.0.0.1:1717/callback)
  --app-scopes "S ..."     the app's scopes (default "api refresh_token openid")
  --no-web-server-secret   the authorization-code exchange needs no client secret
                           ("Require Secret for Web Server Flow" off; PKCE public clients)
  --no-refresh-token-secret  the refresh grant needs no client secret
  --authorize-user NAME    the username /authorize approves as and device codes are
                           approved as (default: the integration user)
  --deny-authorization     /authorize redirects with error=access_denied instead
  --jwt-cert FILE          X.509 PEM whose RSA public key verifies JWT bearer assertions
  --jwt-preauthorized NAME a username pre-authorized for the JWT grant; repeatable,
                           replaces the default (the integration user)
  --jwt-max-exp-ahead S    reject a JWT whose exp is more than S seconds ahead
                           (default 180; 0 = no limit)
  --client-credentials-user NAME  the client-credentials run-as user (default: the
                           integration user; "none" = no run-as user configured)
  --device-interval S      device-flow polling interval; faster polls get slow_down
                           (default 5; 0 = never slow_down)
  --device-code-ttl S      device code lifetime in seconds (default 600)

Hosts and HTTPS:
  --my-domain-port N       also listen on N as the org's My Domain (instance_url, REST,
                           client credentials); --port is then the login host only.
                           0 picks a free port
  --tls-cert FILE          serve HTTPS on every listener with this PEM certificate
  --tls-key FILE           ... and this PEM private key (both or neither)

Fault injection (README "Faults"):
  --fault SPEC             a fault rule, KIND[:key=value,...]; repeatable. Kinds: latency,
                           http500, http503, expire_session, reset_headers, reset_body,
                           truncate_body, stall, query_timeout, invalid_locator,
                           malformed_json, limit_exceeded. Keys: path (glob), method,
                           after, every, p, times, nth, ms, jitter
  --fault-seed N           seed of fault probabilities and jitter (default: --seed)

  --help                   show this text
)";

}  // namespace

std::string UsageText() { return kUsage; }

ParseOutcome ParseOptions(const std::vector<std::string>& args, EmulatorConfig* config,
                          std::string* error) {
  using Setter = std::function<bool(const std::string&)>;
  bool callback_urls_given = false;
  std::string fault_error;  // why the last --fault was refused
  auto positive = [](int64_t* out) {
    return [out](const std::string& v) { return ParseNumber<int64_t>(v, 1, INT64_MAX / 1000, out); };
  };
  std::map<std::string, Setter> flags = {
      {"--host", [&](const std::string& v) { config->host = v; return !v.empty(); }},
      {"--port", [&](const std::string& v) { return ParseNumber(v, 0, 65535, &config->port); }},
      {"--port-file", [&](const std::string& v) { config->port_file = v; return !v.empty(); }},
      {"--seed", [&](const std::string& v) { return ParseNumber<uint64_t>(v, 0, UINT64_MAX, &config->seed); }},
      {"--size",
       [&](const std::string& v) {
         int64_t n;
         if (!ParseNumber<int64_t>(v, 0, 100'000'000, &n)) return false;
         config->rows["Account"] = n;
         config->rows["Contact"] = 2 * n;
         config->rows["Opportunity"] = n;
         return true;
       }},
      {"--rows",
       [&](const std::string& v) {
         size_t eq = v.find('=');
         if (eq == std::string::npos || !config->rows.contains(v.substr(0, eq))) return false;
         return ParseNumber<int64_t>(std::string_view(v).substr(eq + 1), 0, 100'000'000,
                                     &config->rows[v.substr(0, eq)]);
       }},
      {"--clock-start",
       [&](const std::string& v) {
         int64_t ms;
         if (!ParseDateTime(v, &ms)) return false;
         config->clock_start_ms = ms;
         return true;
       }},
      {"--client-id", [&](const std::string& v) { config->client_id = v; return !v.empty(); }},
      {"--client-secret", [&](const std::string& v) { config->client_secret = v; return !v.empty(); }},
      {"--refresh-token", [&](const std::string& v) { config->refresh_token = v; return !v.empty(); }},
      {"--session-timeout", positive(&config->session_timeout_s)},
      {"--api-quota", [&](const std::string& v) { return ParseNumber<int64_t>(v, 0, INT64_MAX, &config->api_quota); }},
      {"--max-page-size", [&](const std::string& v) { return ParseNumber(v, 1, 2000, &config->max_page_size); }},
      {"--cursor-ttl", positive(&config->cursor_ttl_s)},
      {"--max-cursors", [&](const std::string& v) { return ParseNumber<size_t>(v, 1, 1'000'000, &config->max_cursors); }},
      {"--callback-url",
       [&](const std::string& v) {
         if (!callback_urls_given) config->callback_urls.clear();
         callback_urls_given = true;
         config->callback_urls.push_back(v);
         return !v.empty();
       }},
      {"--app-scopes",
       [&](const std::string& v) {
         config->app_scopes.clear();
         for (size_t start = 0; start < v.size();) {
           size_t space = v.find(' ', start);
           if (space == std::string::npos) space = v.size();
           if (space > start) config->app_scopes.push_back(v.substr(start, space - start));
           start = space + 1;
         }
         return !config->app_scopes.empty();
       }},
      {"--authorize-user", [&](const std::string& v) { config->authorize_user = v; return !v.empty(); }},
      {"--jwt-cert", [&](const std::string& v) { config->jwt_cert_file = v; return !v.empty(); }},
      {"--jwt-preauthorized",
       [&](const std::string& v) { config->jwt_preauthorized.push_back(v); return !v.empty(); }},
      {"--jwt-max-exp-ahead",
       [&](const std::string& v) { return ParseNumber<int64_t>(v, 0, 86400 * 365, &config->jwt_max_exp_ahead_s); }},
      {"--client-credentials-user",
       [&](const std::string& v) { config->client_credentials_user = v; return !v.empty(); }},
      {"--device-interval",
       [&](const std::string& v) { return ParseNumber<int64_t>(v, 0, 3600, &config->device_interval_s); }},
      {"--device-code-ttl", positive(&config->device_code_ttl_s)},
      {"--my-domain-port",
       [&](const std::string& v) {
         int port;
         if (!ParseNumber(v, 0, 65535, &port)) return false;
         config->my_domain_port = port;
         return true;
       }},
      {"--tls-cert", [&](const std::string& v) { config->tls_cert_file = v; return !v.empty(); }},
      {"--tls-key", [&](const std::string& v) { config->tls_key_file = v; return !v.empty(); }},
      {"--fault",
       [&](const std::string& v) {
         std::string why;
         if (!ParseFaultSpec(v, &why)) {
           fault_error = why;
           return false;
         }
         config->faults.push_back(v);
         return true;
       }},
      {"--fault-seed",
       [&](const std::string& v) {
         uint64_t seed;
         if (!ParseNumber<uint64_t>(v, 0, UINT64_MAX, &seed)) return false;
         config->fault_seed = seed;
         return true;
       }},
      {"--long-text-batch",
       [&](const std::string& v) {
         size_t comma = v.find(',');
         return comma != std::string::npos &&
                ParseNumber(std::string_view(v).substr(0, comma), 0, 2000, &config->one_long_text_page) &&
                ParseNumber(std::string_view(v).substr(comma + 1), 0, 2000, &config->many_long_text_page);
       }},
      {"--wide-row-bytes",
       [&](const std::string& v) { return ParseNumber<int64_t>(v, 0, INT64_MAX, &config->wide_row_bytes); }},
      {"--replication-id-limit",
       [&](const std::string& v) { return ParseNumber<size_t>(v, 1, 100'000'000, &config->replication_id_limit); }},
      {"--deleted-earliest",
       [&](const std::string& v) {
         if (v == "purge") config->delete_horizon = DeleteHorizon::kPurge;
         else if (v == "oldest-entry") config->delete_horizon = DeleteHorizon::kOldestEntry;
         else return false;
         return true;
       }},
      {"--bulk-job-polls", [&](const std::string& v) { return ParseNumber(v, 1, 1'000'000, &config->bulk_job_polls); }},
      {"--bulk-job-seconds",
       [&](const std::string& v) { return ParseNumber<int64_t>(v, 0, 86'400 * 365, &config->bulk_job_seconds); }},
      {"--bulk-csv-null",
       [&](const std::string& v) {
         if (v != "empty" && v != "quoted") return false;
         config->bulk_quote_nulls = v == "quoted";
         return true;
       }},
      {"--bulk-result-order",
       [&](const std::string& v) {
         if (v != "shuffled" && v != "reversed" && v != "input") return false;
         config->bulk_result_order = v;
         return true;
       }},
      {"--number-style",
       [&](const std::string& v) {
         if (v == "decimal") config->number_style = NumberStyle::kDecimal;
         else if (v == "java") config->number_style = NumberStyle::kJava;
         else return false;
         return true;
       }},
  };
  std::map<std::string, bool*> switches = {
      {"--freeze-clock", &config->freeze_clock},
      {"--rotate-refresh-tokens", &config->rotate_refresh_tokens},
      {"--deny-authorization", &config->deny_authorization},
  };
  std::map<std::string, bool*> clearing_switches = {
      {"--no-web-server-secret", &config->web_server_secret_required},
      {"--no-refresh-token-secret", &config->refresh_secret_required},
  };

  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") return ParseOutcome::kHelp;
    if (auto s = switches.find(arg); s != switches.end()) {
      *s->second = true;
      continue;
    }
    if (auto s = clearing_switches.find(arg); s != clearing_switches.end()) {
      *s->second = false;
      continue;
    }
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto flag = flags.find(arg);
    if (flag == flags.end()) {
      *error = "unknown flag " + arg + " (see --help)";
      return ParseOutcome::kError;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *error = arg + " needs a value";
        return ParseOutcome::kError;
      }
      value = args[++i];
    }
    if (!flag->second(value)) {
      *error = "bad value for " + arg + ": '" + value + "' (" + (fault_error.empty() ? "see --help" : fault_error) + ")";
      return ParseOutcome::kError;
    }
  }
  if (config->rows["Profile"] < 1 || config->rows["User"] < 1) {
    *error = "--rows Profile=N and User=N need N >= 1 (tokens run as the first User)";
    return ParseOutcome::kError;
  }
  if (config->tls_cert_file.empty() != config->tls_key_file.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return ParseOutcome::kError;
  }
  if (config->my_domain_port && *config->my_domain_port != 0 && *config->my_domain_port == config->port) {
    *error = "--my-domain-port must differ from --port";
    return ParseOutcome::kError;
  }
  return ParseOutcome::kRun;
}

}  // namespace sfsync::emulator
