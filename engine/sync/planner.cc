#include "engine/sync/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/sync/type_map.h"

namespace sfsync::sync {
namespace {

using salesforce::FieldInfo;
using salesforce::SObjectInfo;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

// The callers (run, audit) name the object in front of the message.
Status FieldError(const std::string& message) {
  return Status(StatusCode::kInvalidArgument, message, "plan.invalid_field");
}

struct Resolved {
  std::string path;        // canonical
  const FieldInfo* leaf;   // owned by an SObjectInfo kept alive in `infos`
};

class Planner {
 public:
  Planner(const config::ObjectConfig& config, const SObjectInfo& info, const DescribeFn& describe)
      : config_(config), info_(info), describe_(describe) {}

  StatusOr<ObjectPlan> Plan() {
    if (!info_.queryable) {
      return Status(StatusCode::kInvalidArgument, fmt::format("{}: object is not queryable", info_.name),
                    "plan.invalid_object");
    }
    plan_.object = info_.name;
    plan_.deletes = config_.deletes;
    plan_.where = config_.where;
    plan_.batch_size = config_.batch_size;
    plan_.min_rows_per_slice = config_.min_rows_per_slice;
    plan_.bulk_max_records = config_.bulk_max_records;
    plan_.api = config_.api;
    plan_.history = config_.history;

    SFSYNC_RETURN_IF_ERROR(ChooseCursor());
    SFSYNC_RETURN_IF_ERROR(Add("Id"));
    if (config_.all_fields) {
      SFSYNC_RETURN_IF_ERROR(AddAllFields());
    } else {
      for (const std::string& f : config_.fields) SFSYNC_RETURN_IF_ERROR(Add(f));
    }
    if (!plan_.cursor_field.empty()) SFSYNC_RETURN_IF_ERROR(Add(plan_.cursor_field));
    if (config_.deletes != "ignore" && info_.Field("IsDeleted") != nullptr) SFSYNC_RETURN_IF_ERROR(Add("IsDeleted"));

    plan_.incremental = config_.mode == "incremental" && !plan_.cursor_field.empty();
    plan_.query_all = config_.deletes != "ignore";
    plan_.replicateable = info_.replicateable;
    plan_.table.object = info_.name;
    plan_.table.table = config_.table.empty() ? info_.name : config_.table;
    for (size_t i = 0; i < plan_.select.size(); ++i) {
      if (plan_.select[i] == plan_.cursor_field) plan_.cursor_column = static_cast<int>(i);
      if (plan_.select[i] == "IsDeleted") plan_.is_deleted_column = static_cast<int>(i);
    }
    return std::move(plan_);
  }

 private:
  Status ChooseCursor() {
    if (!config_.cursor_field.empty()) {
      const FieldInfo* f = info_.Field(config_.cursor_field);
      if (f == nullptr || f->type != "datetime" || !f->filterable) {
        return FieldError(fmt::format("cursor_field '{}' is not a filterable datetime field of {}",
                                      config_.cursor_field, info_.name));
      }
      plan_.cursor_field = f->name;
      return Status::Ok();
    }
    for (const char* name : {"SystemModstamp", "LastModifiedDate", "CreatedDate"}) {
      const FieldInfo* f = info_.Field(name);
      if (f != nullptr && f->type == "datetime" && f->filterable) {
        plan_.cursor_field = f->name;
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  Status AddAllFields() {
    std::set<std::string> excluded;
    for (const std::string& e : config_.exclude) {
      if (info_.Field(e) == nullptr) return FieldError(fmt::format("exclude: no field '{}' on {}", e, info_.name));
      excluded.insert(Lower(e));
    }
    for (const FieldInfo& f : info_.fields) {
      if (excluded.count(Lower(f.name)) != 0) continue;
      if (!IsStoredType(f.type, config_.include_base64)) continue;
      if (f.calculated && config_.formula_fields == "exclude") continue;
      if (f.deprecated_and_hidden) continue;
      SFSYNC_RETURN_IF_ERROR(AddField(f.name, &f));
    }
    return Status::Ok();
  }

  // Adds a field named in the job (any case, maybe a parent path or a compound field).
  Status Add(const std::string& requested) {
    std::vector<std::string> parts = SplitPath(requested);
    const SObjectInfo* current = &info_;
    std::string canonical;
    bool through_polymorphic = false;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const FieldInfo* ref = current->Relationship(parts[i]);
      if (ref == nullptr || ref->reference_to.empty()) {
        return FieldError(fmt::format("field '{}': no relationship '{}' on {}", requested, parts[i],
                                                  current->name));
      }
      canonical += ref->relationship_name;
      through_polymorphic = through_polymorphic || ref->polymorphic();
      SFSYNC_ASSIGN_OR_RETURN(const SObjectInfo* target, Describe(ref->reference_to, parts[i + 1]));
      if (through_polymorphic) {
        AddUnrefreshedParent(canonical);
      } else {
        AddParentCursor(canonical, *target);
      }
      canonical += ".";
      current = target;
    }
    const FieldInfo* leaf = current->Field(parts.back());
    if (leaf == nullptr) {
      return FieldError(fmt::format("no field '{}' on {}{}", parts.back(), current->name,
                                                parts.size() > 1 ? fmt::format(" (in '{}')", requested) : ""));
    }
    if (leaf->type == "address" || leaf->type == "location") {
      if (parts.size() > 1) {
        return FieldError(fmt::format("'{}' is a compound field; list its components", requested));
      }
      for (const FieldInfo& f : info_.fields) {
        if (f.compound_field_name == leaf->name) SFSYNC_RETURN_IF_ERROR(AddField(f.name, &f));
      }
      return Status::Ok();
    }
    if (leaf->calculated && config_.formula_fields == "exclude" && !config_.all_fields) {
      return FieldError(fmt::format("'{}' is a formula field but formula_fields is exclude", requested));
    }
    return AddField(canonical + leaf->name, leaf);
  }

  void AddParentCursor(const std::string& path, const SObjectInfo& parent) {
    for (const auto& existing : plan_.parent_cursors) {
      if (existing.path == path) return;
    }
    for (const char* name : {"SystemModstamp", "LastModifiedDate"}) {
      const FieldInfo* f = parent.Field(name);
      if (f != nullptr && f->type == "datetime" && f->filterable) {
        plan_.parent_cursors.push_back({path, f->name});
        return;
      }
    }
  }

  void AddUnrefreshedParent(const std::string& path) {
    auto& paths = plan_.unrefreshed_parents;
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }

  Status AddField(const std::string& path, const FieldInfo* leaf) {
    std::string column = ColumnNameForPath(path);
    std::string key = Lower(column);
    if (auto it = columns_.find(key); it != columns_.end()) {
      if (Lower(it->second) == Lower(path)) return Status::Ok();  // listed twice
      return FieldError(fmt::format("fields '{}' and '{}' would both be stored in column '{}'",
                                                it->second, path, column));
    }
    columns_.emplace(key, path);
    plan_.select.push_back(path);
    store::ColumnSpec spec{column, path, ColumnTypeFor(leaf->type), leaf->type};
    if (spec.type == store::ColumnType::kReal && leaf->precision > 0 && leaf->precision <= 1000 && leaf->scale >= 0 &&
        leaf->scale <= leaf->precision) {
      spec.precision = static_cast<int>(leaf->precision);
      spec.scale = static_cast<int>(leaf->scale);
    }
    plan_.table.columns.push_back(std::move(spec));
    return Status::Ok();
  }

  // Describes the target of a relationship. For a polymorphic lookup, the first target that has the
  // next field wins.
  StatusOr<const SObjectInfo*> Describe(const std::vector<std::string>& targets, const std::string& next_field) {
    const SObjectInfo* first = nullptr;
    for (const std::string& target : targets) {
      auto it = parents_.find(target);
      if (it == parents_.end()) {
        SFSYNC_ASSIGN_OR_RETURN(SObjectInfo parent, describe_(target));
        it = parents_.emplace(target, std::move(parent)).first;
      }
      if (first == nullptr) first = &it->second;
      std::string field = SplitPath(next_field).front();
      if (it->second.Field(field) != nullptr || it->second.Relationship(field) != nullptr) return &it->second;
    }
    return first;
  }

  const config::ObjectConfig& config_;
  const SObjectInfo& info_;
  const DescribeFn& describe_;
  ObjectPlan plan_;
  std::map<std::string, std::string> columns_;       // lower-case column name -> path
  std::map<std::string, SObjectInfo> parents_;       // node-stable: FieldInfo pointers stay valid
};

}  // namespace

std::string ColumnNameForPath(std::string_view path) {
  std::string name(path);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

StatusOr<ObjectPlan> PlanObject(const config::ObjectConfig& config, const salesforce::SObjectInfo& info,
                                const DescribeFn& describe) {
  return Planner(config, info, describe).Plan();
}

}  // namespace sfsync::sync
