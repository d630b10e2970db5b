#include "engine/push/push_plan.h"

#include "engine/core/ascii.h"
#include <fmt/format.h>

namespace sfsync::push {
namespace {

Status ConfigError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message), "push.config");
}

}  // namespace

const PushColumn* PushTable::Column(const std::string& name) const {
  for (const PushColumn& c : columns) {
    if (EqualsIgnoringAsciiCase(c.name, name)) return &c;
  }
  return nullptr;
}

store::CaptureSpec PushTable::Capture() const {
  store::CaptureSpec capture;
  capture.table = table;
  capture.stamp_column = stamp_column;
  for (const PushColumn& c : columns) capture.columns.push_back({c.name, c.updateable, c.createable, c.why_not});
  return capture;
}

std::vector<std::string> PushTable::InsertColumns() const {
  std::vector<std::string> out;
  for (const PushColumn& c : columns) {
    if (c.createable && !EqualsIgnoringAsciiCase(c.name, key_column)) out.push_back(c.name);
  }
  return out;
}

StatusOr<PushTable> PlanPushTable(const config::ObjectConfig& config, const sync::ObjectPlan& plan,
                                  const salesforce::SObjectInfo& info) {
  PushTable t;
  t.object = plan.object;
  t.table = plan.table.table;
  t.spec = plan.table;
  t.at_least_once_inserts = config.at_least_once_inserts;
  for (const store::ColumnSpec& spec : plan.table.columns) {
    if (spec.name == "Id") continue;
    PushColumn c;
    c.name = spec.name;
    c.type = spec.type;
    if (spec.source.find('.') != std::string::npos) {
      c.why_not = "a field of a parent record; edit the parent's row";
    } else {
      c.field = spec.source;
      const salesforce::FieldInfo* field = info.Field(spec.source);
      if (field == nullptr) {
        c.why_not = "not a field of the object in its describe";
      } else {
        c.updateable = field->updateable && !field->calculated;
        c.createable = field->createable && !field->calculated;
        c.reference_to = field->reference_to;
        if (field->calculated) {
          c.why_not = "a formula or roll-up field, computed by Salesforce";
        } else if (!field->updateable && !field->createable) {
          c.why_not = "Salesforce does not let it be set (a system or read-only field)";
        } else if (!field->updateable) {
          c.why_not = "Salesforce lets it be set only when a record is created";
        } else {
          c.why_not = "Salesforce does not let it be set on create";
        }
      }
    }
    if (EqualsIgnoringAsciiCase(spec.source, "SystemModstamp")) t.stamp_column = spec.name;
    t.columns.push_back(std::move(c));
  }
  if (!config.external_id.empty()) {
    const salesforce::FieldInfo* key = info.Field(config.external_id);
    if (key == nullptr) {
      return ConfigError(fmt::format("{}: external_id {} is not a field of the object", t.object, config.external_id));
    }
    if (!key->external_id && !key->id_lookup) {
      return ConfigError(fmt::format("{}: external_id {} is not an External ID field in Salesforce (mark it External "
                                     "ID and Unique in Setup)",
                                     t.object, key->name));
    }
    if (key->type != "string") {
      return ConfigError(fmt::format("{}: external_id {} is a {} field; sfsync writes text keys into a text field",
                                     t.object, key->name, key->type));
    }
    for (const PushColumn& c : t.columns) {
      if (EqualsIgnoringAsciiCase(c.field, key->name)) {
        t.key_field = key->name;
        t.key_column = c.name;
      }
    }
    if (t.key_field.empty()) {
      return ConfigError(fmt::format("{}: external_id {} must be one of the synced fields (add it to fields)",
                                     t.object, key->name));
    }
  }
  return t;
}

}  // namespace sfsync::push
