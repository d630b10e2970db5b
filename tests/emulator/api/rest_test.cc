// Versions, describe, metering, errors and HTTP behaviour of the REST surface, over a socket.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

TEST_CASE("GET /services/data lists versions without auth and without Sforce-Limit-Info") {
  RunningEmulator e;
  for (const char* path : {"/services/data", "/services/data/"}) {
    ClientResponse r = e.client().Get(path);
    REQUIRE(r.status == 200);
    CHECK_FALSE(r.headers.Has("Sforce-Limit-Info"));
    ordered_json versions = ParseJson(r.body);
    CHECK(versions.front() == ordered_json::parse(R"({"label":"Summer '14","url":"/services/data/v31.0","version":"31.0"})"));
    CHECK(versions.back()["version"] == "66.0");
    CHECK(versions[11]["label"] == "Spring \u2019" "18");  // the real typographic apostrophe
  }
}

TEST_CASE("every response carries a Date header from the emulator clock") {
  RunningEmulator e;  // clock frozen at 2024-05-01T10:00:00Z
  CHECK(e.client().Get("/services/data").headers.Get("Date") ==
        std::optional<std::string_view>("Wed, 01 May 2024 10:00:00 GMT"));
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":3600})");
  CHECK(e.client().Get("/nowhere").headers.Get("Date") ==
        std::optional<std::string_view>("Wed, 01 May 2024 11:00:00 GMT"));
}

TEST_CASE("global describe lists only the org's objects with Salesforce's flags") {
  RunningEmulator e;
  ClientResponse r = e.RestGet("/services/data/v60.0/sobjects/");
  REQUIRE(r.status == 200);
  ordered_json describe = ParseJson(r.body);
  CHECK(describe["encoding"] == "UTF-8");
  CHECK(describe["maxBatchSize"] == 200);
  std::vector<std::string> names;
  for (const auto& o : describe["sobjects"]) names.push_back(o["name"]);
  CHECK(names == std::vector<std::string>{"Profile", "User", "Group", "Account", "Contact", "Opportunity", "Lead",
                                          "Case", "Invoice__c", "Attachment", "Task", "Event"});
  CHECK(describe["sobjects"][3]["keyPrefix"] == "001");
  CHECK(describe["sobjects"][3]["custom"] == false);
  CHECK(describe["sobjects"][8]["custom"] == true);
  CHECK(describe["sobjects"][8]["keyPrefix"] == "a00");
  CHECK(describe["sobjects"][9]["mruEnabled"] == false);
  CHECK(describe["sobjects"][3]["urls"]["sobject"] == "/services/data/v60.0/sobjects/Account");
}

TEST_CASE("sObject describe: realistic field metadata, childRelationships, Last-Modified") {
  RunningEmulator e;
  ClientResponse r = e.RestGet("/services/data/v58.0/sobjects/contact/describe/");
  REQUIRE(r.status == 200);
  CHECK(r.headers.Get("Last-Modified") == std::optional<std::string_view>("Wed, 01 May 2024 10:00:00 GMT"));
  ordered_json d = ParseJson(r.body);
  CHECK(d["name"] == "Contact");
  CHECK(d["queryable"] == true);
  CHECK(d["replicateable"] == true);
  CHECK(d["retrieveable"] == true);
  CHECK(d["keyPrefix"] == "003");
  std::map<std::string, ordered_json> fields;
  for (const auto& f : d["fields"]) fields[f["name"]] = f;
  CHECK(fields["AccountId"]["type"] == "reference");
  CHECK(fields["AccountId"]["referenceTo"] == ordered_json::parse(R"(["Account"])"));
  CHECK(fields["AccountId"]["relationshipName"] == "Account");
  CHECK(fields["MailingCity"]["compoundFieldName"] == "MailingAddress");
  CHECK(fields["MailingAddress"]["type"] == "address");
  CHECK(fields["MailingAddress"]["soapType"] == "urn:address");
  CHECK(fields["Email"]["type"] == "email");
  CHECK(fields["Email"]["idLookup"] == true);
  CHECK(fields["Birthdate"]["soapType"] == "xsd:date");
  CHECK(fields["SystemModstamp"]["type"] == "datetime");
  CHECK(fields["SystemModstamp"]["createable"] == false);
  CHECK(fields["LastName"]["nillable"] == false);
  CHECK(fields["ExternalId__c"]["externalId"] == true);
  CHECK(fields["ExternalId__c"]["custom"] == true);
  CHECK(fields["Description"]["filterable"] == false);
  CHECK(fields["Description"]["length"] == 32000);
  CHECK(fields["Description"]["byteLength"] == 96000);
  CHECK(fields["LeadSource"]["picklistValues"].size() == 5);
  ordered_json account = ParseJson(e.RestGet("/services/data/v60.0/sobjects/Account/describe").body);
  std::map<std::string, ordered_json> af;
  for (const auto& f : account["fields"]) af[f["name"]] = f;
  CHECK(af["AnnualRevenue"]["type"] == "currency");
  CHECK(af["AnnualRevenue"]["precision"] == 18);
  CHECK(af["NumberOfEmployees"]["digits"] == 8);
  CHECK(af["Discount__c"]["type"] == "percent");
  CHECK(af["Regions__c"]["type"] == "multipicklist");
  CHECK(af["BillingLatitude"]["scale"] == 15);
  bool contacts = false;
  for (const auto& child : account["childRelationships"]) {
    contacts |= child["childSObject"] == "Contact" && child["relationshipName"] == "Contacts";
  }
  CHECK(contacts);
}

TEST_CASE("If-Modified-Since at or after the schema's last change answers 304 Not Modified") {
  RunningEmulator e;
  for (const char* path : {"/services/data/v60.0/sobjects/Account/describe", "/services/data/v60.0/sobjects"}) {
    CAPTURE(path);
    ClientResponse same = e.RestGet(path, {{"If-Modified-Since", "Wed, 01 May 2024 10:00:00 GMT"}});
    CHECK(same.status == 304);
    CHECK(same.body.empty());
    CHECK(e.RestGet(path, {{"If-Modified-Since", "Wed, 01 May 2024 09:59:59 GMT"}}).status == 200);
  }
}

TEST_CASE("unknown objects, versions and paths are 404 NOT_FOUND, wrong methods 405") {
  RunningEmulator e;
  std::string not_found = R"([{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}])";
  for (const char* path : {"/services/data/v60.0/sobjects/Widget__c/describe",
                           "/services/data/v20.0/sobjects", "/services/data/v60.0/nothing"}) {
    ClientResponse r = e.RestGet(path);
    CHECK(r.status == 404);
    CHECK(r.body == not_found);
    CHECK(r.headers.Get("Content-Type") == std::optional<std::string_view>("application/json;charset=UTF-8"));
  }
  ClientResponse post = e.client().Send("POST", "/services/data/v60.0/query",
                                        {{"Authorization", "Bearer " + e.token()}}, "{}");
  CHECK(post.status == 405);
  CHECK(ParseJson(post.body)[0]["errorCode"] == "METHOD_NOT_ALLOWED");
}

TEST_CASE("each SOQL error code comes back as a 400 array with its Row:Column") {
  RunningEmulator e;
  struct Case {
    std::string soql, code, position;
  };
  for (const Case& c : {Case{"SELECT Idd FROM Account", "INVALID_FIELD", "Row:1:Column:8"},
                        Case{"SELECT Id FROM Accout", "INVALID_TYPE", "Row:1:Column:16"},
                        Case{"SELECT Id FROM Account WHERE", "MALFORMED_QUERY", "Row:1:Column:29"},
                        Case{"SELECT Id FROM Account WHERE Id = 'bad'", "INVALID_QUERY_FILTER_OPERATOR",
                             "Row:1:Column:35"}}) {
    CAPTURE(c.soql);
    ClientResponse r = e.Query(c.soql);
    CHECK(r.status == 400);
    ordered_json error = ParseJson(r.body);
    REQUIRE(error.is_array());
    CHECK(error[0].begin().key() == "message");
    CHECK(error[0]["errorCode"] == c.code);
    std::string message = error[0]["message"];
    CHECK(message.starts_with("\n"));
    CHECK(message.find("\nERROR at " + c.position + "\n") != std::string::npos);
  }
  CHECK(e.Query("invalid").body == R"([{"message":"unexpected token: 'invalid'","errorCode":"MALFORMED_QUERY"}])");
  CHECK(ParseJson(e.RestGet("/services/data/v60.0/query?q=").body)[0]["errorCode"] == "MALFORMED_QUERY");
}

TEST_CASE("Sforce-Limit-Info counts every authenticated call, a spent quota is 403") {
  EmulatorConfig config = SmallOrgConfig();
  config.api_quota = 3;
  RunningEmulator e(config);
  CHECK(e.RestGet("/services/data/v60.0/sobjects").headers.Get("Sforce-Limit-Info") ==
        std::optional<std::string_view>("api-usage=1/3"));
  CHECK(e.Query("SELECT Id FROM Account LIMIT 1").headers.Get("Sforce-Limit-Info") ==
        std::optional<std::string_view>("api-usage=2/3"));
  CHECK(e.RestGet("/services/data/v60.0/nothing").headers.Get("Sforce-Limit-Info") ==
        std::optional<std::string_view>("api-usage=3/3"));
  ClientResponse spent = e.RestGet("/services/data/v60.0/sobjects");
  CHECK(spent.status == 403);
  CHECK(spent.body == R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
  CHECK(spent.headers.Get("Sforce-Limit-Info") == std::optional<std::string_view>("api-usage=3/3"));
  // Admin calls and the version list are never counted.
  CHECK(e.client().Get("/services/data").status == 200);
  CHECK(ParseJson(e.Admin("GET", "/__emulator/stats").body)["api_calls"] == 3);
}

TEST_CASE("gzip bodies for clients that accept them, identical content once decoded") {
  RunningEmulator e;
  ClientResponse plain = e.Query("SELECT Id, Name, Description FROM Account");
  ClientResponse gzipped = e.Query("SELECT Id, Name, Description FROM Account", {{"Accept-Encoding", "gzip, deflate"}});
  REQUIRE(gzipped.status == 200);
  CHECK(gzipped.headers.Get("Content-Encoding") == std::optional<std::string_view>("gzip"));
  CHECK_FALSE(plain.headers.Has("Content-Encoding"));
  CHECK(gzipped.body == plain.body);
  CHECK(gzipped.wire_body_bytes < plain.body.size() / 2);
  CHECK_FALSE(e.Query("SELECT Id FROM Account", {{"Accept-Encoding", "gzip;q=0"}}).headers.Has("Content-Encoding"));
}

TEST_CASE("keep-alive: many requests share one connection, Connection: close ends it") {
  RunningEmulator e;
  for (int i = 0; i < 20; ++i) REQUIRE(e.Query("SELECT Id FROM Account LIMIT 1").status == 200);
  CHECK(e.client().connections_opened() == 1);
  ClientResponse closing = e.client().Get("/services/data", {{"Connection", "close"}});
  CHECK(closing.headers.Get("Connection") == std::optional<std::string_view>("close"));
  CHECK(e.client().Get("/services/data").status == 200);
  CHECK(e.client().connections_opened() == 2);
}

TEST_CASE("several clients are served concurrently") {
  RunningEmulator e;
  std::string token = e.FetchToken();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      testing::HttpClient client("127.0.0.1", e.port());
      for (int i = 0; i < 25; ++i) {
        ok += client.Get("/services/data/v60.0/query?q=SELECT+Id+FROM+Contact",
                         {{"Authorization", "Bearer " + token}}).status == 200;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(ok == 100);
}

TEST_CASE("HEAD answers GET's headers without a body, the connection stays usable") {
  RunningEmulator e;
  ClientResponse get = e.client().Get("/services/data");
  ClientResponse head = e.client().Send("HEAD", "/services/data");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.headers.Get("Content-Length") == std::optional<std::string_view>(std::to_string(get.body.size())));
  CHECK(e.client().Get("/services/data").body == get.body);
  CHECK(e.client().connections_opened() == 1);
}

TEST_CASE("malformed HTTP gets a 400 and the connection is closed") {
  RunningEmulator e;
  ClientResponse r = e.client().SendRaw("NONSENSE\r\n\r\n");
  CHECK(r.status == 400);
  CHECK(r.headers.Get("Connection") == std::optional<std::string_view>("close"));
}

TEST_CASE("chunked request bodies are accepted (token grant)") {
  RunningEmulator e;
  std::string body = "grant_type=refresh_token&client_id=sfsync-emulator-client-id&client_secret="
                     "sfsync-emulator-client-secret&refresh_token=sfsync-emulator-refresh-token";
  std::string request = "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", body.size() - 10);
  request += std::string(size) + "\r\n" + body.substr(0, body.size() - 10) + "\r\na\r\n" +
             body.substr(body.size() - 10) + "\r\n0\r\n\r\n";
  CHECK(e.client().SendRaw(request).status == 200);
}

}  // namespace
}  // namespace sfsync::emulator
