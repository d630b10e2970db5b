#include "tests/emulator/org/seeder.h"

#include <algorithm>
#include <map>
#include <utility>

#include "tests/emulator/org/record_fill.h"
#include "tests/emulator/salesforce_id.h"
#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kSeedWindowMs = 3 * 365 * kMillisPerDay;

// The share of Leads, Cases and Tasks a queue owns (when the org has queues).
constexpr double kQueueOwnedShare = 0.3;

int64_t FloorSecond(int64_t ms) { return ms - (((ms % 1000) + 1000) % 1000); }

}  // namespace

// Where a batch's audit timestamps come from: one fixed instant, or a timeline that spreads
// `rows` over [start, end] in bursts sharing a second (bulk loads), with modifications after
// creation up to `latest`.
class Seeder::Stamps {
 public:
  static Stamps Fixed(int64_t ms) { return Stamps(ms, ms, 1, ms); }
  static Stamps Spread(int64_t start, int64_t end, int64_t rows, int64_t latest) {
    return Stamps(start, end, rows, latest);
  }

  void Next(Rng& rng, int64_t* created, int64_t* modified, int64_t* modstamp) {
    if (start_ == end_) {
      *created = *modified = *modstamp = start_;
      return;
    }
    if (burst_left_ == 0) {
      burst_left_ = rng.Chance(0.9) ? 1 : rng.Between(2, 50);
      double advance = spacing_ * static_cast<double>(burst_left_) * (0.5 + rng.Unit());
      cursor_ = std::min(end_, cursor_ + static_cast<int64_t>(advance));
    }
    --burst_left_;
    *created = FloorSecond(cursor_);
    if (rng.Chance(0.5)) {
      *modified = *modstamp = *created;
      return;
    }
    *modstamp = FloorSecond(rng.Between(*created, latest_));
    *modified = rng.Chance(0.8) ? *modstamp : FloorSecond(rng.Between(*created, *modstamp));
  }

 private:
  Stamps(int64_t start, int64_t end, int64_t rows, int64_t latest)
      : start_(start), end_(end), latest_(latest), cursor_(start),
        spacing_(static_cast<double>(end - start) / static_cast<double>(std::max<int64_t>(rows, 1))) {}

  int64_t start_;
  int64_t end_;
  int64_t latest_;
  int64_t cursor_;
  double spacing_;
  int64_t burst_left_ = 0;
};

// Random live records through the `_row` index: a random `_row` in the table's range, then the
// first live row at or after it (wrapping to the start). Never loads a whole table, so a Task
// can point at any of a million Accounts cheaply; deterministic for the rng and the table.
class Seeder::Picker : public ParentPicker {
 public:
  explicit Picker(OrgStore* store) : store_(store) {}

  std::string Pick(std::string_view object, Rng& rng) override {
    auto [it, inserted] = tables_.try_emplace(std::string(object));
    Table& table = it->second;
    if (inserted) {
      std::string name = QuoteIdentifier(std::string(object));
      Statement range(store_->db(), "SELECT MIN(_row), MAX(_row) FROM " + name);
      if (range.Step() == SQLITE_ROW && sqlite3_column_type(range.get(), 0) != SQLITE_NULL) {
        table.first = sqlite3_column_int64(range.get(), 0);
        table.last = sqlite3_column_int64(range.get(), 1);
      }
      table.find = Statement(
          store_->db(), "SELECT \"Id\" FROM " + name + " WHERE _row >= ? AND \"IsDeleted\" = 0 ORDER BY _row LIMIT 1");
    }
    if (table.last < table.first) return "";
    for (int64_t from : {rng.Between(table.first, table.last), table.first}) {
      table.find.Bind(1, from);
      std::string id = table.find.Step() == SQLITE_ROW
                           ? reinterpret_cast<const char*>(sqlite3_column_text(table.find.get(), 0))
                           : "";
      table.find.Reset();
      if (!id.empty()) return id;
    }
    return "";
  }

 private:
  struct Table {
    int64_t first = 1;
    int64_t last = 0;
    Statement find;
  };
  OrgStore* store_;
  std::map<std::string, Table, std::less<>> tables_;
};

Seeder::Seeder(OrgStore* store, uint64_t seed)
    : store_(store), original_(MakeStandardSchema()), seed_(seed),
      org_id_(MakeId("00D", 1'000'000'000 + seed % 1'000'000)) {}

bool Seeder::SeedOrg(const std::map<std::string, int64_t>& counts, int64_t now_ms,
                     std::string* error) {
  if (!store_->BeginBulk(error)) return false;
  // Setup objects predate the data; data rows are all at least an hour old.
  int64_t data_start = now_ms - kSeedWindowMs;
  int64_t data_end = now_ms - 2 * kHourMs;
  for (const auto& object : store_->schema().objects()) {
    auto it = counts.find(object->name);
    int64_t count = it == counts.end() ? 0 : it->second;
    bool setup = object->name == "Profile" || object->name == "User";
    Stamps stamps = setup ? Stamps::Spread(data_start - 30 * kMillisPerDay, data_start, count,
                                           now_ms - kHourMs)
                          : Stamps::Spread(data_start, data_end, count, now_ms - kHourMs);
    Batch batch;
    if (!GenerateRows(*object, count, &stamps, &batch, error)) return false;
  }
  return store_->CommitBulk(error) && store_->CreateIndexes(error);
}

bool Seeder::Generate(const ObjectDef& object, int64_t count, int64_t stamp_ms, Batch* batch,
                      std::string* error) {
  Stamps stamps = Stamps::Fixed(stamp_ms);
  if (!store_->BeginBulk(error)) return false;
  if (!GenerateRows(object, count, &stamps, batch, error)) {
    std::string ignored;
    Exec(store_->db(), "ROLLBACK", &ignored);
    return false;
  }
  return store_->CommitBulk(error);
}

bool Seeder::GenerateRows(const ObjectDef& object, int64_t count, Stamps* stamps, Batch* batch,
                          std::string* error) {
  const Schema& schema = store_->schema();
  int64_t& generated = generated_[object.name];
  // A stream per (object, position) keeps each call deterministic whatever came before it.
  Rng rng(MixSeed(seed_, object.name, static_cast<uint64_t>(generated)));
  std::vector<std::string> profiles = store_->LiveIds(*schema.Find("Profile"));
  std::vector<std::string> users = store_->LiveIds(*schema.Find("User"));
  std::vector<std::string> parents;  // the original objects' main lookup; newer ones use the picker
  if (object.name == "Contact" || object.name == "Opportunity" || object.name == "Invoice__c") {
    parents = store_->LiveIds(*schema.Find("Account"));
  } else if (object.name == "Attachment") {
    parents = store_->LiveIds(*schema.Find("Invoice__c"));
    if (parents.empty() && count > 0) {
      *error = "the org needs an Invoice__c before Attachments";
      return false;
    }
  }
  if (object.name == "User" && profiles.empty()) {
    *error = "the org needs a Profile before Users";
    return false;
  }
  if (object.name != "Profile" && object.name != "User" && users.empty()) {
    *error = "the org needs a User before " + object.name + " records";
    return false;
  }

  // Queues own some of the records they can own. Drawn from a stream of their own, so the other
  // values of a Lead are those it had before queues existed.
  const FieldDef* owner = object.FindField("OwnerId");
  std::vector<std::string> queues;
  if (owner != nullptr && owner->References("Group")) {
    Statement select(store_->db(), "SELECT \"Id\" FROM \"Group\" WHERE \"Type\" = 'Queue' ORDER BY \"Id\"");
    while (select.Step() == SQLITE_ROW) {
      queues.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
    }
  }
  Rng owner_rng(MixSeed(seed_, object.name + "/queue-owner", static_cast<uint64_t>(generated)));
  Picker picker(store_);

  RowBuilder row(object, *original_->Find(object.name));
  // A sample of this batch's earlier Ids, for self-references such as Account.ParentId.
  std::vector<std::string> earlier;
  constexpr size_t kEarlierSample = 256;
  for (int64_t i = 0; i < count; ++i) {
    row.Reset();
    std::string id = store_->AllocateId(object);
    int64_t created, modified, modstamp;
    stamps->Next(rng, &created, &modified, &modstamp);
    FillContext context{&rng,
                        generated,
                        created,
                        &profiles,
                        &users,
                        &parents,
                        earlier.empty() ? std::string_view() : std::string_view(rng.Pick(earlier)),
                        &picker};
    FillRecord(object, &row, context);
    if (object.name == "User" && integration_user_id_.empty()) integration_user_id_ = id;
    const std::string& actor = integration_user_id_.empty() ? id : integration_user_id_;
    row.Set("Id", id);
    row.Set("IsDeleted", int64_t{0});
    row.Set("CreatedDate", created);
    row.Set("CreatedById", actor);
    row.Set("LastModifiedDate", modified);
    row.Set("LastModifiedById", actor);
    row.Set("SystemModstamp", modstamp);
    if (row.Has("OwnerId")) row.Set("OwnerId", users[rng.Below(users.size())]);
    if (!queues.empty() && owner_rng.Chance(kQueueOwnedShare)) row.Set("OwnerId", owner_rng.Pick(queues));
    if (!store_->Insert(object, std::move(row.values()), error)) return false;
    if (i == 0) batch->first_id = id;
    batch->last_id = id;
    if (earlier.size() < kEarlierSample) {
      earlier.push_back(id);
    } else {
      earlier[rng.Below(kEarlierSample)] = id;
    }
    ++generated;
  }
  batch->count = count;
  return true;
}

}  // namespace sfsync::emulator