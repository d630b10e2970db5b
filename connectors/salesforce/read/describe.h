// The parts of an sObject describe (protocol §4.2) that sfsync uses, parsed from the REST JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/statusor.h"

namespace sfsync::salesforce {

struct FieldInfo {
  std::string name;  // canonical API name, e.g. "AccountId"
  std::string label;
  std::string type;  // describe "type" in lower case: string, reference, datetime, address, ...
  std::string soap_type;
  int64_t length = 0;
  int64_t precision = 0;
  int64_t scale = 0;
  int64_t digits = 0;
  bool nillable = true;
  bool createable = false;
  bool updateable = false;
  bool calculated = false;  // formula or roll-up
  bool external_id = false;
  bool id_lookup = false;
  bool unique = false;
  bool filterable = true;
  bool custom = false;
  bool deprecated_and_hidden = false;
  std::vector<std::string> reference_to;  // several for polymorphic lookups
  // A lookup that can point at several objects (Owner -> User or Queue, What, Who). Its parent fields
  // go through Salesforce's polymorphic Name object, which has no change stamp (protocol §2.3).
  bool polymorphic_foreign_key = false;
  bool polymorphic() const { return polymorphic_foreign_key || reference_to.size() > 1; }
  std::string relationship_name;          // "Account" for AccountId; empty when none
  std::string compound_field_name;        // "BillingAddress" for BillingCity; empty when none
};

struct SObjectInfo {
  std::string name;
  std::string label;
  std::string key_prefix;
  bool custom = false;
  bool queryable = false;
  bool replicateable = false;
  bool retrieveable = false;
  bool createable = false;
  bool updateable = false;
  bool deletable = false;
  std::vector<FieldInfo> fields;  // in describe order

  // Case-insensitive lookup by API name; nullptr when absent.
  const FieldInfo* Field(std::string_view name) const;
  // Case-insensitive lookup of the reference field whose relationshipName is `relationship`.
  const FieldInfo* Relationship(std::string_view relationship) const;
};

// Parses GET /sobjects/{Name}/describe. InvalidArgument/DataLoss on malformed JSON or missing keys.
StatusOr<SObjectInfo> ParseDescribe(std::string_view json);

}  // namespace sfsync::salesforce
