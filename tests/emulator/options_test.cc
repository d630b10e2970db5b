#include "tests/emulator/options.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

ParseOutcome Parse(std::vector<std::string> args, EmulatorConfig* config, std::string* error) {
  return ParseOptions(args, config, error);
}

TEST_CASE("defaults describe a 1000-account org on 127.0.0.1:8765") {
  EmulatorConfig config;
  std::string error;
  REQUIRE(Parse({}, &config, &error) == ParseOutcome::kRun);
  CHECK(config.host == "127.0.0.1");
  CHECK(config.port == 8765);
  CHECK(config.seed == 42);
  CHECK(config.rows["Account"] == 1000);
  CHECK(config.rows["Contact"] == 2000);
  CHECK(config.rows["Lead"] == 0);
  CHECK(config.session_timeout_s == 7200);
  CHECK(config.api_quota == 15000);
  CHECK(config.cursor_ttl_s == 172800);
  CHECK(config.number_style == NumberStyle::kDecimal);
}

TEST_CASE("--size sets Account=N, Contact=2N, Opportunity=N and --rows overrides one object") {
  EmulatorConfig config;
  std::string error;
  REQUIRE(Parse({"--size", "500", "--rows", "Contact=7", "--rows=Lead=3"}, &config, &error) ==
          ParseOutcome::kRun);
  CHECK(config.rows["Account"] == 500);
  CHECK(config.rows["Contact"] == 7);
  CHECK(config.rows["Opportunity"] == 500);
  CHECK(config.rows["Lead"] == 3);
}

TEST_CASE("every flag is understood, in both --flag value and --flag=value forms") {
  EmulatorConfig config;
  std::string error;
  REQUIRE(Parse({"--host", "0.0.0.0", "--port=0", "--port-file", "/tmp/p", "--seed", "7",
                 "--clock-start", "2024-05-01T10:00:00Z", "--freeze-clock", "--client-id", "cid",
                 "--client-secret", "cs", "--refresh-token", "rt", "--session-timeout", "60",
                 "--rotate-refresh-tokens", "--api-quota", "5", "--max-page-size", "300",
                 "--cursor-ttl", "10", "--max-cursors", "2", "--number-style", "java"},
                &config, &error) == ParseOutcome::kRun);
  CHECK(config.host == "0.0.0.0");
  CHECK(config.port == 0);
  CHECK(config.port_file == "/tmp/p");
  CHECK(config.seed == 7);
  CHECK(config.clock_start_ms == std::optional<int64_t>(1714557600000));
  CHECK(config.freeze_clock);
  CHECK(config.client_id == "cid");
  CHECK(config.client_secret == "cs");
  CHECK(config.refresh_token == "rt");
  CHECK(config.session_timeout_s == 60);
  CHECK(config.rotate_refresh_tokens);
  CHECK(config.api_quota == 5);
  CHECK(config.max_page_size == 300);
  CHECK(config.cursor_ttl_s == 10);
  CHECK(config.max_cursors == 2);
  CHECK(config.number_style == NumberStyle::kJava);
}

TEST_CASE("stage 2 flags: page shrinking, replication cap, Bulk jobs, the custom objects' rows") {
  std::string error;
  EmulatorConfig config;
  CHECK(config.rows["Invoice__c"] == 20);
  CHECK(config.rows["Attachment"] == 10);
  CHECK(config.one_long_text_page == 1000);
  CHECK(config.many_long_text_page == 200);
  CHECK(config.wide_row_bytes == 0);
  CHECK(config.bulk_job_polls == 2);
  CHECK_FALSE(config.bulk_quote_nulls);
  CHECK(config.bulk_result_order == "shuffled");
  CHECK(config.delete_horizon == DeleteHorizon::kPurge);
  REQUIRE(Parse({"--long-text-batch", "0,150", "--wide-row-bytes=65536", "--replication-id-limit", "100",
                 "--deleted-earliest", "oldest-entry",
                 "--bulk-job-polls", "4", "--bulk-job-seconds=30", "--bulk-csv-null", "quoted",
                 "--bulk-result-order", "reversed", "--rows", "Invoice__c=7", "--rows", "Attachment=0"},
                &config, &error) == ParseOutcome::kRun);
  CHECK(config.one_long_text_page == 0);
  CHECK(config.many_long_text_page == 150);
  CHECK(config.wide_row_bytes == 65536);
  CHECK(config.replication_id_limit == 100);
  CHECK(config.delete_horizon == DeleteHorizon::kOldestEntry);
  CHECK(config.bulk_job_polls == 4);
  CHECK(config.bulk_job_seconds == 30);
  CHECK(config.bulk_quote_nulls);
  CHECK(config.bulk_result_order == "reversed");
  CHECK(config.rows["Invoice__c"] == 7);
  CHECK(config.rows["Attachment"] == 0);
  CHECK(Parse({"--long-text-batch", "1000"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--bulk-csv-null", "none"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--bulk-result-order", "sorted"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--deleted-earliest", "newest"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--bulk-job-polls", "0"}, &config, &error) == ParseOutcome::kError);
}

TEST_CASE("bad flags and values are errors that name the flag") {
  std::string error;
  EmulatorConfig config;
  CHECK(Parse({"--nope"}, &config, &error) == ParseOutcome::kError);
  CHECK(error.find("--nope") != std::string::npos);
  CHECK(Parse({"--port", "70000"}, &config, &error) == ParseOutcome::kError);
  CHECK(error.find("--port") != std::string::npos);
  CHECK(Parse({"--rows", "Widget=3"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--clock-start", "yesterday"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--number-style", "roman"}, &config, &error) == ParseOutcome::kError);
  CHECK(Parse({"--seed"}, &config, &error) == ParseOutcome::kError);
  CHECK(error == "--seed needs a value");
  EmulatorConfig no_users;
  CHECK(Parse({"--rows", "User=0"}, &no_users, &error) == ParseOutcome::kError);
  CHECK(Parse({"--help"}, &config, &error) == ParseOutcome::kHelp);
}

TEST_CASE("OAuth app, host, TLS and fault flags, with their defaults") {
  EmulatorConfig defaults;
  std::string error;
  REQUIRE(Parse({}, &defaults, &error) == ParseOutcome::kRun);
  CHECK(defaults.callback_urls == std::vector<std::string>{"http://127.0.0.1:1717/callback"});
  CHECK(defaults.app_scopes == std::vector<std::string>{"api", "refresh_token", "openid"});
  CHECK(defaults.web_server_secret_required);
  CHECK(defaults.refresh_secret_required);
  CHECK(defaults.jwt_max_exp_ahead_s == 180);
  CHECK(defaults.device_interval_s == 5);
  CHECK_FALSE(defaults.my_domain_port.has_value());
  CHECK(defaults.faults.empty());

  EmulatorConfig config;
  REQUIRE(Parse({"--callback-url", "http://localhost:1/cb", "--callback-url=https://app/cb",
                 "--app-scopes", "api  web offline_access", "--no-web-server-secret", "--no-refresh-token-secret",
                 "--authorize-user", "a@b", "--deny-authorization", "--jwt-cert", "/tmp/c.pem",
                 "--jwt-preauthorized", "x@y", "--jwt-preauthorized", "z@y", "--jwt-max-exp-ahead", "0",
                 "--client-credentials-user", "none", "--device-interval", "0", "--device-code-ttl", "30",
                 "--my-domain-port", "0", "--tls-cert", "/tmp/s.pem", "--tls-key", "/tmp/s.key",
                 "--fault", "http503:nth=2", "--fault", "latency:ms=5", "--fault-seed", "9"},
                &config, &error) == ParseOutcome::kRun);
  CHECK(config.callback_urls == std::vector<std::string>{"http://localhost:1/cb", "https://app/cb"});
  CHECK(config.app_scopes == std::vector<std::string>{"api", "web", "offline_access"});
  CHECK_FALSE(config.web_server_secret_required);
  CHECK_FALSE(config.refresh_secret_required);
  CHECK(config.authorize_user == "a@b");
  CHECK(config.deny_authorization);
  CHECK(config.jwt_cert_file == "/tmp/c.pem");
  CHECK(config.jwt_preauthorized == std::vector<std::string>{"x@y", "z@y"});
  CHECK(config.jwt_max_exp_ahead_s == 0);
  CHECK(config.client_credentials_user == "none");
  CHECK(config.device_interval_s == 0);
  CHECK(config.device_code_ttl_s == 30);
  CHECK(config.my_domain_port == std::optional<int>(0));
  CHECK(config.tls_cert_file == "/tmp/s.pem");
  CHECK(config.tls_key_file == "/tmp/s.key");
  CHECK(config.faults == std::vector<std::string>{"http503:nth=2", "latency:ms=5"});
  CHECK(config.fault_seed == std::optional<uint64_t>(9));
}

TEST_CASE("flag combinations and fault specs are checked before start-up") {
  std::string error;
  EmulatorConfig config;
  CHECK(Parse({"--tls-cert", "/tmp/s.pem"}, &config, &error) == ParseOutcome::kError);
  CHECK(error == "--tls-cert and --tls-key go together");
  EmulatorConfig same_port;
  CHECK(Parse({"--port", "9000", "--my-domain-port", "9000"}, &same_port, &error) == ParseOutcome::kError);
  CHECK(error == "--my-domain-port must differ from --port");
  EmulatorConfig bad_fault;
  CHECK(Parse({"--fault", "http503:every=0"}, &bad_fault, &error) == ParseOutcome::kError);
  CHECK(error == "bad value for --fault: 'http503:every=0' (bad value for fault option every: '0')");
  EmulatorConfig no_scopes;
  CHECK(Parse({"--app-scopes", " "}, &no_scopes, &error) == ParseOutcome::kError);
}

}  // namespace
}  // namespace sfsync::emulator
