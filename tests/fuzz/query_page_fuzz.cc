// The REST query-page parser (simdjson on-demand) on arbitrary bodies. Promise: a Status, never a
// crash; a parsed page has one cell per column per record.
#include <cstdint>
#include <string>

#include "connectors/salesforce/read/query_page_parser.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto parser = sfsync::salesforce::QueryPageParser::Create({"Id", "Name", "Account.Name", "Amount", "IsDeleted"});
  FUZZ_CHECK(parser.ok());
  sfsync::salesforce::ParsedPage page;
  const sfsync::Status status = (*parser)->Parse(std::string_view(reinterpret_cast<const char*>(data), size), &page);
  if (status.ok()) FUZZ_CHECK(page.rows.columns.size() == 5);
  return 0;
}
