// getUpdated / getDeleted over a socket: minute truncation, windows, the id cap, the delete log
// through soft delete, hard delete, undelete and purges.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;
using testing::UrlEncode;

// The clock is frozen at 2024-05-01T10:00:00Z; seeded rows are all an hour old or more.
ClientResponse Replication(RunningEmulator& e, const std::string& kind, const std::string& object,
                           const std::string& start, const std::string& end) {
  return e.RestGet("/services/data/v60.0/sobjects/" + object + "/" + kind + "/?start=" + UrlEncode(start) +
                   "&end=" + UrlEncode(end));
}

std::vector<std::string> Inserted(RunningEmulator& e, const std::string& object, const std::string& records) {
  ClientResponse r = e.Admin("POST", "/__emulator/records/" + object, records);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return ParseJson(r.body)["ids"].get<std::vector<std::string>>();
}

std::vector<std::string> DeletedIds(const ordered_json& answer) {
  std::vector<std::string> ids;
  for (const ordered_json& d : answer["deletedRecords"]) ids.push_back(d["id"]);
  return ids;
}

std::string ErrorCode(const ClientResponse& r) {
  CHECK(r.status == 400);
  return ParseJson(r.body)[0]["errorCode"];
}

TEST_CASE("getUpdated: minute truncation, start inclusive, latestDateCovered exclusive, live rows by SystemModstamp") {
  RunningEmulator e;
  std::vector<std::string> ids = Inserted(e, "Account", R"([
      {"Name":"before window","SystemModstamp":"2024-05-01T09:09:59Z"},
      {"Name":"start minute","SystemModstamp":"2024-05-01T09:10:05Z"},
      {"Name":"later","SystemModstamp":"2024-05-01T09:42:00Z"},
      {"Name":"end minute","SystemModstamp":"2024-05-01T09:50:30Z"},
      {"Name":"deleted","SystemModstamp":"2024-05-01T09:30:00Z"},
      {"Name":"current minute","SystemModstamp":"2024-05-01T10:00:00Z"}])");
  // A soft-deleted row inside the window is not "updated" (getDeleted reports it).
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[4]).status == 204);
  REQUIRE(e.Admin("PATCH", "/__emulator/records/Account/" + ids[4], R"({"SystemModstamp":"2024-05-01T09:30:00Z"})")
              .status == 204);

  // 09:10:45 -> 09:10, 09:50:59 -> 09:50: the 09:50:30 row is past the end.
  ClientResponse r = Replication(e, "updated", "Account", "2024-05-01T09:10:45+00:00", "2024-05-01T09:50:59Z");
  REQUIRE(r.status == 200);
  ordered_json answer = ParseJson(r.body);
  CHECK(answer["ids"] == ordered_json(std::vector<std::string>{ids[1], ids[2]}));
  CHECK(answer["latestDateCovered"] == "2024-05-01T09:50:00.000+0000");

  // An end in the future is cut to the current minute; a row of this minute waits for the next call.
  ordered_json open =
      ParseJson(Replication(e, "updated", "Account", "2024-05-01T09:10:00Z", "2024-05-02T00:00:00Z").body);
  CHECK(open["ids"] == ordered_json(std::vector<std::string>{ids[1], ids[2], ids[3]}));
  CHECK(open["latestDateCovered"] == "2024-05-01T10:00:00.000+0000");
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})");
  ordered_json next =
      ParseJson(Replication(e, "updated", "Account", open["latestDateCovered"], "2024-05-02T00:00:00Z").body);
  CHECK(next["ids"] == ordered_json(std::vector<std::string>{ids[5]}));
  CHECK(next["latestDateCovered"] == "2024-05-01T10:01:00.000+0000");
}

TEST_CASE("getUpdated and getDeleted windows: start before end, 30 and 15 days, parameters") {
  RunningEmulator e;
  CHECK(ErrorCode(Replication(e, "updated", "Account", "2024-05-01T09:30:10Z", "2024-05-01T09:30:50Z")) ==
        "INVALID_REPLICATION_DATE");  // equal once truncated
  CHECK(ErrorCode(Replication(e, "updated", "Account", "2024-05-01T09:31:00Z", "2024-05-01T09:30:00Z")) ==
        "INVALID_REPLICATION_DATE");
  CHECK(Replication(e, "updated", "Account", "2024-04-01T10:00:00Z", "2024-04-02T00:00:00Z").status == 200);
  CHECK(ErrorCode(Replication(e, "updated", "Account", "2024-04-01T09:59:00Z", "2024-04-02T00:00:00Z")) ==
        "INVALID_REPLICATION_DATE");
  CHECK(Replication(e, "deleted", "Account", "2024-04-16T10:00:00Z", "2024-04-17T00:00:00Z").status == 200);
  CHECK(ErrorCode(Replication(e, "deleted", "Account", "2024-04-16T09:59:00Z", "2024-04-17T00:00:00Z")) ==
        "INVALID_REPLICATION_DATE");
  CHECK(ErrorCode(e.RestGet("/services/data/v60.0/sobjects/Account/updated/?start=2024-05-01T09:00:00Z")) ==
        "MISSING_ARGUMENT");
  CHECK(ErrorCode(Replication(e, "deleted", "Account", "yesterday", "2024-05-01T09:00:00Z")) == "MALFORMED_QUERY");
  // An unencoded '+' arrives as a space: rejected, never misread.
  CHECK(ErrorCode(e.RestGet("/services/data/v60.0/sobjects/Account/updated?start=2024-05-01T09:00:00+00:00"
                            "&end=2024-05-01T09:30:00Z")) == "MALFORMED_QUERY");
  CHECK(Replication(e, "updated", "Widget__c", "2024-05-01T09:00:00Z", "2024-05-01T09:30:00Z").status == 404);
  CHECK(Replication(e, "updated", "Invoice__c", "2024-05-01T09:00:00Z", "2024-05-01T09:30:00Z").status == 200);
}

TEST_CASE("EXCEEDED_ID_LIMIT past --replication-id-limit, for an equal-timestamp storm too") {
  EmulatorConfig config = SmallOrgConfig();
  config.replication_id_limit = 2500;
  RunningEmulator e(config);
  REQUIRE(e.Admin("POST", "/__emulator/generate",
                  R"({"object":"Contact","count":2500,"SystemModstamp":"2024-05-01T09:20:00Z"})")
              .status == 201);
  ordered_json storm =
      ParseJson(Replication(e, "updated", "Contact", "2024-05-01T09:20:00Z", "2024-05-01T09:21:00Z").body);
  CHECK(storm["ids"].size() == 2500);
  std::vector<std::string> ids = storm["ids"];
  CHECK(std::is_sorted(ids.begin(), ids.end()));  // equal stamps: Id order
  REQUIRE(e.Admin("POST", "/__emulator/generate",
                  R"({"object":"Contact","count":1,"SystemModstamp":"2024-05-01T09:20:30Z"})")
              .status == 201);
  ClientResponse over = Replication(e, "updated", "Contact", "2024-05-01T09:20:00Z", "2024-05-01T09:21:00Z");
  CHECK(ErrorCode(over) == "EXCEEDED_ID_LIMIT");
}

TEST_CASE("the delete log: soft and hard deletes with their stamp, undelete leaves it, purges") {
  RunningEmulator e;
  std::vector<std::string> ids = Inserted(e, "Account", R"([{"Name":"a"},{"Name":"b"},{"Name":"c"},{"Name":"d"}])");
  const std::string start = "2024-05-01T09:00:00Z", end = "2024-05-02T00:00:00Z";
  // No deletes yet: the log is empty and reaches back the whole 15 days.
  ordered_json empty = ParseJson(Replication(e, "deleted", "Account", start, end).body);
  CHECK(empty["deletedRecords"].empty());
  CHECK(empty["earliestDateAvailable"] == "2024-04-16T10:00:00.000+0000");

  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":75})");  // 10:01:15
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[0]).status == 204);
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})");  // 10:02:15
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[1] + "?hard=true").status == 204);
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[2]).status == 204);
  REQUIRE(e.Admin("POST", "/__emulator/records/Account/" + ids[2] + "/undelete").status == 204);
  // The deletes of the current minute (10:02) are not covered yet.
  ordered_json now = ParseJson(Replication(e, "deleted", "Account", start, end).body);
  CHECK(DeletedIds(now) == std::vector<std::string>{ids[0]});
  CHECK(now["deletedRecords"][0]["deletedDate"] == "2024-05-01T10:01:15.000+0000");  // its SystemModstamp
  CHECK(now["latestDateCovered"] == "2024-05-01T10:02:00.000+0000");
  // Nothing was purged: the log is complete for the last 15 days, however recent its entries.
  CHECK(now["earliestDateAvailable"] == "2024-04-16T10:02:00.000+0000");

  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})");  // 10:03:15
  ordered_json later = ParseJson(Replication(e, "deleted", "Account", start, end).body);
  CHECK(DeletedIds(later) == std::vector<std::string>{ids[0], ids[1]});  // undeleted c is not there
  // getUpdated reports the undeleted row, not the deleted ones.
  std::vector<std::string> updated = ParseJson(Replication(e, "updated", "Account", start, end).body)["ids"];
  CHECK(std::find(updated.begin(), updated.end(), ids[2]) != updated.end());
  CHECK(std::find(updated.begin(), updated.end(), ids[0]) == updated.end());

  // Emptying the recycle bin removes the soft-deleted row from queryAll, not from the log.
  ClientResponse purged = e.Admin("POST", "/__emulator/records/Account/purge");
  CHECK(purged.status == 200);
  CHECK(ParseJson(purged.body)["purged"] == 1);
  CHECK(ParseJson(e.Query("SELECT Id FROM Account WHERE Id = '" + ids[0] + "'", {}, true).body)["totalSize"] == 0);
  CHECK(DeletedIds(ParseJson(Replication(e, "deleted", "Account", start, end).body)) ==
        std::vector<std::string>{ids[0], ids[1]});

  // Purging the log before 10:02 drops a's entry: earliestDateAvailable moves to the purge instant.
  ClientResponse log_purge = e.Admin("POST", "/__emulator/delete-log/purge", R"({"before":"2024-05-01T10:02:00Z"})");
  CHECK(ParseJson(log_purge.body)["purged"] == 1);
  ordered_json after = ParseJson(Replication(e, "deleted", "Account", start, end).body);
  CHECK(DeletedIds(after) == std::vector<std::string>{ids[1]});
  CHECK(after["earliestDateAvailable"] == "2024-05-01T10:02:00.000+0000");
  // With the log empty too, earliestDateAvailable is the purge instant.
  e.Admin("POST", "/__emulator/delete-log/purge", R"({"before":"2024-05-01T10:03:00Z"})");
  CHECK(ParseJson(Replication(e, "deleted", "Account", start, end).body)["earliestDateAvailable"] ==
        "2024-05-01T10:03:00.000+0000");
  CHECK(e.Admin("POST", "/__emulator/delete-log/purge", R"({"before":"soon"})").status == 400);
  CHECK(e.Admin("POST", "/__emulator/records/User/purge").status == 400);
}

TEST_CASE("--deleted-earliest oldest-entry: earliestDateAvailable is the oldest delete still in the log") {
  EmulatorConfig config = SmallOrgConfig();
  config.delete_horizon = DeleteHorizon::kOldestEntry;
  RunningEmulator e(config);
  std::vector<std::string> ids = Inserted(e, "Account", R"([{"Name":"a"},{"Name":"b"}])");
  const std::string start = "2024-05-01T09:00:00Z", end = "2024-05-02T00:00:00Z";
  CHECK(ParseJson(Replication(e, "deleted", "Account", start, end).body)["earliestDateAvailable"] ==
        "2024-04-16T10:00:00.000+0000");
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":75})");  // 10:01:15
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[0]).status == 204);
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})");  // 10:02:15
  REQUIRE(e.Admin("DELETE", "/__emulator/records/Account/" + ids[1]).status == 204);
  CHECK(ParseJson(Replication(e, "deleted", "Account", start, end).body)["earliestDateAvailable"] ==
        "2024-05-01T10:01:00.000+0000");
  e.Admin("POST", "/__emulator/delete-log/purge", R"({"before":"2024-05-01T10:02:00Z"})");
  CHECK(ParseJson(Replication(e, "deleted", "Account", start, end).body)["earliestDateAvailable"] ==
        "2024-05-01T10:02:00.000+0000");
}

}  // namespace
}  // namespace sfsync::emulator
