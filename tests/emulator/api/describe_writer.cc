#include "tests/emulator/api/describe_writer.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

// The record type every CRM object has when no custom record types exist.
constexpr std::string_view kMasterRecordTypeId = "012000000000000AAA";

void Url(JsonWriter* json, std::string_view key, const std::string& value) {
  json->Key(key);
  json->String(value);
}

void NullKey(JsonWriter* json, std::string_view key) {
  json->Key(key);
  json->Null();
}

void BoolKey(JsonWriter* json, std::string_view key, bool value) {
  json->Key(key);
  json->Bool(value);
}

void StringKey(JsonWriter* json, std::string_view key, std::string_view value) {
  json->Key(key);
  json->String(value);
}

void StringOrNull(JsonWriter* json, std::string_view key, std::string_view value) {
  json->Key(key);
  if (value.empty()) {
    json->Null();
  } else {
    json->String(value);
  }
}

void IntKey(JsonWriter* json, std::string_view key, int64_t value) {
  json->Key(key);
  json->Int(value);
}

// Key order follows global_describe.json (Salesforce's order, not alphabetical).
void Urls(JsonWriter* json, const ObjectDef& o, std::string_view version,
          std::string_view base_url, bool describe) {
  std::string sobject = "/services/data/" + std::string(version) + "/sobjects/" + o.name;
  std::string ui = std::string(base_url) + "/";
  json->Key("urls");
  json->BeginObject();
  if (o.url_set != UrlSet::kSetup) Url(json, "compactLayouts", sobject + "/describe/compactLayouts");
  Url(json, "rowTemplate", sobject + "/{ID}");
  if (o.url_set == UrlSet::kCrm) Url(json, "approvalLayouts", sobject + "/describe/approvalLayouts");
  for (const auto& [key, path] : o.extra_urls) Url(json, key, sobject + path);
  if (o.url_set == UrlSet::kUser) {
    Url(json, "namedLayouts", sobject + "/describe/namedLayouts/{LayoutName}");
    Url(json, "passwordUtilities", sobject + "/{ID}/password");
  }
  if (describe) {
    Url(json, "uiDetailTemplate", ui + "{ID}");
    Url(json, "uiEditTemplate", ui + "{ID}/e");
  }
  if (o.url_set == UrlSet::kCrm) Url(json, "listviews", sobject + "/listviews");
  Url(json, "describe", sobject + "/describe");
  if (describe) Url(json, "uiNewRecord", ui + o.key_prefix + "/e");
  if (o.url_set != UrlSet::kSetup) {
    Url(json, "quickActions", sobject + "/quickActions");
    Url(json, "layouts", sobject + "/describe/layouts");
  }
  Url(json, "sobject", sobject);
  json->EndObject();
}

// The 56 keys of a describe_account.json field entry, alphabetical as Salesforce sends them.
void Field(JsonWriter* json, const FieldDef& f) {
  bool reference = f.type == FieldType::kId || f.type == FieldType::kReference;
  bool text = IsTextual(f.type);
  int length = reference ? 18 : text ? f.length : 0;
  json->BeginObject();
  BoolKey(json, "aggregatable", f.aggregatable());
  BoolKey(json, "aiPredictionField", false);
  BoolKey(json, "autoNumber", f.auto_number);
  IntKey(json, "byteLength", reference ? 18 : length * 3);
  BoolKey(json, "calculated", f.calculated());
  StringOrNull(json, "calculatedFormula", f.formula);
  BoolKey(json, "cascadeDelete", false);
  BoolKey(json, "caseSensitive", false);
  StringOrNull(json, "compoundFieldName", f.compound_field_name);
  NullKey(json, "controllerName");
  BoolKey(json, "createable", f.createable);
  BoolKey(json, "custom", f.custom);
  if (f.type == FieldType::kBoolean) {
    BoolKey(json, "defaultValue", false);
  } else {
    NullKey(json, "defaultValue");
  }
  NullKey(json, "defaultValueFormula");
  BoolKey(json, "defaultedOnCreate", f.defaulted_on_create);
  BoolKey(json, "dependentPicklist", false);
  BoolKey(json, "deprecatedAndHidden", false);
  IntKey(json, "digits", f.digits);
  BoolKey(json, "displayLocationInDecimal", false);
  BoolKey(json, "encrypted", false);
  BoolKey(json, "externalId", f.external_id);
  StringOrNull(json, "extraTypeInfo", f.extra_type_info);
  BoolKey(json, "filterable", f.filterable());
  NullKey(json, "filteredLookupInfo");
  BoolKey(json, "formulaTreatNullNumberAsZero", false);
  BoolKey(json, "groupable", f.groupable());
  BoolKey(json, "highScaleNumber", false);
  BoolKey(json, "htmlFormatted", false);
  BoolKey(json, "idLookup", f.id_lookup);
  NullKey(json, "inlineHelpText");
  StringKey(json, "label", f.label);
  IntKey(json, "length", length);
  StringOrNull(json, "mask", f.mask);
  StringOrNull(json, "maskType", f.mask_type);
  StringKey(json, "name", f.name);
  BoolKey(json, "nameField", f.name_field);
  BoolKey(json, "namePointing", false);
  BoolKey(json, "nillable", f.nillable);
  BoolKey(json, "permissionable", f.permissionable);
  json->Key("picklistValues");
  json->BeginArray();
  for (const std::string& value : f.picklist_values) {
    json->BeginObject();
    BoolKey(json, "active", true);
    BoolKey(json, "defaultValue", false);
    StringKey(json, "label", value);
    NullKey(json, "validFor");
    StringKey(json, "value", value);
    json->EndObject();
  }
  json->EndArray();
  BoolKey(json, "polymorphicForeignKey", f.polymorphic());
  IntKey(json, "precision", f.precision);
  BoolKey(json, "queryByDistance", IsCompound(f.type));
  NullKey(json, "referenceTargetField");
  json->Key("referenceTo");
  json->BeginArray();
  for (const std::string& target : f.reference_to) json->String(target);
  json->EndArray();
  StringOrNull(json, "relationshipName", f.relationship_name);
  NullKey(json, "relationshipOrder");
  BoolKey(json, "restrictedDelete", false);
  BoolKey(json, "restrictedPicklist", false);
  IntKey(json, "scale", f.scale);
  BoolKey(json, "searchPrefilterable", false);
  StringKey(json, "soapType", SoapType(f.type));
  BoolKey(json, "sortable", f.sortable());
  StringKey(json, "type", TypeName(f.type));
  BoolKey(json, "unique", f.unique);
  BoolKey(json, "updateable", f.updateable);
  BoolKey(json, "writeRequiresMasterRead", false);
  json->EndObject();
}

void ChildRelationships(JsonWriter* json, const Schema& schema, const ObjectDef& parent) {
  std::vector<std::tuple<std::string, std::string, const FieldDef*>> children;
  for (const auto& child : schema.objects()) {
    for (const FieldDef& f : child->fields) {
      if (f.type == FieldType::kReference && f.References(parent.name)) {
        children.emplace_back(child->name, f.name, &f);
      }
    }
  }
  std::sort(children.begin(), children.end());
  json->Key("childRelationships");
  json->BeginArray();
  for (const auto& [child, field, def] : children) {
    json->BeginObject();
    BoolKey(json, "cascadeDelete", def->cascade_delete);
    StringKey(json, "childSObject", child);
    BoolKey(json, "deprecatedAndHidden", false);
    StringKey(json, "field", field);
    json->Key("junctionIdListNames");
    json->BeginArray();
    json->EndArray();
    json->Key("junctionReferenceTo");
    json->BeginArray();
    json->EndArray();
    StringOrNull(json, "relationshipName", def->child_relationship);
    BoolKey(json, "restrictedDelete", false);
    json->EndObject();
  }
  json->EndArray();
}

}  // namespace

std::string GlobalDescribeJson(const Schema& schema, std::string_view version) {
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  StringKey(&json, "encoding", "UTF-8");
  IntKey(&json, "maxBatchSize", 200);
  json.Key("sobjects");
  json.BeginArray();
  for (const auto& object : schema.objects()) {
    const ObjectDef& o = *object;
    json.BeginObject();
    BoolKey(&json, "activateable", false);
    NullKey(&json, "associateEntityType");
    NullKey(&json, "associateParentEntity");
    BoolKey(&json, "createable", o.createable);
    BoolKey(&json, "custom", o.custom);
    BoolKey(&json, "customSetting", false);
    BoolKey(&json, "deepCloneable", o.deep_cloneable);
    BoolKey(&json, "deletable", o.deletable);
    BoolKey(&json, "deprecatedAndHidden", false);
    BoolKey(&json, "feedEnabled", o.feed_enabled);
    BoolKey(&json, "hasSubtypes", false);
    BoolKey(&json, "isInterface", false);
    BoolKey(&json, "isSubtype", false);
    StringKey(&json, "keyPrefix", o.key_prefix);
    StringKey(&json, "label", o.label);
    StringKey(&json, "labelPlural", o.label_plural);
    BoolKey(&json, "layoutable", o.layoutable);
    BoolKey(&json, "mergeable", o.mergeable);
    BoolKey(&json, "mruEnabled", o.mru_enabled);
    StringKey(&json, "name", o.name);
    BoolKey(&json, "queryable", true);
    BoolKey(&json, "replicateable", true);
    BoolKey(&json, "retrieveable", true);
    BoolKey(&json, "searchable", true);
    BoolKey(&json, "triggerable", o.triggerable);
    BoolKey(&json, "undeletable", o.undeletable);
    BoolKey(&json, "updateable", o.updateable);
    Urls(&json, o, version, "", /*describe=*/false);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return body;
}

std::string SObjectDescribeJson(const Schema& schema, const ObjectDef& o, std::string_view version,
                                std::string_view base_url) {
  bool crm = o.url_set == UrlSet::kCrm || o.url_set == UrlSet::kActivity;
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  json.Key("actionOverrides");
  json.BeginArray();
  json.EndArray();
  BoolKey(&json, "activateable", false);
  NullKey(&json, "associateEntityType");
  NullKey(&json, "associateParentEntity");
  ChildRelationships(&json, schema, o);
  BoolKey(&json, "compactLayoutable", o.url_set != UrlSet::kSetup);
  BoolKey(&json, "createable", o.createable);
  BoolKey(&json, "custom", o.custom);
  BoolKey(&json, "customSetting", false);
  BoolKey(&json, "deepCloneable", o.deep_cloneable);
  NullKey(&json, "defaultImplementation");
  BoolKey(&json, "deletable", o.deletable);
  BoolKey(&json, "deprecatedAndHidden", false);
  NullKey(&json, "extendedBy");
  NullKey(&json, "extendsInterfaces");
  BoolKey(&json, "feedEnabled", o.feed_enabled);
  json.Key("fields");
  json.BeginArray();
  for (const FieldDef& f : o.fields) {
    if (!f.hidden) Field(&json, f);
  }
  json.EndArray();
  BoolKey(&json, "hasSubtypes", false);
  NullKey(&json, "implementedBy");
  NullKey(&json, "implementsInterfaces");
  BoolKey(&json, "isInterface", false);
  BoolKey(&json, "isSubtype", false);
  StringKey(&json, "keyPrefix", o.key_prefix);
  StringKey(&json, "label", o.label);
  StringKey(&json, "labelPlural", o.label_plural);
  BoolKey(&json, "layoutable", o.layoutable);
  NullKey(&json, "listviewable");
  NullKey(&json, "lookupLayoutable");
  BoolKey(&json, "mergeable", o.mergeable);
  BoolKey(&json, "mruEnabled", o.mru_enabled);
  StringKey(&json, "name", o.name);
  json.Key("namedLayoutInfos");
  json.BeginArray();
  json.EndArray();
  NullKey(&json, "networkScopeFieldName");
  BoolKey(&json, "queryable", true);
  json.Key("recordTypeInfos");
  json.BeginArray();
  if (crm) {
    json.BeginObject();
    BoolKey(&json, "active", true);
    BoolKey(&json, "available", true);
    BoolKey(&json, "defaultRecordTypeMapping", true);
    StringKey(&json, "developerName", "Master");
    BoolKey(&json, "master", true);
    StringKey(&json, "name", "Master");
    StringKey(&json, "recordTypeId", kMasterRecordTypeId);
    json.Key("urls");
    json.BeginObject();
    Url(&json, "layout", "/services/data/" + std::string(version) + "/sobjects/" + o.name +
                             "/describe/layouts/" + std::string(kMasterRecordTypeId));
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
  BoolKey(&json, "replicateable", true);
  BoolKey(&json, "retrieveable", true);
  BoolKey(&json, "searchLayoutable", crm);
  BoolKey(&json, "searchable", true);
  StringKey(&json, "sobjectDescribeOption", "FULL");
  json.Key("supportedScopes");
  json.BeginArray();
  std::string plural = ToLower(o.label_plural);
  json.BeginObject();
  StringKey(&json, "label", "All " + plural);
  StringKey(&json, "name", "everything");
  json.EndObject();
  if (crm) {
    json.BeginObject();
    StringKey(&json, "label", "My " + plural);
    StringKey(&json, "name", "mine");
    json.EndObject();
    json.BeginObject();
    StringKey(&json, "label", "My team's " + plural);
    StringKey(&json, "name", "team");
    json.EndObject();
  }
  json.EndArray();
  BoolKey(&json, "triggerable", o.triggerable);
  BoolKey(&json, "undeletable", o.undeletable);
  BoolKey(&json, "updateable", o.updateable);
  Urls(&json, o, version, base_url, /*describe=*/true);
  json.EndObject();
  return body;
}

}  // namespace sfsync::emulator
