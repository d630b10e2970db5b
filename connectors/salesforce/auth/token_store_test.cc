#include "connectors/salesforce/auth/token_store.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "connectors/salesforce/testing/test_keys.h"
#include "engine/core/log.h"

namespace sfsync::salesforce {
namespace {

using testing::ScratchDir;

OAuthSettings Connection(const std::string& state_dir) {
  OAuthSettings settings;
  settings.flow = "refresh_token";
  settings.login_url = "https://login.example.com";
  settings.client_id = "3MVG9client";
  settings.state_dir = state_dir;
  return settings;
}

StoredTokens SampleTokens(const std::string& suffix) {
  StoredTokens tokens;
  tokens.refresh_token = "5Aep861stored.refresh." + suffix;
  tokens.refresh_token_origin = Sha256Hex("5Aep861job.refresh");
  tokens.session.access_token = "00Dxx0000000123!AQ.stored-access." + suffix;
  tokens.session.instance_url = "https://acme.my.example.com";
  tokens.session.id_url = "https://login.example.com/id/00Dxx0000000123EAA/005xx000000456AAA";
  tokens.session.scope = "api refresh_token";
  tokens.session.issued_at_millis = 1708058728442;
  tokens.session.received_at_millis = 1708058728500;
  tokens.updated_at_millis = 1708058729000;
  return tokens;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int FilesIn(const std::string& dir) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

TEST_CASE("a saved store reads back whole, from a 0600 file in a 0700 directory") {
  ScratchDir dir;
  TokenStore store(Connection(dir.path() + "/state"));
  CHECK(store.Load()->has_value() == false);  // nothing yet, and that is not an error
  REQUIRE(store.Save(SampleTokens("a")).ok());

  CHECK(store.path().rfind(dir.path() + "/state/tokens/refresh_token-", 0) == 0);
  CHECK(Mode(store.path()) == 0600);
  CHECK(Mode(dir.path() + "/state/tokens") == 0700);
  CHECK(Mode(dir.path() + "/state") == 0700);

  StatusOr<std::optional<StoredTokens>> loaded = store.Load();
  REQUIRE(loaded.ok());
  REQUIRE(loaded->has_value());
  const StoredTokens& got = **loaded;
  const StoredTokens want = SampleTokens("a");
  CHECK(got.refresh_token == want.refresh_token);
  CHECK(got.refresh_token_origin == want.refresh_token_origin);
  CHECK(got.session.access_token == want.session.access_token);
  CHECK(got.session.instance_url == want.session.instance_url);
  CHECK(got.session.id_url == want.session.id_url);
  CHECK(got.session.scope == want.session.scope);
  CHECK(got.session.issued_at_millis == want.session.issued_at_millis);
  CHECK(got.session.received_at_millis == want.session.received_at_millis);
  CHECK(got.updated_at_millis == want.updated_at_millis);
  CHECK(Redact("x " + want.refresh_token) == "x [REDACTED]");  // loading registered it

  REQUIRE(store.Delete().ok());
  CHECK(store.Load()->has_value() == false);
  CHECK(store.Delete().ok());
}

TEST_CASE("each connection has its own file, and both interactive flows share one") {
  ScratchDir dir;
  OAuthSettings base = Connection(dir.path());
  base.flow = "jwt_bearer";
  base.username = "a@acme.example";
  OAuthSettings other_user = base;
  other_user.username = "b@acme.example";
  OAuthSettings other_client = base;
  other_client.client_id = "3MVG9other";
  OAuthSettings other_org = base;
  other_org.login_url = "https://test.example.com";
  std::set<std::string> paths;
  for (const OAuthSettings& s : {base, other_user, other_client, other_org}) paths.insert(TokenStore(s).path());
  CHECK(paths.size() == 4);
  CHECK(TokenStore(base).path().find("a@acme") == std::string::npos);  // the username is hashed, not a file name

  OAuthSettings code = Connection(dir.path());
  code.flow = "authorization_code";
  OAuthSettings device = code;
  device.flow = "device";
  CHECK(TokenStore(code).path() == TokenStore(device).path());
  CHECK(TokenStore(code).path() != TokenStore(Connection(dir.path())).path());
}

TEST_CASE("a corrupt or foreign store file is an error naming the file and what to do, never a crash") {
  ScratchDir dir;
  TokenStore store(Connection(dir.path()));
  REQUIRE(store.Save(SampleTokens("a")).ok());
  const std::string good = Slurp(store.path());
  const std::string foreign = [&] {
    OAuthSettings other = Connection(dir.path());
    other.client_id = "3MVG9other";
    TokenStore other_store(other);
    REQUIRE(other_store.Save(SampleTokens("b")).ok());
    return Slurp(other_store.path());
  }();
  const std::string cases[] = {
      "",                               // truncated to nothing
      good.substr(0, good.size() / 2),  // truncated half way
      "\x01\x02 binary garbage",        //
      "[1, 2, 3]",                      // JSON, not an object
      R"({"format": 99})",              // a future format
      foreign,                          // another connection's file copied over this one
      [&] {                             // wrong types
        std::string s = good;
        const size_t value = s.find("\"updated_at\": ") + 14;
        s.insert(s.find(',', value), "\"");
        s.insert(value, "\"");
        return s;
      }(),
  };
  for (const std::string& text : cases) {
    CAPTURE(text);
    {
      std::ofstream out(store.path(), std::ios::binary | std::ios::trunc);
      out << text;
    }
    Status status = store.Load().status();
    CHECK(status.code() == StatusCode::kDataLoss);
    CHECK(status.reason() == "store");
    CHECK(status.message().find(store.path()) != std::string::npos);
    CHECK(status.message().find("delete that file") != std::string::npos);
    CHECK(status.message().find("stored-access") == std::string::npos);
  }
}

TEST_CASE("a save that fails leaves no temporary file behind and says which file") {
  ScratchDir dir;
  TokenStore store(Connection(dir.path()));
  REQUIRE(store.Save(SampleTokens("a")).ok());
  // A directory where the file should be makes the final rename fail.
  REQUIRE(store.Delete().ok());
  std::filesystem::create_directories(store.path() + "/blocker");
  Status failed = store.Save(SampleTokens("b"));
  CHECK(failed.code() == StatusCode::kFailedPrecondition);
  CHECK(failed.reason() == "store");
  CHECK(failed.message().find(store.path()) != std::string::npos);
  CHECK(failed.message().find("(rename)") != std::string::npos);
  CHECK(FilesIn(dir.path() + "/tokens") == 0);
}

TEST_CASE("a writer killed at any moment leaves the old file or the new one, never a mix") {
  ScratchDir dir;
  TokenStore store(Connection(dir.path()));
  REQUIRE(store.Save(SampleTokens("0")).ok());
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    for (int i = 1;; ++i) {
      if (!store.Save(SampleTokens(std::to_string(i))).ok()) ::_exit(3);
    }
  }
  // Read while the child rewrites the file as fast as it can, then kill it mid-stride.
  int reads = 0;
  std::set<std::string> versions;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  while (std::chrono::steady_clock::now() < until) {
    StatusOr<std::optional<StoredTokens>> loaded = store.Load();
    REQUIRE(loaded.ok());
    REQUIRE(loaded->has_value());
    const std::string& refresh = (*loaded)->refresh_token;
    const std::string suffix = refresh.substr(refresh.rfind('.') + 1);
    CHECK((*loaded)->session.access_token == "00Dxx0000000123!AQ.stored-access." + suffix);  // one version
    versions.insert(suffix);
    ++reads;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(versions.size() > 1);  // the reads did overlap the writes
  CHECK(reads > 10);
  StatusOr<std::optional<StoredTokens>> last = store.Load();
  REQUIRE(last.ok());
  CHECK(last->has_value());
  CHECK(Mode(store.path()) == 0600);
}

TEST_CASE("the store lock makes a second holder wait for the first") {
  ScratchDir dir;
  TokenStore store(Connection(dir.path()));
  std::atomic<int> step{0};
  auto first = store.Lock();
  REQUIRE(first.ok());
  std::thread other([&] {
    auto second = store.Lock();  // another open file description: flock makes it wait
    CHECK(second.ok());
    CHECK(step.load() == 1);
    step = 2;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(step.load() == 0);
  step = 1;
  first->reset();
  other.join();
  CHECK(step.load() == 2);
}

TEST_CASE("a refresh_token store from before version 2 (one file per connection) is picked up by its own job only") {
  ScratchDir dir;
  OAuthSettings job = Connection(dir.path());
  job.refresh_token = "5Aep861job.refresh";
  // The version 1 file: identity "refresh_token", whatever the token.
  const std::string legacy = dir.path() + "/tokens/refresh_token-" +
                             Sha256Hex(job.login_url + "\n" + job.client_id + "\nrefresh_token").substr(0, 16) + ".json";
  std::filesystem::create_directories(dir.path() + "/tokens");
  std::ofstream(legacy) << R"({"format":1,"login_url":"https://login.example.com","client_id":"3MVG9client",)"
                        << R"("identity":"refresh_token","updated_at":1,"refresh_token":"5Aep861rotated.v1",)"
                        << R"("refresh_token_origin":")" << Sha256Hex("5Aep861job.refresh") << R"("})";
  StatusOr<std::optional<StoredTokens>> mine = TokenStore(job).Load();
  REQUIRE(mine.ok());
  REQUIRE(mine->has_value());
  CHECK((*mine)->refresh_token == "5Aep861rotated.v1");
  CHECK(TokenStore(job).path() != legacy);  // the next save goes to the job's own file
  OAuthSettings other = job;
  other.refresh_token = "5Aep861another.users.token";
  StatusOr<std::optional<StoredTokens>> theirs = TokenStore(other).Load();
  REQUIRE(theirs.ok());
  CHECK_FALSE(theirs->has_value());
}

}  // namespace
}  // namespace sfsync::salesforce
