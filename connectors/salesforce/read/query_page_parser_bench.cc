// Page-parse throughput of QueryPageParser on a synthetic Salesforce query page: 2000 Opportunity
// records (~1 MB), 10 columns extracted of 14 keys per record, one of them a parent path.
// Not a test: run by hand (build/query_page_parser_bench [iterations]) and read the table.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectors/salesforce/read/query_page_parser.h"

namespace {

std::string SyntheticPage(int records) {
  std::string page = R"({"totalSize":250000,"done":false,"nextRecordsUrl":"/services/data/v60.0/query/0r8xx5R2yF2gs3VASQ-2000","records":[)";
  char buffer[1024];
  for (int i = 0; i < records; ++i) {
    const char* amount[] = {"15000", "15000.0", "1.5E7", "null"};
    std::snprintf(
        buffer, sizeof buffer,
        R"(%s{"attributes":{"type":"Opportunity","url":"/services/data/v60.0/sobjects/Opportunity/006dM00000Mw%06dQAJ"},)"
        R"("Id":"006dM00000Mw%06dQAJ","Name":"Dickenson Mobile Generators \"%d\"","Amount":%s,"StageName":"Qualification",)"
        R"("CloseDate":"2026-03-08","IsClosed":%s,"Probability":%d,"OwnerId":"005dM00000aYf0qQAC",)"
        R"("Description":"Generators for the west site.\nSecond line.",)"
        R"("Account":%s,"LeadSource":"Web",)"
        R"("CreatedDate":"2026-05-01T07:25:37.000+0000","SystemModstamp":"2026-05-01T07:25:%02d.000+0000"})",
        i == 0 ? "" : ",", i, i, i, amount[i % 4], i % 3 == 0 ? "true" : "false", (i * 7) % 100,
        i % 10 == 0 ? "null"
                    : R"({"attributes":{"type":"Account","url":"/services/data/v60.0/sobjects/Account/001dM00003jU9GxQAK"},"Name":"Edge Communications"})",
        i % 60);
    page += buffer;
  }
  page += "]}";
  return page;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::string page = SyntheticPage(2000);
  auto parser = sfsync::salesforce::QueryPageParser::Create(
      {"Id", "Name", "Amount", "StageName", "CloseDate", "IsClosed", "Probability", "Description", "Account.Name",
       "SystemModstamp"});
  if (!parser.ok()) return 1;
  sfsync::salesforce::ParsedPage parsed;
  for (int i = 0; i < 5; ++i) {  // warm-up: allocations, caches
    if (!(*parser)->Parse(page, &parsed).ok()) return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  size_t rows = 0;
  for (int i = 0; i < iterations; ++i) {
    if (!(*parser)->Parse(page, &parsed).ok()) return 1;
    rows += parsed.rows.rows();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("page: %zu bytes, %zu records, 10 of 14 keys per record extracted (1 parent path)\n", page.size(),
              parsed.rows.rows());
  std::printf("%-12s %12s %14s %12s\n", "iterations", "MB/s", "records/s", "ms/page");
  std::printf("%-12d %12.0f %14.0f %12.3f\n", iterations, page.size() * iterations / seconds / 1e6, rows / seconds,
              seconds * 1e3 / iterations);
  return 0;
}
