#include "connectors/salesforce/read/query_page_parser.h"

#include <doctest/doctest.h>

#include "connectors/salesforce/testing/fixtures.h"

namespace sfsync::salesforce {
namespace {

using testing::ReadFixture;

ParsedPage MustParse(const std::vector<std::string>& columns, const std::string& body) {
  auto parser = QueryPageParser::Create(columns);
  REQUIRE(parser.ok());
  ParsedPage page;
  Status status = (*parser)->Parse(body, &page);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return page;
}

Status ParseError(const std::vector<std::string>& columns, const std::string& body) {
  auto parser = QueryPageParser::Create(columns);
  REQUIRE(parser.ok());
  ParsedPage page;
  return (*parser)->Parse(body, &page);
}

Cell Text(const char* s) { return Cell::Text(s); }

TEST_CASE("first page of a paged query: values, nulls, totalSize and the next locator") {
  ParsedPage page = MustParse({"id", "NAME", "AccountNumber", "Industry", "BillingCity", "SystemModstamp"},
                              ReadFixture("query_page1_with_nextRecordsUrl.json"));
  CHECK(page.total_size == 2086);
  CHECK_FALSE(page.done);
  CHECK(page.next_records_url == "/services/data/v59.0/query/0r8xx5R2yF2gs3VASQ-2000");
  const RowBatch& rows = page.rows;
  CHECK(rows.columns == std::vector<std::string>{"id", "NAME", "AccountNumber", "Industry", "BillingCity",
                                                 "SystemModstamp"});
  REQUIRE(rows.rows() == 5);
  CHECK(rows.at(0, 0) == Text("001dM00003jU9GyQAK"));  // keys match whatever the case of the column
  CHECK(rows.at(0, 1) == Text("Burlington Textiles Corp of America"));
  CHECK(rows.at(0, 2) == Text("CD656092"));
  CHECK(rows.at(0, 5) == Text("2026-05-01T07:25:37.000+0000"));
  CHECK(rows.at(2, 1) == Text("sForce"));
  CHECK(rows.at(2, 2).is_null());
  CHECK(rows.at(2, 3).is_null());
  CHECK(rows.at(3, 4).is_null());
  CHECK(rows.at(4, 0) == Text("001dM00003jU9GxQAK"));
  CHECK(rows.at(4, 4) == Text("Austin"));
}

TEST_CASE("a null parent relationship gives null for its paths, a present one its value") {
  ParsedPage page = MustParse({"Id", "FirstName", "IsActive", "Profile.Name", "ProfileId"},
                              ReadFixture("query_relationship_null_and_nested.json"));
  CHECK(page.done);
  CHECK(page.next_records_url.empty());
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 8);
  CHECK(rows.at(0, 1) == Text("Automated"));
  CHECK(rows.at(0, 2) == Cell::Bool(true));
  CHECK(rows.at(0, 3).is_null());  // "Profile": null
  CHECK(rows.at(0, 4) == Text("00edM00000Qj7rDQAR"));
  CHECK(rows.at(1, 1).is_null());
  CHECK(rows.at(3, 3) == Text("System Administrator"));
  CHECK(rows.at(4, 3) == Text("Analytics Cloud Integration User"));
  CHECK(rows.at(7, 3) == Text("System Administrator"));
}

TEST_CASE("several parent objects per record, each with its own attributes") {
  ParsedPage page = MustParse({"CaseNumber", "Account.Name", "Contact.Name", "Account.SystemModstamp"},
                              ReadFixture("query_relationship_fields.json"));
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 26);
  CHECK(page.total_size == 26);
  CHECK(rows.at(0, 0) == Text("00001000"));
  CHECK(rows.at(0, 1) == Text("Edge Communications"));
  CHECK(rows.at(0, 2) == Text("Rose Gonzalez"));
  CHECK(rows.at(0, 3) == Text("2013-04-04T20:52:22.000+0000"));
  CHECK(rows.at(1, 1) == Text("United Oil & Gas Corp."));
  CHECK(rows.at(1, 2) == Text("Avi Green"));
}

TEST_CASE("currency amounts written as integers stay integers, dates stay text") {
  ParsedPage page = MustParse({"Name", "Amount", "CloseDate", "StageName"}, ReadFixture("query_opportunities_numbers.json"));
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 31);
  CHECK(rows.at(0, 0) == Text("Dickenson Mobile Generators"));
  CHECK(rows.at(0, 1) == Cell::Int(15000));
  CHECK(rows.at(0, 2) == Text("2026-03-08"));
  CHECK(rows.at(1, 1) == Cell::Int(125000));
  CHECK(rows.at(30, 0) == Text("Edge Emergency Generator"));
  CHECK(rows.at(30, 1) == Cell::Int(35000));
}

TEST_CASE("embedded newlines in a street survive, empty address parts are null") {
  ParsedPage page = MustParse({"MailingStreet", "MailingCity", "LastName"}, ReadFixture("query_contacts_multiline_street.json"));
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 8);
  CHECK(page.total_size == 213);
  CHECK(rows.at(0, 0) == Text("313 Constitution Place\nAustin, TX 78767\nUSA"));
  CHECK(rows.at(0, 1).is_null());
  CHECK(rows.at(0, 2) == Text("Gonzalez"));
  CHECK(rows.at(3, 1) == Text("Paris"));
  CHECK(rows.at(7, 0) == Text("1303 Avenue of the Americas \nNew York, NY 10019\nUSA"));
}

TEST_CASE("booleans and nullable datetimes") {
  ParsedPage page = MustParse({"IsClosed", "IsEscalated", "ClosedDate", "Description"},
                              ReadFixture("query_cases_booleans_dates.json"));
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 26);
  CHECK(rows.at(0, 0) == Cell::Bool(true));
  CHECK(rows.at(0, 1) == Cell::Bool(false));
  CHECK(rows.at(0, 2) == Text("2025-03-11T18:59:51.000+0000"));
  CHECK(rows.at(0, 3).is_null());
  CHECK(rows.at(2, 0) == Cell::Bool(false));
  CHECK(rows.at(2, 2).is_null());
}

TEST_CASE("zero rows is a complete, empty, final page") {
  ParsedPage page = MustParse({"Id"}, ReadFixture("query_zero_rows.json"));
  CHECK(page.rows.rows() == 0);
  CHECK(page.done);
  CHECK(page.total_size == 0);
}

TEST_CASE("aggregate rows mix 300.0 and 400: doubles and integers as written") {
  ParsedPage page = MustParse({"CampaignId", "expr0"}, ReadFixture("query_aggregate_mixed_number_types.json"));
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 3);
  CHECK(rows.at(0, 0) == Text("701E0000000JuFHIA0"));
  CHECK(rows.at(0, 1) == Cell::Double(300.0));
  CHECK(rows.at(1, 1) == Cell::Double(100.0));
  CHECK(rows.at(2, 0).is_null());
  CHECK(rows.at(2, 1) == Cell::Int(400));
}

TEST_CASE("every way Salesforce writes a number is accepted") {
  ParsedPage page = MustParse(
      {"A"}, R"({"done":true,"totalSize":7,"records":[{"A":15000},{"A":15000.0},{"A":1.5E7},{"A":-3},)"
             R"({"A":9223372036854775808},{"A":1e-3},{"A":0}]})");
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 7);
  CHECK(rows.at(0, 0) == Cell::Int(15000));
  CHECK(rows.at(1, 0) == Cell::Double(15000.0));
  CHECK(rows.at(2, 0) == Cell::Double(1.5e7));
  CHECK(rows.at(3, 0) == Cell::Int(-3));
  CHECK(rows.at(4, 0) == Cell::Double(9223372036854775808.0));
  CHECK(rows.at(5, 0) == Cell::Double(0.001));
  CHECK(rows.at(6, 0) == Cell::Int(0));
}

TEST_CASE("compound values selected directly come back as raw JSON, nested paths two levels deep") {
  ParsedPage page = MustParse(
      {"BillingAddress", "Tags", "Owner.Profile.Name", "Owner.Name", "Name"},
      R"({"records":[)"
      R"({"attributes":{"type":"Account"},"Name":"caf\u00e9 \"A\"","BillingAddress":{"city":"SF","latitude":null},)"
      R"("Tags":["a","b"],"Owner":{"attributes":{"type":"User"},"Name":"Jane","Profile":{"attributes":{"type":"Profile"},"Name":"Admin"}}},)"
      R"({"Name":"x","BillingAddress":null,"Owner":{"Name":"Joe","Profile":null}},)"
      R"({"Name":"y","Owner":null}],"done":true,"totalSize":3})");
  const RowBatch& rows = page.rows;
  REQUIRE(rows.rows() == 3);
  CHECK(rows.at(0, 0) == Text(R"({"city":"SF","latitude":null})"));
  CHECK(rows.at(0, 1) == Text(R"(["a","b"])"));
  CHECK(rows.at(0, 2) == Text("Admin"));
  CHECK(rows.at(0, 3) == Text("Jane"));
  CHECK(rows.at(0, 4) == Text("caf\xC3\xA9 \"A\""));
  CHECK(rows.at(1, 0).is_null());
  CHECK(rows.at(1, 1).is_null());  // key missing
  CHECK(rows.at(1, 2).is_null());  // Profile null
  CHECK(rows.at(1, 3) == Text("Joe"));
  CHECK(rows.at(2, 2).is_null());  // Owner null
  CHECK(rows.at(2, 3).is_null());
  CHECK(page.done);  // read after the records
}

TEST_CASE("pages that are not complete query results are DataLoss") {
  const std::string good = ReadFixture("query_page1_with_nextRecordsUrl.json");
  const std::vector<std::string> bodies = {
      "",
      "<html>Service Unavailable</html>",
      good.substr(0, good.size() / 2),         // cut mid-record
      good.substr(0, good.rfind(']') + 1),     // cut just before the final brace
      R"({"done":true,"totalSize":0})",        // no records
      R"({"records":[],"totalSize":0})",       // no done
      R"({"records":[],"done":false})",        // more pages, but no locator
      R"({"records":null,"done":true})",
      R"({"records":[1,2],"done":true})",
      R"({"records":[],"done":true} {"x":1})",  // trailing content
      R"([{"message":"x","errorCode":"Y"}])",
  };
  for (const std::string& body : bodies) {
    CAPTURE(body.substr(0, 80));
    CHECK(ParseError({"Id", "Name"}, body).code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("the parser is reusable: each page replaces the previous one") {
  auto parser = QueryPageParser::Create({"Id"});
  REQUIRE(parser.ok());
  ParsedPage page;
  REQUIRE((*parser)->Parse(ReadFixture("query_page1_with_nextRecordsUrl.json"), &page).ok());
  REQUIRE(page.rows.rows() == 5);
  CHECK_FALSE((*parser)->Parse("{", &page).ok());
  REQUIRE((*parser)->Parse(ReadFixture("query_zero_rows.json"), &page).ok());
  CHECK(page.rows.rows() == 0);
  CHECK(page.next_records_url.empty());
}

TEST_CASE("unusable column lists are refused up front") {
  CHECK(QueryPageParser::Create({"Id", "Name;DROP"}).status().code() == StatusCode::kInvalidArgument);
  CHECK(QueryPageParser::Create({"Id", "ID"}).status().code() == StatusCode::kInvalidArgument);
  CHECK(QueryPageParser::Create({"Account", "Account.Name"}).status().code() == StatusCode::kInvalidArgument);
  CHECK(QueryPageParser::Create({"Account.Name", "account"}).status().code() == StatusCode::kInvalidArgument);
  auto none = QueryPageParser::Create({});
  REQUIRE(none.ok());  // SELECT COUNT(): only totalSize matters
  ParsedPage page;
  REQUIRE((*none)->Parse(ReadFixture("query_count_only.json"), &page).ok());
  CHECK(page.total_size == 26);
  CHECK(page.rows.rows() == 0);
}

}  // namespace
}  // namespace sfsync::salesforce
