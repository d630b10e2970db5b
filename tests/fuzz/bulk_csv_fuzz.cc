// The Bulk API 2.0 CSV reader and page parser on arbitrary bodies. Promise: no crash, a bounded
// number of rows (never more than the body has lines), errors as Status.
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/salesforce/read/bulk_page_parser.h"
#include "connectors/salesforce/read/csv_reader.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  sfsync::salesforce::CsvReader reader(body);
  std::vector<std::string> fields;
  size_t records = 0;
  while (reader.Next(&fields)) FUZZ_CHECK(++records <= size + 1);

  sfsync::RowBatch rows;
  (void)sfsync::salesforce::ParseBulkPage(body, {"Id", "Name", "Amount"}, &rows);
  sfsync::salesforce::BulkPageReader page(body, {"Id", "Name"});
  size_t counted = 0;
  if (page.Check(&counted).ok()) {
    sfsync::RowBatch batch;
    size_t seen = 0;
    while (page.Next(100, &batch)) {
      seen += batch.rows();
      FUZZ_CHECK(seen <= counted);
    }
  }
  return 0;
}
