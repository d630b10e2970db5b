// The org's data: an in-memory SQLite database with one table per object.
//
// Table layout: `_row INTEGER PRIMARY KEY AUTOINCREMENT` (a row identity that is never reused,
// so a query cursor that holds `_row` values can never land on a different record), then one
// column per stored field named exactly like the field. Compound fields (address, location) are
// not stored; they are rendered from their components. Formula fields are computed on read.
// Every delete, soft or hard, goes through SetDeleted()/HardDelete(), which keep the delete log.
//
// Not thread-safe: the owner serializes every call (the emulator holds one lock around the
// store and everything that reads it).
#ifndef SFSYNC_TESTS_EMULATOR_ORG_ORG_STORE_H_
#define SFSYNC_TESTS_EMULATOR_ORG_ORG_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/emulator/org/delete_log.h"
#include "tests/emulator/org/schema.h"
#include "tests/emulator/org/statement.h"

namespace sfsync::emulator {

class OrgStore {
 public:
  // Opens an empty org for `schema` (which must outlive the store). Returns null and fills
  // `error` if SQLite fails.
  static std::unique_ptr<OrgStore> Open(const Schema* schema, std::string* error);
  ~OrgStore();
  OrgStore(const OrgStore&) = delete;
  OrgStore& operator=(const OrgStore&) = delete;

  const Schema& schema() const { return *schema_; }
  sqlite3* db() const { return db_; }

  // The next Id of `object`; Ids of one object increase in allocation order.
  std::string AllocateId(const ObjectDef& object);

  // Inserts a row whose values are indexed like object.columns(). Derived fields (a person's
  // Name) are computed here, and an auto-number field left null gets the object's next number
  // (8 digits from 00001000, where query_cases_booleans_dates.json's Cases start). Returns false
  // with `error` on a constraint failure.
  bool Insert(const ObjectDef& object, std::vector<Value> row, std::string* error);

  enum class RowState { kMissing, kLive, kDeleted };
  RowState Lookup(const ObjectDef& object, std::string_view id);

  // Sets the given columns of the row with `id` (which must exist) and recomputes derived
  // fields.
  bool Update(const ObjectDef& object, std::string_view id,
              const std::vector<std::pair<const FieldDef*, Value>>& changes, std::string* error);
  // Soft delete / undelete: flips IsDeleted, stamps SystemModstamp and adds the record to (or
  // removes it from) the delete log. Returns false when the row is missing or already in that
  // state.
  bool SetDeleted(const ObjectDef& object, std::string_view id, bool deleted, int64_t stamp_ms);
  // Removes the row entirely and logs the delete at `stamp_ms` (a row already in the recycle
  // bin keeps its soft delete's entry). Returns false when it does not exist.
  bool HardDelete(const ObjectDef& object, std::string_view id, int64_t stamp_ms);
  // Empties the recycle bin of `object`: soft-deleted rows vanish (their log entries stay).
  // Returns how many rows went.
  int64_t PurgeDeleted(const ObjectDef& object);

  DeleteLog& delete_log() { return delete_log_; }

  // Creates, once, an index on `column` of `object` (case-insensitive for text lookups).
  // Built on first use rather than at seeding time, so a large org seeds fast.
  bool EnsureIndex(const ObjectDef& object, std::string_view column, bool nocase,
                   std::string* error);
  // Forgets prepared statements and indexes of `object` (its columns changed).
  void ForgetObject(const std::string& object);

  // Wraps a bulk load in one transaction.
  bool BeginBulk(std::string* error);
  bool CommitBulk(std::string* error);
  // Secondary indexes; created after the initial bulk load because that is much faster.
  bool CreateIndexes(std::string* error);

  // Ids of the rows that are not soft-deleted, in Id order.
  std::vector<std::string> LiveIds(const ObjectDef& object);

 private:
  OrgStore(const Schema* schema, sqlite3* db) : schema_(schema), db_(db), delete_log_(db) {}
  bool CreateTables(std::string* error);
  Statement* InsertStatement(const ObjectDef& object);

  const Schema* schema_;
  sqlite3* db_;
  DeleteLog delete_log_;
  // Keyed by object name: a schema change replaces the ObjectDef (Schema::Replace).
  std::map<std::string, uint64_t, std::less<>> next_counter_;
  std::map<std::string, int64_t, std::less<>> auto_numbers_;  // last number given, by object
  std::map<std::string, Statement, std::less<>> insert_statements_;
  std::map<std::string, std::string, std::less<>> indexes_;  // index name -> object
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_ORG_ORG_STORE_H_
