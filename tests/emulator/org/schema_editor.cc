#include "tests/emulator/org/schema_editor.h"

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "tests/emulator/time_util.h"

namespace sfsync::emulator {
namespace {

bool IsNumber(FieldType type) {
  return type == FieldType::kDouble || type == FieldType::kCurrency || type == FieldType::kPercent ||
         type == FieldType::kInt;
}

// Types whose values are free text (what a text field can become and come from).
bool IsText(FieldType type) { return IsTextual(type) || type == FieldType::kTextArea; }

// Field kinds Setup will not convert from or to.
bool Fixed(FieldType type) {
  return type == FieldType::kBoolean || type == FieldType::kReference || type == FieldType::kId ||
         type == FieldType::kBase64 || IsCompound(type);
}

std::string_view SqlType(const FieldDef& field) {
  switch (field.storage()) {
    case Storage::kInteger:
    case Storage::kDateTime:
      return "INTEGER";
    case Storage::kReal:
      return "REAL";
    default:
      return "TEXT";
  }
}

// The first `length` characters (not bytes) of UTF-8 `text`.
std::string CutToLength(std::string text, int length) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == static_cast<size_t>(length)) {
      text.resize(i);
      break;
    }
  }
  return text;
}

std::string NumberText(double value) {
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// `value` (stored form of type `from`) as the stored form of `to`, or null where Salesforce
// would lose it.
Value Convert(const Value& value, FieldType from, const FieldDef& to) {
  if (std::holds_alternative<std::monostate>(value)) return value;
  const auto* text = std::get_if<std::string>(&value);
  if (IsText(to.type)) {
    std::string out;
    if (text != nullptr) {
      out = *text;
    } else if (from == FieldType::kDateTime) {
      out = FormatDateTime(std::get<int64_t>(value));
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      out = std::to_string(*i);
    } else {
      out = NumberText(std::get<double>(value));
    }
    return CutToLength(std::move(out), to.length);
  }
  if (IsNumber(to.type)) {
    std::optional<double> number;
    if (IsNumber(from)) {
      number = std::holds_alternative<double>(value) ? std::get<double>(value)
                                                     : static_cast<double>(std::get<int64_t>(value));
    } else if (text != nullptr && IsText(from)) {
      number = ParseNumber(*text);
    }
    if (!number) return std::monostate{};
    double scale = std::pow(10.0, to.scale);
    return std::round(*number * scale) / scale;
  }
  switch (to.type) {
    case FieldType::kDate: {
      int64_t days;
      if (from == FieldType::kDateTime) {
        int64_t ms = std::get<int64_t>(value);
        std::string date;
        AppendDate(&date, (ms - ((ms % kMillisPerDay) + kMillisPerDay) % kMillisPerDay) / kMillisPerDay);
        return date;
      }
      if (text != nullptr && ParseDate(*text, &days)) return *text;
      return std::monostate{};
    }
    case FieldType::kDateTime: {
      int64_t result;
      if (from == FieldType::kDate && text != nullptr && ParseDate(*text, &result)) {
        return result * kMillisPerDay;
      }
      if (text != nullptr && ParseDateTime(*text, &result)) return result;
      return std::monostate{};
    }
    case FieldType::kTime: {
      std::string canonical;
      if (text != nullptr && ParseTime(*text, &canonical)) return canonical;
      return std::monostate{};
    }
    default:
      return std::monostate{};
  }
}

}  // namespace

bool CanChangeType(FieldType from, FieldType to) {
  if (Fixed(from) || Fixed(to) || to == FieldType::kInt) return false;
  return true;
}

std::string SchemaEditor::AddField(const ObjectDef& object, FieldDef field) {
  std::string error;
  if (!field.name.ends_with("__c")) return "custom field names end in __c";
  if (object.FindField(field.name) != nullptr) return "field " + field.name + " already exists";
  if (IsCompound(field.type) || field.type == FieldType::kId) {
    return "fields of type " + std::string(TypeName(field.type)) + " cannot be added";
  }
  store_->ForgetObject(object.name);
  // Existing rows get null, except checkboxes, which are never null (false).
  std::string sql = "ALTER TABLE " + QuoteIdentifier(object.name) + " ADD COLUMN " + QuoteIdentifier(field.name) + " " +
                    std::string(SqlType(field)) + (field.type == FieldType::kBoolean ? " NOT NULL DEFAULT 0" : "");
  if (!Exec(store_->db(), sql, &error)) return error;
  ObjectDef changed = object;
  changed.fields.push_back(std::move(field));
  schema_->Replace(std::move(changed));
  return "";
}

std::string SchemaEditor::ChangeField(const ObjectDef& object, FieldDef changed) {
  const FieldDef* old = object.FindField(changed.name);
  if (old == nullptr) return "no field " + changed.name + " on " + object.name;
  if (!old->custom || old->calculated() || !old->compound_field_name.empty()) {
    return "only custom, non-formula, non-compound fields can change type";
  }
  if (!CanChangeType(old->type, changed.type)) {
    return "cannot change " + old->name + " from " + std::string(TypeName(old->type)) + " to " +
           std::string(TypeName(changed.type));
  }
  sqlite3* db = store_->db();
  std::string table = QuoteIdentifier(object.name);
  std::string column = QuoteIdentifier(old->name);
  std::string temp = QuoteIdentifier(old->name + "_sfsync_retype");
  std::string error;
  store_->ForgetObject(object.name);
  if (!Exec(db, "SAVEPOINT retype", &error)) return error;
  auto rollback = [&](std::string why) {
    std::string ignored;
    Exec(db, "ROLLBACK TO retype; RELEASE retype", &ignored);
    return why;
  };
  if (!Exec(db, "ALTER TABLE " + table + " ADD COLUMN " + temp + " " + std::string(SqlType(changed)), &error)) {
    return rollback(error);
  }
  {
    Statement read(db, "SELECT _row, " + column + " FROM " + table);
    Statement write(db, "UPDATE " + table + " SET " + temp + " = ? WHERE _row = ?");
    while (read.Step() == SQLITE_ROW) {
      Value value;
      switch (sqlite3_column_type(read.get(), 1)) {
        case SQLITE_INTEGER:
          value = sqlite3_column_int64(read.get(), 1);
          break;
        case SQLITE_FLOAT:
          value = sqlite3_column_double(read.get(), 1);
          break;
        case SQLITE_TEXT:
          value = std::string(reinterpret_cast<const char*>(sqlite3_column_text(read.get(), 1)));
          break;
        default:
          break;
      }
      write.Bind(1, Convert(value, old->type, changed));
      write.Bind(2, sqlite3_column_int64(read.get(), 0));
      if (write.Step() != SQLITE_DONE) return rollback(sqlite3_errmsg(db));
      write.Reset();
    }
  }
  if (!Exec(db, "ALTER TABLE " + table + " DROP COLUMN " + column, &error) ||
      !Exec(db, "ALTER TABLE " + table + " RENAME COLUMN " + temp + " TO " + column, &error) ||
      !Exec(db, "RELEASE retype", &error)) {
    return rollback(error);
  }
  ObjectDef edited = object;
  for (FieldDef& f : edited.fields) {
    if (f.name == changed.name) f = std::move(changed);
  }
  schema_->Replace(std::move(edited));
  return "";
}

std::string SchemaEditor::DropField(const ObjectDef& object, const std::string& name) {
  const FieldDef* field = object.FindField(name);
  if (field == nullptr) return "no field " + name + " on " + object.name;
  if (!field->custom || !field->compound_field_name.empty() || IsCompound(field->type)) {
    return "only custom, non-compound fields can be deleted";
  }
  std::string reference = "{t}." + QuoteIdentifier(field->name);
  for (const FieldDef& f : object.fields) {
    if (f.formula_sql.find(reference) != std::string::npos) {
      return "field " + field->name + " is referenced by the formula field " + f.name;
    }
  }
  std::string error;
  store_->ForgetObject(object.name);
  if (field->stored() &&
      !Exec(store_->db(),
            "ALTER TABLE " + QuoteIdentifier(object.name) + " DROP COLUMN " + QuoteIdentifier(field->name), &error)) {
    return error;
  }
  ObjectDef edited = object;
  std::erase_if(edited.fields, [&](const FieldDef& f) { return f.name == field->name; });
  schema_->Replace(std::move(edited));
  return "";
}

std::string SchemaEditor::SetRequired(const ObjectDef& object, const std::string& name, bool required) {
  const FieldDef* field = object.FindField(name);
  if (field == nullptr) return "no field " + name + " on " + object.name;
  if (field->type == FieldType::kBoolean || field->calculated() || IsCompound(field->type) ||
      field->type == FieldType::kId || field->derived_full_name || !field->createable || !field->updateable) {
    return "field " + field->name + " cannot be made required or optional (checkbox, formula, compound or read-only)";
  }
  ObjectDef edited = object;
  for (FieldDef& f : edited.fields) {
    if (f.name != field->name) continue;
    f.nillable = !required;
  }
  store_->ForgetObject(object.name);
  schema_->Replace(std::move(edited));
  return "";
}

}  // namespace sfsync::emulator
