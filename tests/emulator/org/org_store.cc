#include "tests/emulator/org/org_store.h"

#include <cstdio>

#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

// Emulator Ids start at this counter so they look like real ones (`001dW000015ftgGAAQ`)
// rather than a run of zeros.
constexpr uint64_t kFirstIdCounter = 1'000'000'000;

std::string_view SqlType(Storage storage) {
  switch (storage) {
    case Storage::kInteger:
    case Storage::kDateTime: return "INTEGER";
    case Storage::kReal: return "REAL";
    default: return "TEXT";
  }
}

std::string FullName(const Value& first, const Value& last) {
  const auto* f = std::get_if<std::string>(&first);
  const auto* l = std::get_if<std::string>(&last);
  std::string name = f != nullptr ? *f : "";
  if (l != nullptr) {
    if (!name.empty()) name.push_back(' ');
    name += *l;
  }
  return name;
}

}  // namespace

std::unique_ptr<OrgStore> OrgStore::Open(const Schema* schema, std::string* error) {
  // Every store is used under its owner's lock, so SQLite's own mutexes and its global
  // memory statistics (a mutex per allocation) are pure overhead on the page-serving path.
  // These calls only take effect before SQLite initializes; later calls fail harmlessly.
  sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    *error = db != nullptr ? sqlite3_errmsg(db) : "cannot open SQLite";
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<OrgStore> store(new OrgStore(schema, db));
  // journal_mode=MEMORY, not OFF: the admin API rolls a failed batch back, and without a
  // journal SQLite's ROLLBACK leaves the rows in place.
  if (!Exec(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;",
            error) ||
      !store->CreateTables(error)) {
    return nullptr;
  }
  return store;
}

OrgStore::~OrgStore() {
  insert_statements_.clear();
  sqlite3_close(db_);
}

bool OrgStore::CreateTables(std::string* error) {
  for (const auto& object : schema_->objects()) {
    std::string sql = "CREATE TABLE " + QuoteIdentifier(object->name) +
                      " (_row INTEGER PRIMARY KEY AUTOINCREMENT";
    for (const FieldDef* field : object->columns()) {
      sql += ", " + QuoteIdentifier(field->name) + " " + std::string(SqlType(field->storage()));
      if (field->type == FieldType::kId) sql += " NOT NULL UNIQUE";
    }
    sql += ")";
    if (!Exec(db_, sql, error)) return false;
    next_counter_[object->name] = kFirstIdCounter;
  }
  return delete_log_.Create(error);
}

std::string OrgStore::AllocateId(const ObjectDef& object) {
  return MakeId(object.key_prefix, next_counter_[object.name]++);
}

Statement* OrgStore::InsertStatement(const ObjectDef& object) {
  auto it = insert_statements_.find(object.name);
  if (it != insert_statements_.end()) return &it->second;
  std::string sql = "INSERT INTO " + QuoteIdentifier(object.name) + " (";
  std::string params;
  for (size_t i = 0; i < object.columns().size(); ++i) {
    if (i > 0) {
      sql += ", ";
      params += ", ";
    }
    sql += QuoteIdentifier(object.columns()[i]->name);
    params += "?";
  }
  sql += ") VALUES (" + params + ")";
  return &insert_statements_.emplace(object.name, Statement(db_, sql)).first->second;
}

bool OrgStore::Insert(const ObjectDef& object, std::vector<Value> row, std::string* error) {
  const auto& columns = object.columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i]->derived_full_name) {
      row[i] = FullName(row[static_cast<size_t>(object.ColumnIndex("FirstName"))],
                        row[static_cast<size_t>(object.ColumnIndex("LastName"))]);
    }
    if (columns[i]->auto_number && std::holds_alternative<std::monostate>(row[i])) {
      int64_t& last = auto_numbers_.try_emplace(object.name, 999).first->second;
      char number[24];
      std::snprintf(number, sizeof(number), "%08lld", static_cast<long long>(++last));
      row[i] = std::string(number);
    }
  }
  Statement* insert = InsertStatement(object);
  if (!insert->ok()) {
    *error = insert->error();
    return false;
  }
  for (size_t i = 0; i < row.size(); ++i) insert->Bind(static_cast<int>(i) + 1, row[i], /*copy=*/false);
  int rc = insert->Step();
  insert->Reset();
  if (rc != SQLITE_DONE) {
    *error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

OrgStore::RowState OrgStore::Lookup(const ObjectDef& object, std::string_view id) {
  Statement select(db_, "SELECT \"IsDeleted\" FROM " + QuoteIdentifier(object.name) +
                            " WHERE \"Id\" = ?");
  select.Bind(1, std::string(id));
  if (select.Step() != SQLITE_ROW) return RowState::kMissing;
  return sqlite3_column_int64(select.get(), 0) != 0 ? RowState::kDeleted : RowState::kLive;
}

bool OrgStore::Update(const ObjectDef& object, std::string_view id,
                      const std::vector<std::pair<const FieldDef*, Value>>& changes,
                      std::string* error) {
  if (changes.empty()) return true;
  std::string sql = "UPDATE " + QuoteIdentifier(object.name) + " SET ";
  bool renames_person = false;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(changes[i].first->name) + " = ?";
    renames_person |= changes[i].first->compound_field_name == "Name";
  }
  sql += " WHERE \"Id\" = ?";
  Statement update(db_, sql);
  if (!update.ok()) {
    *error = update.error();
    return false;
  }
  int index = 1;
  for (const auto& change : changes) update.Bind(index++, change.second);
  update.Bind(index, std::string(id));
  if (update.Step() != SQLITE_DONE) {
    *error = sqlite3_errmsg(db_);
    return false;
  }
  const FieldDef* name = object.FindField("Name");
  if (!renames_person || name == nullptr || !name->derived_full_name) return true;
  // A second statement: SET expressions in the first one would still see the old names.
  Statement rename(db_, "UPDATE " + QuoteIdentifier(object.name) +
                            " SET \"Name\" = trim(coalesce(\"FirstName\" || ' ', '') || "
                            "coalesce(\"LastName\", '')) WHERE \"Id\" = ?");
  rename.Bind(1, std::string(id));
  if (rename.Step() != SQLITE_DONE) {
    *error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

bool OrgStore::SetDeleted(const ObjectDef& object, std::string_view id, bool deleted,
                          int64_t stamp_ms) {
  Statement update(db_, "UPDATE " + QuoteIdentifier(object.name) +
                            " SET \"IsDeleted\" = ?, \"SystemModstamp\" = ? WHERE \"Id\" = ? AND "
                            "\"IsDeleted\" = ?");
  update.Bind(1, int64_t{deleted});
  update.Bind(2, stamp_ms);
  update.Bind(3, std::string(id));
  update.Bind(4, int64_t{!deleted});
  if (update.Step() != SQLITE_DONE || sqlite3_changes(db_) != 1) return false;
  if (deleted) {
    delete_log_.Add(object.name, id, stamp_ms);
  } else {
    delete_log_.Remove(object.name, id);
  }
  return true;
}

bool OrgStore::HardDelete(const ObjectDef& object, std::string_view id, int64_t stamp_ms) {
  Statement remove(db_, "DELETE FROM " + QuoteIdentifier(object.name) + " WHERE \"Id\" = ?");
  remove.Bind(1, std::string(id));
  if (remove.Step() != SQLITE_DONE || sqlite3_changes(db_) != 1) return false;
  delete_log_.Add(object.name, id, stamp_ms);
  return true;
}

int64_t OrgStore::PurgeDeleted(const ObjectDef& object) {
  Statement remove(db_, "DELETE FROM " + QuoteIdentifier(object.name) + " WHERE \"IsDeleted\" = 1");
  remove.Step();
  return sqlite3_changes(db_);
}

bool OrgStore::EnsureIndex(const ObjectDef& object, std::string_view column, bool nocase,
                           std::string* error) {
  std::string name = object.name + "_" + std::string(column) + (nocase ? "_nocase" : "");
  if (indexes_.contains(name)) return true;
  if (!Exec(db_,
            "CREATE INDEX IF NOT EXISTS " + QuoteIdentifier(name) + " ON " +
                QuoteIdentifier(object.name) + " (" + QuoteIdentifier(column) +
                (nocase ? " COLLATE NOCASE" : "") + ")",
            error)) {
    return false;
  }
  indexes_.emplace(name, object.name);
  return true;
}

void OrgStore::ForgetObject(const std::string& object) {
  insert_statements_.erase(object);
  std::string ignored;
  std::erase_if(indexes_, [&](const auto& index) {
    if (index.second != object) return false;
    Exec(db_, "DROP INDEX IF EXISTS " + QuoteIdentifier(index.first), &ignored);
    return true;
  });
}

bool OrgStore::BeginBulk(std::string* error) { return Exec(db_, "BEGIN", error); }

bool OrgStore::CommitBulk(std::string* error) { return Exec(db_, "COMMIT", error); }

bool OrgStore::CreateIndexes(std::string* error) {
  // Incremental syncs filter and order by SystemModstamp, then Id as the tie-break
  // (protocol §5.1): `ORDER BY SystemModstamp, Id` walks this index instead of sorting, and
  // IsDeleted in it makes the match step (which only needs `_row`) index-only.
  for (const auto& object : schema_->objects()) {
    std::string table = QuoteIdentifier(object->name);
    if (!Exec(db_,
              "CREATE INDEX IF NOT EXISTS " + QuoteIdentifier(object->name + "_SystemModstamp") +
                  " ON " + table + " (\"SystemModstamp\", \"Id\", \"IsDeleted\")",
              error)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> OrgStore::LiveIds(const ObjectDef& object) {
  std::vector<std::string> ids;
  Statement select(db_, "SELECT \"Id\" FROM " + QuoteIdentifier(object.name) +
                            " WHERE \"IsDeleted\" = 0 ORDER BY \"Id\"");
  while (select.Step() == SQLITE_ROW) {
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
  }
  return ids;
}

}  // namespace sfsync::emulator
