#include "connectors/salesforce/read/query_page_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "connectors/salesforce/read/soql.h"

namespace sfsync::salesforce {
namespace {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// FNV-1a over the lower-cased bytes, so "Name" and "name" land in the same slot.
uint64_t HashIgnoreCase(std::string_view key) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : key) {
    h ^= static_cast<unsigned char>(LowerAscii(c));
    h *= 1099511628211ULL;
  }
  return h;
}

// `lower` is already lower case.
bool EqualsLower(std::string_view key, std::string_view lower) {
  if (key.size() != lower.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    if (LowerAscii(key[i]) != lower[i]) return false;
  }
  return true;
}

// One level of the column paths: the keys wanted in one JSON object.
struct Slot {
  std::string key;  // lower case; empty marks a free slot
  int column = -1;  // index of the column this key's value fills
  int child = -1;   // index of the node for the parent object this key holds
};

struct Node {
  std::vector<Slot> slots;  // open addressing, linear probing; size a power of two, at most half full
  size_t mask = 0;

  const Slot* Find(std::string_view key) const {
    for (size_t i = HashIgnoreCase(key) & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots[i];
      if (slot.key.empty()) return nullptr;
      if (EqualsLower(key, slot.key)) return &slot;
    }
  }
};

// The column paths as a tree while it is being built.
struct PathTree {
  struct Entry {
    int column = -1;
    std::unique_ptr<PathTree> child;
  };
  std::map<std::string, Entry> entries;  // by lower-case key
};

int Flatten(const PathTree& tree, std::vector<Node>* nodes) {
  const int index = static_cast<int>(nodes->size());
  nodes->emplace_back();
  size_t size = 2;
  while (size < tree.entries.size() * 2) size *= 2;
  std::vector<Slot> slots(size);
  for (const auto& [key, entry] : tree.entries) {
    size_t i = HashIgnoreCase(key) & (size - 1);
    while (!slots[i].key.empty()) i = (i + 1) & (size - 1);
    slots[i].key = key;
    slots[i].column = entry.column;
    if (entry.child) slots[i].child = Flatten(*entry.child, nodes);
  }
  (*nodes)[index].slots = std::move(slots);
  (*nodes)[index].mask = size - 1;
  return index;
}

Status Malformed(error_code error) {
  return DataLossError(std::string("query page is not a complete query result (") + simdjson::error_message(error) +
                       ")");
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

error_code SetText(std::string_view text, Cell* cell) {
  cell->kind = Cell::Kind::kText;
  cell->s.assign(text.data(), text.size());
  return simdjson::SUCCESS;
}

error_code ToCell(ondemand::value value, Cell* cell) {
  ondemand::json_type type;
  if (error_code e = value.type().get(type)) return e;
  switch (type) {
    case ondemand::json_type::null: {
      bool is_null = false;
      if (error_code e = value.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
    case ondemand::json_type::boolean: {
      bool b = false;
      if (error_code e = value.get_bool().get(b)) return e;
      *cell = Cell::Bool(b);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: {
      ondemand::number number;
      if (error_code e = value.get_number().get(number)) return e;
      switch (number.get_number_type()) {
        case ondemand::number_type::signed_integer: *cell = Cell::Int(number.get_int64()); break;
        case ondemand::number_type::unsigned_integer:
          *cell = Cell::Double(static_cast<double>(number.get_uint64()));
          break;
        default: *cell = Cell::Double(number.get_double()); break;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      if (error_code e = value.get_string().get(text)) return e;
      return SetText(text, cell);
    }
    case ondemand::json_type::object: {
      ondemand::object object;
      std::string_view raw;
      if (error_code e = value.get_object().get(object)) return e;
      if (error_code e = object.raw_json().get(raw)) return e;
      return SetText(TrimRight(raw), cell);
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      std::string_view raw;
      if (error_code e = value.get_array().get(array)) return e;
      if (error_code e = array.raw_json().get(raw)) return e;
      return SetText(TrimRight(raw), cell);
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// What parsing a page needs besides the column plan: simdjson's parser, whose index takes several
// bytes per byte of the largest page it has parsed (~6 MB for a 2,000-record page), and the padded
// copy of the body (BUILD-NOTES gotcha 3). Kept in one process-wide pool instead of one per cursor:
// parsing is CPU-bound, so more workspaces than cores would not parse faster, while a load read by
// eight parallel cursors would otherwise hold eight of them (README "Performance": flat memory).
struct Workspace {
  ondemand::parser parser;
  std::string buffer;
};

class WorkspacePool {
 public:
  static WorkspacePool& Instance() {
    static WorkspacePool* pool = new WorkspacePool();  // never destroyed: parses may run during exit
    return *pool;
  }

  // Waits for a free workspace when every one is in use.
  std::unique_ptr<Workspace> Take() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !free_.empty() || created_ < limit_; });
    if (free_.empty()) {
      ++created_;
      return std::make_unique<Workspace>();
    }
    std::unique_ptr<Workspace> w = std::move(free_.back());
    free_.pop_back();
    return w;
  }

  void Give(std::unique_ptr<Workspace> w) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(std::move(w));
    }
    cv_.notify_one();
  }

 private:
  WorkspacePool() : limit_(std::clamp<int>(static_cast<int>(std::thread::hardware_concurrency()), 2, 8)) {}

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Workspace>> free_;
  int created_ = 0;
  const int limit_;
};

// Holds a pooled workspace for one Parse.
class BorrowedWorkspace {
 public:
  BorrowedWorkspace() : w_(WorkspacePool::Instance().Take()) {}
  ~BorrowedWorkspace() { WorkspacePool::Instance().Give(std::move(w_)); }
  BorrowedWorkspace(const BorrowedWorkspace&) = delete;
  BorrowedWorkspace& operator=(const BorrowedWorkspace&) = delete;
  Workspace* operator->() { return w_.get(); }

 private:
  std::unique_ptr<Workspace> w_;
};

}  // namespace

struct QueryPageParser::Impl {
  std::vector<std::string> columns;
  std::vector<Node> nodes;  // nodes[0] is the record itself

  // Walks one JSON object's fields once; `row` has one cell per column.
  error_code ParseObject(ondemand::object object, const Node& node, Cell* row) {
    for (auto field : object) {
      std::string_view key;
      if (error_code e = field.unescaped_key().get(key)) return e;
      const Slot* slot = node.Find(key);
      if (slot == nullptr) continue;  // attributes, or not selected: simdjson skips the value
      ondemand::value value;
      if (error_code e = field.value().get(value)) return e;
      if (slot->child < 0) {
        if (error_code e = ToCell(value, &row[slot->column])) return e;
        continue;
      }
      ondemand::json_type type;
      if (error_code e = value.type().get(type)) return e;
      if (type != ondemand::json_type::object) continue;  // a null parent: its paths stay null
      ondemand::object parent;
      if (error_code e = value.get_object().get(parent)) return e;
      if (error_code e = ParseObject(parent, nodes[slot->child], row)) return e;
    }
    return simdjson::SUCCESS;
  }

  error_code ParseRecords(ondemand::value value, RowBatch* rows) {
    ondemand::array records;
    if (error_code e = value.get_array().get(records)) return e;
    const size_t width = columns.size();
    for (auto record_result : records) {
      ondemand::object record;
      if (error_code e = record_result.get_object().get(record)) return e;
      const size_t base = rows->cells.size();
      rows->cells.resize(base + width);
      // Without columns there is nothing to extract, but the record must still be walked to be validated.
      Cell placeholder;
      if (error_code e = ParseObject(record, nodes[0], width > 0 ? &rows->cells[base] : &placeholder)) return e;
    }
    return simdjson::SUCCESS;
  }
};

QueryPageParser::QueryPageParser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QueryPageParser::~QueryPageParser() = default;

StatusOr<std::unique_ptr<QueryPageParser>> QueryPageParser::Create(const std::vector<std::string>& columns) {
  PathTree root;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string& column = columns[c];
    if (!IsValidFieldPath(column)) return InvalidArgumentError("not a field path: '" + column.substr(0, 100) + "'");
    PathTree* tree = &root;
    std::string_view rest = column;
    while (true) {
      const size_t dot = rest.find('.');
      PathTree::Entry& entry = tree->entries[Lower(rest.substr(0, dot))];
      if (dot == std::string_view::npos) {
        if (entry.column >= 0) return InvalidArgumentError("column '" + column + "' is selected twice");
        if (entry.child) return InvalidArgumentError("column '" + column + "' is also the parent of another column");
        entry.column = static_cast<int>(c);
        break;
      }
      if (entry.column >= 0) {
        return InvalidArgumentError("column '" + columns[entry.column] + "' is also the parent of '" + column + "'");
      }
      if (!entry.child) entry.child = std::make_unique<PathTree>();
      tree = entry.child.get();
      rest.remove_prefix(dot + 1);
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->columns = columns;
  Flatten(root, &impl->nodes);
  return std::unique_ptr<QueryPageParser>(new QueryPageParser(std::move(impl)));
}

Status QueryPageParser::Parse(std::string_view body, ParsedPage* page) {
  Impl& impl = *impl_;
  BorrowedWorkspace work;
  std::string& buffer = work->buffer;
  buffer.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(body.data(), body.size());
  page->rows.columns = impl.columns;
  page->rows.cells.clear();
  page->total_size = 0;
  page->done = false;
  page->next_records_url.clear();

  ondemand::document doc;
  ondemand::object top;
  if (error_code e = work->parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
    return Malformed(e);
  }
  if (error_code e = doc.get_object().get(top)) return Malformed(e);
  bool have_done = false;
  bool have_records = false;
  // Keys are read in whatever order they come (§2.1 shows totalSize, done, nextRecordsUrl, records).
  for (auto field : top) {
    std::string_view key;
    if (error_code e = field.unescaped_key().get(key)) return Malformed(e);
    ondemand::value value;
    if (error_code e = field.value().get(value)) return Malformed(e);
    if (key == "records") {
      if (error_code e = impl.ParseRecords(value, &page->rows)) return Malformed(e);
      have_records = true;
    } else if (key == "done") {
      if (error_code e = value.get_bool().get(page->done)) return Malformed(e);
      have_done = true;
    } else if (key == "totalSize") {
      if (error_code e = value.get_int64().get(page->total_size)) return Malformed(e);
    } else if (key == "nextRecordsUrl") {
      bool is_null = false;
      if (error_code e = value.is_null().get(is_null)) return Malformed(e);
      std::string_view url;
      if (!is_null) {
        if (error_code e = value.get_string().get(url)) return Malformed(e);
      }
      page->next_records_url.assign(url.data(), url.size());
    }
  }
  // current_location() is in bounds only while unread tokens remain.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return DataLossError("query page has content after its JSON object");
  }
  if (!have_records || !have_done) {
    return DataLossError(std::string("query page has no '") + (have_records ? "done" : "records") + "' key");
  }
  if (!page->done && page->next_records_url.empty()) {
    return DataLossError("query page says done:false but has no nextRecordsUrl");
  }
  if (page->done) page->next_records_url.clear();
  return Status::Ok();
}

}  // namespace sfsync::salesforce
