// The write log (GET/DELETE /__emulator/writes): what each write surface records, in order,
// and the cap.
#include "tests/emulator/api/write_log.h"

#include <doctest/doctest.h>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;

const std::string kRows = "/services/data/v60.0/sobjects/";
const std::string kCollections = "/services/data/v60.0/composite/sobjects";

ordered_json Writes(RunningEmulator& e, const std::string& query = "") {
  ClientResponse r = e.Admin("GET", "/__emulator/writes" + query);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  ordered_json writes = ParseJson(r.body);
  REQUIRE(writes.is_array());
  return writes;
}

TEST_CASE("write log: an sObject row update is logged with exactly the fields sent") {
  RunningEmulator e;
  std::string id = ParseJson(e.Query("SELECT Id FROM Account ORDER BY Id LIMIT 1").body)["records"][0]["Id"];
  // Reads are not logged.
  CHECK(Writes(e).empty());
  REQUIRE(e.Rest("PATCH", kRows + "Account/" + id, R"({"Phone":"555-0100"})").status == 204);
  ordered_json writes = Writes(e);
  REQUIRE(writes.size() == 1);
  CHECK(writes[0]["seq"] == 1);
  CHECK(writes[0]["method"] == "PATCH");
  CHECK(writes[0]["path"] == kRows + "Account/" + id);
  CHECK(writes[0]["object"] == "Account");
  CHECK(writes[0]["status"] == 204);
  CHECK(writes[0]["ids"] == ordered_json::array({id}));
  CHECK(writes[0]["records"] == ordered_json::parse(R"([{"Phone":"555-0100"}])"));
  CHECK_FALSE(writes[0].contains("fault"));
}

TEST_CASE("write log: creates, failures, deletes and upserts, in order, and DELETE empties it") {
  RunningEmulator e;
  ClientResponse created = e.Rest("POST", kRows + "Contact", R"({"LastName":"Lovelace","FirstName":"Ada"})");
  REQUIRE(created.status == 201);
  std::string contact = ParseJson(created.body)["id"];
  // A failed create is logged with a null Id and its status.
  REQUIRE(e.Rest("POST", kRows + "Contact", R"({"FirstName":"No Last Name"})").status == 400);
  ClientResponse collection = e.Rest("POST", kCollections, R"({"records":[
      {"attributes":{"type":"Account"},"Name":"Acme"},
      {"attributes":{"type":"Contact"},"FirstName":"Nobody"}]})");
  REQUIRE(collection.status == 200);
  std::string account = ParseJson(collection.body)[0]["id"];
  REQUIRE(e.Rest("DELETE", kCollections + "?ids=" + contact + "," + account).status == 200);
  REQUIRE(e.Rest("PATCH", kRows + "Contact/Email/ada%40example.com", R"({"LastName":"King"})").status == 201);

  ordered_json writes = Writes(e);
  REQUIRE(writes.size() == 5);
  for (size_t i = 0; i < writes.size(); ++i) CHECK(writes[i]["seq"] == i + 1);
  CHECK(writes[0]["ids"] == ordered_json::array({contact}));
  CHECK(writes[0]["records"][0] == ordered_json::parse(R"({"LastName":"Lovelace","FirstName":"Ada"})"));
  CHECK(writes[1]["status"] == 400);
  CHECK(writes[1]["ids"] == ordered_json::parse("[null]"));
  CHECK(writes[2]["object"] == "Account");
  CHECK(writes[2]["ids"] == ordered_json::array({account, nullptr}));
  CHECK(writes[2]["records"][1] == ordered_json::parse(R"({"attributes":{"type":"Contact"},"FirstName":"Nobody"})"));
  CHECK(writes[3]["method"] == "DELETE");
  CHECK(writes[3]["object"] == "Contact");
  CHECK(writes[3]["ids"] == ordered_json::array({contact, account}));
  CHECK(writes[3]["records"].empty());
  CHECK(writes[4]["status"] == 201);
  CHECK(writes[4]["records"] == ordered_json::parse(R"([{"LastName":"King"}])"));

  // ?after=SEQ gives the later entries only.
  ordered_json later = Writes(e, "?after=3");
  REQUIRE(later.size() == 2);
  CHECK(later[0]["seq"] == 4);

  CHECK(e.Admin("DELETE", "/__emulator/writes").status == 204);
  CHECK(Writes(e).empty());
  // seq keeps counting after a clear.
  REQUIRE(e.Rest("DELETE", kRows + "Contact/" + contact).status == 404);
  ordered_json after_clear = Writes(e);
  REQUIRE(after_clear.size() == 1);
  CHECK(after_clear[0]["seq"] == 6);
  CHECK(after_clear[0]["status"] == 404);
}

TEST_CASE("write log: keeps the newest entries up to its capacity") {
  WriteLog log(3);
  for (int i = 0; i < 5; ++i) {
    WriteEntry entry;
    entry.path = "/p" + std::to_string(i);
    log.Add(std::move(entry));
  }
  ordered_json writes = ordered_json::parse(log.Json());
  REQUIRE(writes.size() == 3);
  CHECK(writes[0]["seq"] == 3);
  CHECK(writes[0]["path"] == "/p2");
  CHECK(writes[2]["seq"] == 5);
}

}  // namespace
}  // namespace sfsync::emulator
