#include "tests/emulator/api/record_saver.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tests/emulator/api/field_input.h"
#include "tests/emulator/base64.h"
#include "tests/emulator/json_writer.h"
#include "tests/emulator/salesforce_id.h"

namespace sfsync::emulator {
namespace {

using Json = nlohmann::ordered_json;

SaveError Error(int status, std::string code, std::string message, std::vector<std::string> fields = {}) {
  return SaveError{status, std::move(code), std::move(message), std::move(fields), true};
}

bool Writable(const FieldDef& f, bool create) {
  if (f.calculated() || IsCompound(f.type) || f.derived_full_name || f.type == FieldType::kId) {
    return false;
  }
  return create ? f.createable : f.updateable;
}

bool Required(const FieldDef& f) {
  return !f.nillable && f.createable && !f.defaulted_on_create && !f.derived_full_name && !f.calculated();
}

size_t CharCount(std::string_view text) {
  size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars;
}

// local@domain.tld, no spaces: what Salesforce's e-mail fields accept, roughly.
bool LooksLikeEmail(std::string_view text) {
  size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos ||
      text.find(' ') != std::string_view::npos) {
    return false;
  }
  size_t dot = text.rfind('.');
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < text.size();
}

std::string NumberText(double value) {
  std::string text;
  AppendJsonDouble(&text, value, NumberStyle::kDecimal);
  return text;
}

const ObjectDef* ObjectWithPrefix(const Schema& schema, std::string_view id) {
  for (const auto& object : schema.objects()) {
    if (id.substr(0, 3) == object->key_prefix) return object.get();
  }
  return nullptr;
}

SaveError NotFound() { return Error(404, "NOT_FOUND", "The requested resource does not exist"); }
SaveError EntityIsDeleted() { return Error(404, "ENTITY_IS_DELETED", "entity is deleted"); }
SaveError InvalidCrossReference() { return Error(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"); }

}  // namespace

RecordSaver::RecordSaver(Org* org, const EmulatorClock* clock, SaveSurface surface)
    : org_(org), surface_(surface), now_ms_(clock->NowMillisFloorSecond()) {}

SaveResult RecordSaver::Failed(SaveError error) const {
  SaveResult result;
  result.errors.push_back(std::move(error));
  return result;
}

std::optional<RestError> RecordSaver::CheckTypes(const ObjectDef& object, const Json& body) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& [key, value] : body.items()) {
    const FieldDef* field = object.FindField(key);
    if (field == nullptr || key == "attributes" || IsCompound(field->type)) continue;
    Value ignored;
    if (ConvertInput(*field, value, &ignored) == InputProblem::kWrongType) {
      return RestError{400, "JSON_PARSER_ERROR", WrongTypeMessage(*field, value)};
    }
  }
  return std::nullopt;
}

std::optional<SaveError> RecordSaver::Prepare(const ObjectDef& object, const Json& body, const std::string* existing_id,
                                              Changes* changes) {
  bool create = existing_id == nullptr;
  // 1. The Id and unknown fields.
  for (const auto& [key, value] : body.items()) {
    if (key == "attributes") continue;
    if (ToLower(key) == "id") {
      if (!create) continue;  // an update's key (Collections), checked by the caller
      SaveError error =
          Error(400, "INVALID_FIELD",
                surface_ == SaveSurface::kRow ? "The Id field should not be specified in the sobject data."
                                              : "cannot specify Id in an insert call");
      error.single_shows_fields = false;
      return error;
    }
    if (object.FindField(key) == nullptr) {
      SaveError error = Error(400, "INVALID_FIELD", "No such column '" + key + "' on sobject of type " + object.name);
      error.single_shows_fields = false;
      return error;
    }
  }
  // 2. Fields this operation may not write, all at once.
  std::vector<std::string> read_only;
  for (const auto& [key, value] : body.items()) {
    const FieldDef* field = key == "attributes" || ToLower(key) == "id" ? nullptr : object.FindField(key);
    if (field != nullptr && !Writable(*field, create)) read_only.push_back(field->name);
  }
  if (!read_only.empty()) {
    std::string list;
    for (const std::string& name : read_only) list += (list.empty() ? "" : ", ") + name;
    return Error(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                 "Unable to create/update fields: " + list +
                     ". Please check the security settings of this field and verify that it is "
                     "read/write for your profile or permission set.",
                 read_only);
  }
  // 3. Values.
  for (const auto& [key, value] : body.items()) {
    if (key == "attributes" || ToLower(key) == "id") continue;
    const FieldDef* field = object.FindField(key);
    Value converted;
    switch (ConvertInput(*field, value, &converted)) {
      case InputProblem::kNone:
        break;
      case InputProblem::kWrongType: {
        SaveError error = Error(400, "JSON_PARSER_ERROR", WrongTypeMessage(*field, value));
        error.single_shows_fields = false;
        return error;
      }
      default:
        return Error(400, "MALFORMED_ID",
                     field->label + ": id value of incorrect type: " +
                         (value.is_string() ? value.get<std::string>() : value.dump()),
                     {field->name});
    }
    if (std::optional<SaveError> error = CheckValue(*field, &converted)) return error;
    if (!create && field->type == FieldType::kBoolean && std::holds_alternative<std::monostate>(converted)) {
      converted = int64_t{0};  // a checkbox is never null
    }
    changes->emplace_back(field, std::move(converted));
  }
  return std::nullopt;
}

double RoundToScale(const FieldDef& field, double number) {
  if (!std::isfinite(number) || field.scale < 0) return number;
  // In decimal, on the number as written (its shortest text: 12.345, not 12.3449999...).
  char buf[512];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number, std::chars_format::fixed);
  if (ec != std::errc()) return number;
  std::string text(buf, end);
  const size_t point = text.find('.');
  if (point == std::string::npos || text.size() - point - 1 <= static_cast<size_t>(field.scale)) return number;
  const bool up = text[point + 1 + static_cast<size_t>(field.scale)] >= '5';
  text.resize(point + 1 + static_cast<size_t>(field.scale));
  if (up) {  // add one unit of the last kept place to the magnitude
    size_t i = text.size();
    while (i > 0) {
      --i;
      if (text[i] == '.' ) continue;
      if (text[i] == '-') {
        text.insert(i + 1, "1");
        break;
      }
      if (text[i] != '9') {
        ++text[i];
        break;
      }
      text[i] = '0';
      if (i == 0) text.insert(0, "1");
    }
  }
  return std::strtod(text.c_str(), nullptr);
}

std::optional<SaveError> RecordSaver::CheckValue(const FieldDef& field, Value* value) const {
  if (const auto* text = std::get_if<std::string>(value)) {
    bool is_text = IsTextual(field.type) || field.type == FieldType::kTextArea;
    if (is_text && CharCount(*text) > static_cast<size_t>(field.length)) {
      return Error(
          400, "STRING_TOO_LONG",
          field.label + ": data value too large: " + *text + " (max length=" + std::to_string(field.length) + ")",
          {field.name});
    }
    if (field.type == FieldType::kEmail && !LooksLikeEmail(*text)) {
      return Error(400, "INVALID_EMAIL_ADDRESS", field.label + ": invalid email address: " + *text, {field.name});
    }
  }
  auto out_of_range = [&](const std::string& shown) {
    return Error(400, "NUMBER_OUTSIDE_VALID_RANGE",
                 field.label + ": value outside of valid range on numeric field: " + shown, {field.name});
  };
  if (auto* number = std::get_if<double>(value)) {
    *number = RoundToScale(field, *number);
    if (field.precision > 0 && std::fabs(*number) >= std::pow(10.0, field.precision - field.scale)) {
      return out_of_range(NumberText(*number));
    }
  }
  if (const auto* integer = std::get_if<int64_t>(value);
      integer != nullptr && field.type == FieldType::kInt && field.digits > 0) {
    if (std::fabs(static_cast<double>(*integer)) >= std::pow(10.0, field.digits)) {
      return out_of_range(std::to_string(*integer));
    }
  }
  return std::nullopt;
}

std::optional<SaveError> RecordSaver::CheckReferences(const Changes& changes) const {
  for (const auto& [field, value] : changes) {
    const auto* id = std::get_if<std::string>(&value);
    if (field->type != FieldType::kReference || id == nullptr) continue;
    // A polymorphic lookup takes any of its targets: the Id's key prefix says which.
    const ObjectDef* target = nullptr;
    for (const std::string& name : field->reference_to) {
      const ObjectDef* candidate = org_->schema->Find(name);
      if (candidate != nullptr && id->substr(0, 3) == candidate->key_prefix) target = candidate;
    }
    if (target == nullptr) {
      return Error(400, "FIELD_INTEGRITY_EXCEPTION", field->label + ": id value of incorrect type: " + *id,
                   {field->name});
    }
    if (org_->store->Lookup(*target, *id) != OrgStore::RowState::kLive) {
      SaveError error = InvalidCrossReference();
      error.fields = {field->name};
      return error;
    }
  }
  return std::nullopt;
}

std::vector<std::string> LiveRecordsWithKey(OrgStore* store, const ObjectDef& object, const FieldDef& field,
                                            const Value& value, size_t limit) {
  bool nocase = field.type != FieldType::kId && IsTextual(field.type);
  std::string error;
  if (field.type != FieldType::kId) store->EnsureIndex(object, field.name, nocase, &error);
  Statement select(store->db(), "SELECT \"Id\" FROM " + QuoteIdentifier(object.name) + " WHERE " +
                                    QuoteIdentifier(field.name) + " = ?" + (nocase ? " COLLATE NOCASE" : "") +
                                    " AND \"IsDeleted\" = 0 ORDER BY \"Id\" LIMIT ?");
  select.Bind(1, value);
  select.Bind(2, static_cast<int64_t>(limit));
  std::vector<std::string> ids;
  while (select.Step() == SQLITE_ROW) {
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
  }
  return ids;
}

std::vector<SaveError> RecordSaver::CheckRules(const ObjectDef& object,
                                               const std::function<Value(const FieldDef&)>& value_of) const {
  std::vector<SaveError> errors;
  for (const ValidationRule& rule : org_->rules.For(object.name)) {
    const FieldDef* field = object.FindField(rule.field);
    if (field == nullptr || !RuleFires(rule, value_of(*field))) continue;
    errors.push_back(Error(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message,
                           rule.on_field ? std::vector<std::string>{field->name} : std::vector<std::string>{}));
  }
  return errors;
}

Value RecordSaver::StoredValue(const ObjectDef& object, const std::string& id, const FieldDef& field) const {
  Statement select(org_->store->db(), "SELECT " + QuoteIdentifier(field.name) + " FROM " +
                                          QuoteIdentifier(object.name) + " WHERE \"Id\" = ?");
  select.Bind(1, id);
  if (select.Step() != SQLITE_ROW) return Value{};
  switch (sqlite3_column_type(select.get(), 0)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(select.get(), 0);
    case SQLITE_FLOAT:
      return sqlite3_column_double(select.get(), 0);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
    default:
      return Value{};
  }
}

std::optional<SaveError> RecordSaver::CheckUnique(const ObjectDef& object, const Changes& changes,
                                                  const std::string* existing_id) const {
  for (const auto& [field, value] : changes) {
    if (!field->unique || std::holds_alternative<std::monostate>(value)) continue;
    for (const std::string& other : LiveRecordsWithKey(org_->store.get(), object, *field, value, 2)) {
      if (existing_id != nullptr && other == *existing_id) continue;
      return Error(400, "DUPLICATE_VALUE",
                   "duplicate value found: " + field->name + " duplicates value on record with id: " + other);
    }
  }
  return std::nullopt;
}

SaveResult RecordSaver::Create(const ObjectDef& object, const Json& body) {
  Changes changes;
  if (std::optional<SaveError> error = Prepare(object, body, nullptr, &changes)) return Failed(*error);
  OrgStore& store = *org_->store;
  const auto& columns = object.columns();
  std::vector<Value> row(columns.size());
  std::string id = store.AllocateId(object);
  const std::string& actor = org_->seeder->integration_user_id();
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& name = columns[i]->name;
    if (name == "Id") row[i] = id;
    if (columns[i]->type == FieldType::kBoolean) row[i] = int64_t{0};
    if (name == "CreatedDate" || name == "LastModifiedDate" || name == "SystemModstamp") row[i] = now_ms_;
    if (name == "CreatedById" || name == "LastModifiedById" || name == "OwnerId") row[i] = actor;
  }
  for (const auto& [field, value] : changes) row[static_cast<size_t>(object.ColumnIndex(field->name))] = value;
  std::vector<std::string> missing;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (Required(*columns[i]) && std::holds_alternative<std::monostate>(row[i])) missing.push_back(columns[i]->name);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Failed(Error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]", missing));
  }
  if (std::optional<SaveError> error = CheckReferences(changes)) return Failed(*error);
  std::vector<SaveError> broken = CheckRules(object, [&](const FieldDef& field) {
    int column = object.ColumnIndex(field.name);
    return column < 0 ? Value{} : row[static_cast<size_t>(column)];
  });
  if (!broken.empty()) {
    SaveResult failed;
    failed.errors = std::move(broken);
    return failed;
  }
  if (std::optional<SaveError> error = CheckUnique(object, changes, nullptr)) return Failed(*error);
  if (int body_column = object.ColumnIndex("Body"); body_column >= 0 && object.ColumnIndex("BodyLength") >= 0) {
    if (const auto* data = std::get_if<std::string>(&row[static_cast<size_t>(body_column)])) {
      row[static_cast<size_t>(object.ColumnIndex("BodyLength"))] = static_cast<int64_t>(Base64Decode(*data)->size());
    }
  }
  std::string error;
  if (!store.Insert(object, std::move(row), &error)) {
    return Failed(Error(500, "UNKNOWN_EXCEPTION", "sfsync-emulator could not save: " + error));
  }
  SaveResult result;
  result.id = id;
  result.created = true;
  return result;
}

SaveResult RecordSaver::Update(const ObjectDef& object, std::string_view raw_id, const Json& body) {
  bool row = surface_ == SaveSurface::kRow;
  std::optional<std::string> id = NormalizeId(raw_id);
  if (!id || id->substr(0, 3) != object.key_prefix) {
    if (row) return Failed(NotFound());
    return Failed(
        Error(400, "MALFORMED_ID", object.label + " ID: id value of incorrect type: " + std::string(raw_id), {"Id"}));
  }
  switch (org_->store->Lookup(object, *id)) {
    case OrgStore::RowState::kMissing:
      return Failed(row ? NotFound() : InvalidCrossReference());
    case OrgStore::RowState::kDeleted:
      return Failed(EntityIsDeleted());
    case OrgStore::RowState::kLive:
      break;
  }
  Changes changes;
  if (std::optional<SaveError> error = Prepare(object, body, &*id, &changes)) return Failed(*error);
  auto value_after = [&](const FieldDef& field) {
    for (const auto& [changed, value] : changes) {
      if (changed == &field || changed->name == field.name) return value;
    }
    return StoredValue(object, *id, field);
  };
  std::vector<std::string> missing;
  for (const auto& [field, value] : changes) {
    if (!field->nillable && std::holds_alternative<std::monostate>(value)) missing.push_back(field->name);
  }
  // A required field the stored record leaves empty (it was made required after the record was
  // saved) fails every later save of the record, whatever the body sets.
  for (const FieldDef* column : object.columns()) {
    if (!Required(*column) || std::find(missing.begin(), missing.end(), column->name) != missing.end()) continue;
    if (std::holds_alternative<std::monostate>(value_after(*column))) missing.push_back(column->name);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Failed(Error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]", missing));
  }
  if (std::optional<SaveError> error = CheckReferences(changes)) return Failed(*error);
  std::vector<SaveError> broken = CheckRules(object, value_after);
  if (!broken.empty()) {
    SaveResult failed;
    failed.errors = std::move(broken);
    return failed;
  }
  if (std::optional<SaveError> error = CheckUnique(object, changes, &*id)) return Failed(*error);
  const FieldDef* body_length = object.FindField("BodyLength");
  for (size_t i = 0, n = changes.size(); i < n && body_length != nullptr; ++i) {
    if (changes[i].first->type != FieldType::kBase64) continue;
    const auto* data = std::get_if<std::string>(&changes[i].second);
    changes.emplace_back(body_length,
                         data == nullptr ? Value{} : Value{static_cast<int64_t>(Base64Decode(*data)->size())});
  }
  changes.emplace_back(object.FindField("SystemModstamp"), now_ms_);
  changes.emplace_back(object.FindField("LastModifiedDate"), now_ms_);
  changes.emplace_back(object.FindField("LastModifiedById"), org_->seeder->integration_user_id());
  std::string error;
  if (!org_->store->Update(object, *id, changes, &error)) {
    return Failed(Error(500, "UNKNOWN_EXCEPTION", "sfsync-emulator could not save: " + error));
  }
  SaveResult result;
  result.id = *id;
  return result;
}

SaveResult RecordSaver::Upsert(const ObjectDef& object, const FieldDef& key, const Json& key_value, const Json& body,
                               bool update_only) {
  Value value;
  InputProblem problem = ConvertInput(key, key_value, &value);
  if (problem == InputProblem::kMalformedId) {
    return Failed(Error(400, "MALFORMED_ID",
                        "malformed id " + (key_value.is_string() ? key_value.get<std::string>() : key_value.dump()),
                        {key.name}));
  }
  if (problem != InputProblem::kNone) return Failed(Error(400, "JSON_PARSER_ERROR", WrongTypeMessage(key, key_value)));
  if (std::holds_alternative<std::monostate>(value)) {
    return Failed(Error(400, "MISSING_ARGUMENT", key.name + " not specified", {key.name}));
  }
  std::vector<std::string> matches = LiveRecordsWithKey(org_->store.get(), object, key, value, 100);
  if (matches.size() > 1) {
    SaveResult result;
    result.matches = std::move(matches);
    return result;
  }
  if (matches.size() == 1) return Update(object, matches[0], body);
  if (update_only || key.type == FieldType::kId) return Failed(NotFound());
  Json with_key = body;
  with_key[key.name] = key_value;
  return Create(object, with_key);
}

SaveResult RecordSaver::Delete(const ObjectDef* object, std::string_view raw_id) {
  bool row = surface_ == SaveSurface::kRow;
  std::optional<std::string> id = NormalizeId(raw_id);
  const ObjectDef* target = !id ? nullptr : object != nullptr ? object : ObjectWithPrefix(*org_->schema, *id);
  if (target == nullptr || id->substr(0, 3) != target->key_prefix) {
    if (row) return Failed(NotFound());
    return Failed(Error(400, "MALFORMED_ID", "malformed id " + std::string(raw_id)));
  }
  if (!target->deletable) {
    return Failed(Error(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id"));
  }
  switch (org_->store->Lookup(*target, *id)) {
    case OrgStore::RowState::kMissing:
      if (org_->store->delete_log().Has(target->name, *id)) return Failed(EntityIsDeleted());
      return Failed(row ? NotFound() : InvalidCrossReference());
    case OrgStore::RowState::kDeleted:
      return Failed(EntityIsDeleted());
    case OrgStore::RowState::kLive:
      break;
  }
  // An object without a recycle bin (Group: deletable, not undeletable) loses the row for good.
  if (target->has_is_deleted()) {
    org_->store->SetDeleted(*target, *id, true, now_ms_);
  } else {
    org_->store->HardDelete(*target, *id, now_ms_);
  }
  SaveResult result;
  result.id = *id;
  return result;
}

void WriteSaveResult(JsonWriter* json, const SaveResult& result, bool with_created) {
  json->BeginObject();
  if (result.success()) {  // failed records carry no id (composite_sobjects_*.json)
    json->Key("id");
    json->String(result.id);
  }
  json->Key("success");
  json->Bool(result.success());
  json->Key("errors");
  json->BeginArray();
  for (const SaveError& error : result.errors) {
    json->BeginObject();
    json->Key("statusCode");
    json->String(error.code);
    json->Key("message");
    json->String(error.message);
    json->Key("fields");
    json->BeginArray();
    for (const std::string& field : error.fields) json->String(field);
    json->EndArray();
    json->EndObject();
  }
  json->EndArray();
  if (with_created) {
    json->Key("created");
    json->Bool(result.success() && result.created);
  }
  json->EndObject();
}

HttpResponse SaveErrorResponse(const std::vector<SaveError>& errors) {
  std::string body;
  JsonWriter json(&body);
  json.BeginArray();
  for (const SaveError& error : errors) {
    json.BeginObject();
    json.Key("message");
    json.String(error.message);
    json.Key("errorCode");
    json.String(error.code);
    if (error.single_shows_fields) {
      json.Key("fields");
      json.BeginArray();
      for (const std::string& field : error.fields) json.String(field);
      json.EndArray();
    }
    json.EndObject();
  }
  json.EndArray();
  return JsonResponse(errors.empty() ? 400 : errors.front().http_status, std::move(body));
}

}  // namespace sfsync::emulator
