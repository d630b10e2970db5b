// sObject rows over a socket: create, read, update, delete, upsert by external id, the blob
// URL, conditional requests, and each validation error.
#include <doctest/doctest.h>

#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/testing/emulator_fixture.h"

namespace sfsync::emulator {
namespace {

using nlohmann::ordered_json;
using testing::ClientResponse;
using testing::ParseJson;
using testing::RunningEmulator;
using testing::SmallOrgConfig;

const std::string kRows = "/services/data/v60.0/sobjects/";

EmulatorConfig WithInvoices() {
  EmulatorConfig config = SmallOrgConfig();
  config.rows["Invoice__c"] = 10;
  config.rows["Attachment"] = 3;
  return config;
}

std::string Created(RunningEmulator& e, const std::string& object, const std::string& body) {
  ClientResponse r = e.Rest("POST", kRows + object, body);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return ParseJson(r.body)["id"];
}

// The first error of a failed call: {status, errorCode, fields or "absent"}.
struct Failure {
  int status;
  std::string code;
  ordered_json fields;
  std::string message;
};

Failure Fail(const ClientResponse& r) {
  ordered_json errors = ParseJson(r.body);
  REQUIRE_MESSAGE(errors.is_array(), r.body);
  const ordered_json& first = errors[0];
  CHECK(first.begin().key() == "message");
  return {r.status, first["errorCode"], first.contains("fields") ? first["fields"] : ordered_json("absent"),
          first["message"]};
}

TEST_CASE("create: 201 with the recorded body and Location, server-maintained fields filled") {
  RunningEmulator e;
  ClientResponse r = e.Rest("POST", kRows + "Account/", R"({"Name":"Express Logistics","AnnualRevenue":"1500.5"})");
  REQUIRE(r.status == 201);
  ordered_json body = ParseJson(r.body);
  std::string id = body["id"];
  CHECK(body == ordered_json::parse(R"({"id":")" + id + R"(","success":true,"errors":[]})"));
  CHECK(r.headers.Get("Location") == std::optional<std::string_view>(kRows + "Account/" + id));
  ClientResponse get = e.Rest("GET", kRows + "Account/" + id);
  REQUIRE(get.status == 200);
  ordered_json record = ParseJson(get.body);
  CHECK(record["attributes"]["url"] == kRows + "Account/" + id);
  CHECK(record["AnnualRevenue"] == 1501.0);  // rounded to the field's scale (0)
  CHECK(record["CreatedDate"] == "2024-05-01T10:00:00.000+0000");
  CHECK(record["SystemModstamp"] == record["CreatedDate"]);
  CHECK(record["IsDeleted"] == false);
  CHECK(record["OwnerId"] == record["CreatedById"]);
  CHECK(record["LastModifiedById"] == record["CreatedById"]);
  CHECK(record.contains("BillingAddress"));
  CHECK(get.headers.Get("Last-Modified") == std::optional<std::string_view>("Wed, 01 May 2024 10:00:00 GMT"));
  CHECK(e.Rest("GET", kRows + "Account/" + id, "", {{"If-Modified-Since", "Wed, 01 May 2024 10:00:00 GMT"}}).status ==
        304);
  ordered_json some = ParseJson(e.Rest("GET", kRows + "Account/" + id + "?fields=Name,Owner.Name").body);
  std::vector<std::string> keys;
  for (auto it = some.begin(); it != some.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"attributes", "Name", "Owner"});
  CHECK(e.Rest("POST", kRows + "Widget__c", R"({"Name":"x"})").status == 404);
}

TEST_CASE("create: each validation error with Salesforce's code, message and fields") {
  RunningEmulator e(WithInvoices());
  std::string account = Created(e, "Account", R"({"Name":"Parent"})");
  std::string contact = Created(e, "Contact", R"({"LastName":"Kid"})");
  auto create = [&](const std::string& object, const std::string& body) {
    return Fail(e.Rest("POST", kRows + object, body));
  };

  Failure required = create("Contact", R"({"FirstName":"No Last"})");
  CHECK(required.code == "REQUIRED_FIELD_MISSING");
  CHECK(required.message == "Required fields are missing: [LastName]");
  CHECK(required.fields == ordered_json::parse(R"(["LastName"])"));
  CHECK(create("Opportunity", R"({"Name":"Deal"})").fields ==
        ordered_json::parse(R"(["StageName","CloseDate","ForecastCategoryName"])"));

  Failure too_long = create("Account", R"({"Name":")" + std::string(256, 'x') + R"("})");
  CHECK(too_long.code == "STRING_TOO_LONG");
  CHECK(too_long.message.starts_with("Account Name: data value too large: xxx"));
  CHECK(too_long.message.ends_with("(max length=255)"));
  CHECK(too_long.fields == ordered_json::parse(R"(["Name"])"));
  CHECK(e.Rest("POST", kRows + "Account", R"({"Name":")" + std::string(255, 'x') + R"("})").status == 201);

  Failure read_only = create("Account", R"({"Name":"x","CreatedDate":"2024-01-01T00:00:00Z","IsDeleted":true})");
  CHECK(read_only.code == "INVALID_FIELD_FOR_INSERT_UPDATE");
  CHECK(read_only.fields == ordered_json::parse(R"(["CreatedDate","IsDeleted"])"));
  CHECK(create("Invoice__c", R"({"Name":"x","AccountName__c":"y"})").code == "INVALID_FIELD_FOR_INSERT_UPDATE");

  Failure unknown = create("Account", R"({"Name":"x","AccountNumer":"1"})");
  CHECK(unknown.code == "INVALID_FIELD");
  CHECK(unknown.message == "No such column 'AccountNumer' on sobject of type Account");
  CHECK(unknown.fields == "absent");  // as recorded in error_invalid_field_on_write.json
  CHECK(create("Account", R"({"Name":"x","Id":")" + account + R"("})").message ==
        "The Id field should not be specified in the sobject data.");

  Failure malformed = create("Contact", R"({"LastName":"x","AccountId":"xyz"})");
  CHECK(malformed.code == "MALFORMED_ID");
  CHECK(malformed.fields == ordered_json::parse(R"(["AccountId"])"));
  CHECK(create("Contact", R"({"LastName":"x","AccountId":")" + contact + R"("})").code == "FIELD_INTEGRITY_EXCEPTION");
  CHECK(create("Contact", R"({"LastName":"x","AccountId":")" + MakeId("001", 7) + R"("})").code ==
        "INVALID_CROSS_REFERENCE_KEY");

  std::string number =
      ParseJson(e.Query("SELECT InvoiceNumber__c FROM Invoice__c LIMIT 1").body)["records"][0]["InvoiceNumber__c"];
  std::string other_case = number;
  other_case[0] = other_case[0] == 'I' ? 'i' : 'I';
  Failure duplicate = create("Invoice__c", R"({"Name":"dup","InvoiceNumber__c":")" + other_case + R"("})");
  CHECK(duplicate.code == "DUPLICATE_VALUE");
  CHECK(
      duplicate.message.starts_with("duplicate value found: InvoiceNumber__c duplicates value on record with id: a00"));

  Failure email = create("Contact", R"({"LastName":"x","Email":"not an email"})");
  CHECK(email.code == "INVALID_EMAIL_ADDRESS");
  CHECK(email.message == "Email: invalid email address: not an email");

  Failure type = create("Account", R"({"Name":"x","AnnualRevenue":"lots"})");
  CHECK(type.status == 400);
  CHECK(type.code == "JSON_PARSER_ERROR");
  CHECK(create("Invoice__c", R"({"Name":"x","Amount__c":1e20})").code == "NUMBER_OUTSIDE_VALID_RANGE");
  CHECK(create("Invoice__c", R"({"Name":"x","DueTime__c":"25:00:00Z"})").code == "JSON_PARSER_ERROR");
  CHECK(e.Rest("POST", kRows + "Account", "{not json").status == 400);
  // Nothing above was saved.
  CHECK(ParseJson(e.Query("SELECT COUNT() FROM Account WHERE Name = 'x'").body)["totalSize"] == 0);
}

TEST_CASE("update: 204 without a body, stamps move, read-only, required and missing records") {
  RunningEmulator e(WithInvoices());
  std::string id = Created(e, "Contact", R"({"FirstName":"Ann","LastName":"Lee"})");
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":90})");
  ClientResponse r = e.Rest("PATCH", kRows + "Contact/" + id, R"({"LastName":"Lee-Smith","Title":"CFO"})");
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK_FALSE(r.headers.Has("Content-Type"));
  ordered_json c = ParseJson(e.Rest("GET", kRows + "Contact/" + id).body);
  CHECK(c["Name"] == "Ann Lee-Smith");
  CHECK(c["SystemModstamp"] == "2024-05-01T10:01:30.000+0000");
  CHECK(c["LastModifiedDate"] == "2024-05-01T10:01:30.000+0000");
  CHECK(c["CreatedDate"] == "2024-05-01T10:00:00.000+0000");

  CHECK(Fail(e.Rest("PATCH", kRows + "Contact/" + id, R"({"Name":"x"})")).code == "INVALID_FIELD_FOR_INSERT_UPDATE");
  CHECK(Fail(e.Rest("PATCH", kRows + "Contact/" + id, R"({"LastName":null})")).code == "REQUIRED_FIELD_MISSING");
  std::string attachment = ParseJson(e.Query("SELECT Id FROM Attachment LIMIT 1").body)["records"][0]["Id"];
  CHECK(Fail(e.Rest("PATCH", kRows + "Attachment/" + attachment, R"({"ParentId":null})")).fields ==
        ordered_json::parse(R"(["ParentId"])"));  // createable, not updateable
  Failure missing = Fail(e.Rest("PATCH", kRows + "Contact/" + MakeId("003", 7), R"({"Title":"x"})"));
  CHECK(missing.status == 404);
  CHECK(missing.code == "NOT_FOUND");
  REQUIRE(e.Rest("DELETE", kRows + "Contact/" + id).status == 204);
  Failure deleted = Fail(e.Rest("PATCH", kRows + "Contact/" + id, R"({"Title":"x"})"));
  CHECK(deleted.status == 404);
  CHECK(deleted.code == "ENTITY_IS_DELETED");
}

TEST_CASE("If-Unmodified-Since: 412 when the record changed later, 400 for a bad date") {
  RunningEmulator e;
  std::string id = Created(e, "Account", R"({"Name":"Guarded"})");  // LastModifiedDate 10:00:00
  std::string target = kRows + "Account/" + id;
  ClientResponse stale =
      e.Rest("PATCH", target, R"({"Phone":"1"})", {{"If-Unmodified-Since", "Wed, 01 May 2024 09:59:59 GMT"}});
  CHECK(stale.status == 412);
  CHECK(Fail(stale).code == "PRECONDITION_FAILED");
  CHECK(ParseJson(e.Rest("GET", target).body)["Phone"].is_null());  // nothing written
  CHECK(
      e.Rest("PATCH", target, R"({"Phone":"2"})", {{"If-Unmodified-Since", "Wed, 01 May 2024 10:00:00 GMT"}}).status ==
      204);
  CHECK(e.Rest("PATCH", target, R"({"Phone":"3"})", {{"If-Unmodified-Since", "yesterday"}}).status == 400);
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":10})");
  e.Rest("PATCH", target, R"({"Phone":"4"})");  // now modified at 10:00:10
  CHECK(
      e.Rest("PATCH", target, R"({"Phone":"5"})", {{"If-Unmodified-Since", "Wed, 01 May 2024 10:00:05 GMT"}}).status ==
      412);
}

TEST_CASE("delete: 204, then 404 ENTITY_IS_DELETED, and queryAll and getDeleted see it") {
  RunningEmulator e;
  std::string id = Created(e, "Account", R"({"Name":"Doomed"})");
  ClientResponse r = e.Rest("DELETE", kRows + "Account/" + id);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  ClientResponse again = e.Rest("DELETE", kRows + "Account/" + id);
  CHECK(again.status == 404);
  CHECK(again.body == R"([{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}])");
  CHECK(e.Rest("GET", kRows + "Account/" + id).status == 404);
  ordered_json all = ParseJson(e.Query("SELECT Id, IsDeleted FROM Account WHERE Id = '" + id + "'", {}, true).body);
  CHECK(all["records"][0]["IsDeleted"] == true);
  e.Admin("POST", "/__emulator/clock", R"({"advance_seconds":60})");
  ordered_json deleted = ParseJson(
      e.Rest("GET", kRows + "Account/deleted/?start=2024-05-01T09%3A59%3A00Z&end=2024-05-01T10%3A30%3A00Z").body);
  CHECK(deleted["deletedRecords"][0]["id"] == id);
  CHECK(Fail(e.Rest("DELETE", kRows + "Account/" + MakeId("001", 7))).code == "NOT_FOUND");
  std::string user = ParseJson(e.Query("SELECT Id FROM User LIMIT 1").body)["records"][0]["Id"];
  CHECK(Fail(e.Rest("DELETE", kRows + "User/" + user)).code == "INSUFFICIENT_ACCESS_OR_READONLY");
}

TEST_CASE("upsert by external id: 201 created, 200 updated (204 before v46), 300, 404") {
  RunningEmulator e(WithInvoices());
  std::string path = kRows + "Invoice__c/InvoiceNumber__c/";
  ClientResponse created = e.Rest("PATCH", path + "X-100", R"({"Name":"Fresh","Amount__c":10})");
  REQUIRE(created.status == 201);
  ordered_json body = ParseJson(created.body);
  std::string id = body["id"];
  CHECK(body == ordered_json::parse(R"({"id":")" + id + R"(","success":true,"errors":[],"created":true})"));
  CHECK(created.headers.Get("Location") == std::optional<std::string_view>(kRows + "Invoice__c/" + id));
  // The key matches case-insensitively: the same record is updated.
  ClientResponse updated = e.Rest("PATCH", path + "x-100", R"({"Amount__c":20})");
  CHECK(updated.status == 200);
  CHECK(ParseJson(updated.body) ==
        ordered_json::parse(R"({"id":")" + id + R"(","success":true,"errors":[],"created":false})"));
  CHECK(ParseJson(e.Rest("GET", kRows + "Invoice__c/" + id).body)["Amount__c"] == 20.0);
  ClientResponse legacy =
      e.Rest("PATCH", "/services/data/v45.0/sobjects/Invoice__c/InvoiceNumber__c/X-100", R"({"Amount__c":30})");
  CHECK(legacy.status == 204);
  CHECK(legacy.body.empty());
  ClientResponse legacy_created =
      e.Rest("PATCH", "/services/data/v45.0/sobjects/Invoice__c/InvoiceNumber__c/X-101", R"({"Name":"Old API"})");
  CHECK(legacy_created.status == 201);
  CHECK_FALSE(ParseJson(legacy_created.body).contains("created"));

  // Email is an idLookup field: two Contacts share one, so the key matches several.
  std::string a = Created(e, "Contact", R"({"LastName":"One","Email":"twin@example.com"})");
  std::string b = Created(e, "Contact", R"({"LastName":"Two","Email":"twin@example.com"})");
  ClientResponse several = e.Rest("PATCH", kRows + "Contact/Email/twin%40example.com", R"({"Title":"x"})");
  CHECK(several.status == 300);
  CHECK(ParseJson(several.body) ==
        ordered_json::parse(R"([")" + kRows + "Contact/" + a + R"(",")" + kRows + "Contact/" + b + R"("])"));

  ClientResponse not_key = e.Rest("PATCH", kRows + "Account/Namez/x", R"({"Phone":"1"})");
  CHECK(not_key.status == 404);
  CHECK(
      not_key.body ==
      R"([{"message":"Provided external ID field does not exist or is not accessible: Namez","errorCode":"NOT_FOUND"}])");
  CHECK(e.Rest("PATCH", path + "X-999?updateOnly=true", R"({"Amount__c":1})").status == 404);
  CHECK(e.Rest("PATCH", path + "X-100", R"({"InvoiceNumber__c":"X-100"})").status == 400);
  ClientResponse by_id = e.Rest("PATCH", kRows + "Invoice__c/Id/" + id + "?updateOnly=true", R"({"Amount__c":5})");
  CHECK(by_id.status == 200);
  CHECK(ParseJson(by_id.body)["created"] == false);
}

TEST_CASE("reads by external id, blob bytes, and 405 with the allowed methods") {
  RunningEmulator e(WithInvoices());
  std::string id = Created(e, "Invoice__c", R"({"Name":"Keyed","InvoiceNumber__c":"K-1"})");
  ordered_json by_key = ParseJson(e.Rest("GET", kRows + "Invoice__c/InvoiceNumber__c/k-1").body);
  CHECK(by_key["Id"] == id);
  CHECK(e.Rest("GET", kRows + "Invoice__c/InvoiceNumber__c/none").status == 404);

  ClientResponse attachment = e.Rest("POST", kRows + "Attachment",
                                     R"({"ParentId":")" + id + R"(","Name":"hello.txt","Body":"aGVsbG8gd29ybGQ="})");
  REQUIRE_MESSAGE(attachment.status == 201, attachment.body);
  std::string attachment_id = ParseJson(attachment.body)["id"];
  ordered_json record = ParseJson(e.Rest("GET", kRows + "Attachment/" + attachment_id).body);
  CHECK(record["Body"] == kRows + "Attachment/" + attachment_id + "/Body");
  CHECK(record["BodyLength"] == 11);
  ClientResponse blob = e.Rest("GET", record["Body"]);
  CHECK(blob.status == 200);
  CHECK(blob.body == "hello world");
  CHECK(Fail(e.Rest("POST", kRows + "Attachment", R"({"ParentId":")" + id + R"(","Name":"x","Body":"not base64!"})"))
            .code == "JSON_PARSER_ERROR");

  ClientResponse put = e.Rest("PUT", kRows + "Invoice__c/" + id, "{}");
  CHECK(put.status == 405);
  CHECK(put.headers.Get("Allow") == std::optional<std::string_view>("GET, PATCH, DELETE, HEAD"));
}

}  // namespace
}  // namespace sfsync::emulator
