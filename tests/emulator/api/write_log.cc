#include "tests/emulator/api/write_log.h"

namespace sfsync::emulator {

void WriteLog::Add(WriteEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(Stored{next_seq_++, std::move(entry)});
  while (entries_.size() > capacity_) entries_.pop_front();
}

void WriteLog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

std::string WriteLog::Json(int64_t after_seq) const {
  nlohmann::ordered_json writes = nlohmann::ordered_json::array();
  std::lock_guard<std::mutex> lock(mu_);
  for (const Stored& stored : entries_) {
    if (stored.seq <= after_seq) continue;
    const WriteEntry& e = stored.entry;
    nlohmann::ordered_json item;
    item["seq"] = stored.seq;
    item["method"] = e.method;
    item["path"] = e.path;
    item["object"] = e.object;
    item["status"] = e.status;
    item["ids"] = e.ids;
    item["records"] = e.records;
    if (!e.fault.empty()) item["fault"] = e.fault;
    if (!e.via.empty()) item["via"] = e.via;
    writes.push_back(std::move(item));
  }
  return writes.dump();
}

HttpResponse LogWrite(WriteLog* log, const HttpRequest& request, const std::function<HttpResponse(WriteEntry*)>& write) {
  WriteEntry entry;
  entry.method = request.method;
  entry.path = request.path;
  HttpResponse response = write(&entry);
  entry.status = response.status;
  log->Add(std::move(entry));
  return response;
}

}  // namespace sfsync::emulator
