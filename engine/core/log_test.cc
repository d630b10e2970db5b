#include "engine/core/log.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace sfsync {
namespace {

TEST_CASE("registered secrets are redacted, also URL-encoded") {
  RegisterSecret("s3cr3t/value+x");
  std::string out = Redact("secret is s3cr3t/value+x and encoded s3cr3t%2Fvalue%2Bx");
  CHECK(out.find("s3cr3t") == std::string::npos);
  CHECK(out.find("[REDACTED]") != std::string::npos);
}

TEST_CASE("secret shapes are redacted without registration") {
  CHECK(Redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer [REDACTED]");
  CHECK(Redact("token 00Dxx0000000123!AR8AQJXg.x_y end") == "token [REDACTED] end");
  CHECK(Redact("grant_type=refresh_token&refresh_token=5Aep861TSESv&client_id=abc") ==
        "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=abc");
  CHECK(Redact(R"({"access_token" : "zzzzzzzz", "id":"x"})") == R"({"access_token" : "[REDACTED]", "id":"x"})");
  CHECK(Redact("key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- done") == "key [REDACTED] done");
}

TEST_CASE("ordinary text survives redaction") {
  const std::string text = "Account: 2000 rows, code: 400, grant_type=refresh_token, api-usage=5/15000";
  CHECK(Redact(text) == text);
  // The auth schemes followed by a word are prose; followed by a credential they are redacted.
  const std::string prose = "add api to the app's OAuth scopes, then check its Basic settings and Bearer tokens";
  CHECK(Redact(prose) == prose);
  CHECK(Redact("Authorization: OAuth abcdefghijklmnopqrstuvwxyz") == "Authorization: OAuth [REDACTED]");
  CHECK(Redact("Authorization: Basic c2ZzeW5jOnNlY3JldA==") == "Authorization: Basic [REDACTED]");
  // A job-file key path in a validation message is not a secret.
  const std::string job_error = "job.yaml:9:20: connection.auth.refresh_token: plain-text secret in job file";
  CHECK(Redact(job_error) == job_error);
}

TEST_CASE("log lines honour the level and pass through redaction") {
  std::string sink;
  CaptureLogForTesting(&sink);
  SetLogLevel(LogLevel::kInfo);
  SFSYNC_LOG(kDebug, "hidden {}", 1);
  SFSYNC_LOG(kInfo, "sent Bearer {}", "tok123456");
  CaptureLogForTesting(nullptr);
  CHECK(sink.find("hidden") == std::string::npos);
  CHECK(sink.find("INFO sent Bearer [REDACTED]") != std::string::npos);
}

TEST_CASE("a LogContext labels its own thread's lines, nests, and ends with its scope") {
  std::string sink;
  CaptureLogForTesting(&sink);
  SetLogJobInText(true);
  SetLogLevel(LogLevel::kInfo);
  {
    LogContext job("nightly-accounts");
    SFSYNC_LOG(kInfo, "first");
    {
      LogContext inner("inner");
      SFSYNC_LOG(kInfo, "second");
    }
    std::thread([] { SFSYNC_LOG(kInfo, "other thread"); }).join();
    SFSYNC_LOG(kInfo, "third");
  }
  SFSYNC_LOG(kInfo, "after");
  SetLogJobInText(false);
  {
    LogContext job("not-shown");
    SFSYNC_LOG(kInfo, "one job");
  }
  CaptureLogForTesting(nullptr);
  CHECK(sink.find("INFO one job\n") != std::string::npos);
  CHECK(sink.find("INFO [nightly-accounts] first\n") != std::string::npos);
  CHECK(sink.find("INFO [inner] second\n") != std::string::npos);
  CHECK(sink.find("INFO other thread\n") != std::string::npos);
  CHECK(sink.find("INFO [nightly-accounts] third\n") != std::string::npos);
  CHECK(sink.find("INFO after\n") != std::string::npos);
}

TEST_CASE("json lines carry time, level, job, object, run id, message and typed fields") {
  std::string sink;
  CaptureLogForTesting(&sink);
  SetLogLevel(LogLevel::kInfo);
  SetLogFormat(LogFormat::kJson);
  {
    LogContext job(LogTags{"nightly", "Account", 42});
    LogWithFields(LogLevel::kWarn, {{"rows", int64_t{5}}, {"done", true}, {"rate", 1.5}, {"note", std::string("a \"b\"\n")}},
                  "{}: slow", "Account");
    SetLogRunId(43);
    SFSYNC_LOG(kInfo, "token=abcdefghijklmnop");
  }
  SFSYNC_LOG(kError, "no tags");
  SetLogFormat(LogFormat::kText);
  CaptureLogForTesting(nullptr);
  const std::string first = sink.substr(0, sink.find('\n'));
  CHECK(first.rfind("{\"time\":\"", 0) == 0);
  CHECK(first.find(R"("level":"warn","job":"nightly","object":"Account","run_id":42,"message":"Account: slow",)"
                   R"("fields":{"rows":5,"done":true,"rate":1.5,"note":"a \"b\"\n"}})") != std::string::npos);
  CHECK(sink.find(R"("run_id":43,"message":"token=[REDACTED]"})") != std::string::npos);
  CHECK(sink.find(R"("level":"error","message":"no tags"})") != std::string::npos);
}

TEST_CASE("text lines append fields as key=value, quoting values with spaces") {
  std::string sink;
  CaptureLogForTesting(&sink);
  SetLogLevel(LogLevel::kInfo);
  LogWithFields(LogLevel::kInfo, {{"rows", int64_t{7}}, {"error", std::string("two words")}}, "done");
  CaptureLogForTesting(nullptr);
  CHECK(sink.find("INFO done rows=7 error=\"two words\"\n") != std::string::npos);
}

TEST_CASE("the console and the log file have their own levels") {
  char path[] = "/tmp/sfsync-log-test-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::string sink;
  CaptureLogForTesting(&sink);
  SetLogLevel(LogLevel::kWarn);
  SetFileLogLevel(LogLevel::kInfo);
  REQUIRE(SetLogFile(path));
  CHECK(LogEnabled(LogLevel::kInfo));
  CHECK_FALSE(LogEnabled(LogLevel::kDebug));
  SFSYNC_LOG(kInfo, "chatter");
  SFSYNC_LOG(kWarn, "warning");
  LogLineToFile(LogLevel::kInfo, "summary Bearer abcdefghijklmnopqrstuvwxyz0123");
  CaptureLogForTesting(nullptr);
  SetLogLevel(LogLevel::kInfo);
  std::FILE* f = std::fopen(path, "r");
  REQUIRE(f != nullptr);
  std::string file(4096, '\0');
  file.resize(std::fread(file.data(), 1, file.size(), f));
  std::fclose(f);
  std::remove(path);
  CHECK(sink.find("chatter") == std::string::npos);
  CHECK(sink.find("WARN warning") != std::string::npos);
  CHECK(file.find("INFO chatter") != std::string::npos);
  CHECK(file.find("WARN warning") != std::string::npos);
  CHECK(file.find("INFO summary Bearer [REDACTED]\n") != std::string::npos);
  CHECK(sink.find("summary") == std::string::npos);
}

}  // namespace
}  // namespace sfsync
