#include "engine/config/schema_validator.h"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "engine/config/job.h"
#include "engine/config/job_loader.h"
#include "engine/config/test_env.h"

namespace sfsync::config {
namespace {

using ordered_json = nlohmann::ordered_json;

const char* kValidJob =
    "version: 1\n"
    "name: demo\n"
    "connection:\n"
    "  login_url: https://login.salesforce.com\n"
    "  auth:\n"
    "    client_id: abc\n"
    "store:\n"
    "  sqlite: demo.db\n"
    "objects:\n"
    "  - name: Account\n"
    "    fields: [Id, Name]\n";

// The diagnostics for `yaml` (no references resolved), or "" when it is schema-valid.
std::string Validate(const std::string& yaml) {
  Diagnostics diag("job.yaml");
  std::optional<JobDocument> doc = ParseYamlDocument(yaml, &diag);
  REQUIRE_MESSAGE(doc, diag.ToStatus().message());
  ValidateAgainstSchema(*doc, &diag);
  return diag.empty() ? "" : diag.ToStatus().message();
}

// kValidJob with `from` replaced by `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string yaml = kValidJob;
  size_t at = yaml.find(from);
  REQUIRE(at != std::string::npos);
  return yaml.replace(at, from.size(), to);
}

// Visits every subschema; `named` is true for a key's or a definition's own subschema.
using Visitor = std::function<void(const ordered_json& schema, const std::string& where, bool named)>;
void ForEachSubschema(const ordered_json& node, const std::string& where, bool named, const Visitor& visit) {
  if (!node.is_object()) return;
  visit(node, where, named);
  for (const char* group : {"properties", "definitions"}) {
    if (!node.contains(group)) continue;
    for (const auto& [name, child] : node.at(group).items()) ForEachSubschema(child, where + "/" + name, true, visit);
  }
  if (node.contains("items")) ForEachSubschema(node.at("items"), where + "/items", false, visit);
  if (node.contains("oneOf")) {
    for (const auto& branch : node.at("oneOf")) ForEachSubschema(branch, where + "/oneOf", false, visit);
  }
}

TEST_CASE("the compiled-in schema is schemas/job.schema.json, and it loads") {
  std::ifstream in(std::string(SFSYNC_SOURCE_DIR) + "/schemas/job.schema.json", std::ios::binary);
  std::stringstream file;
  file << in.rdbuf();
  CHECK(JobSchemaJson() == file.str());
  CHECK(JobSchema().at("$schema") == "http://json-schema.org/draft-07/schema#");
  CHECK(Validate(kValidJob).empty());
}

TEST_CASE("the schema forbids unknown keys everywhere and describes every key") {
  ForEachSubschema(JobSchema(), "", true, [](const ordered_json& s, const std::string& where, bool named) {
    CAPTURE(where);
    if (s.contains("properties")) CHECK(s.at("additionalProperties") == false);
    if (named) CHECK(s.contains("description"));
  });
}

TEST_CASE("a subschema holding oneOf holds no other validation keyword (the phrasing relies on it)") {
  ForEachSubschema(JobSchema(), "", true, [](const ordered_json& s, const std::string& where, bool) {
    if (!s.contains("oneOf")) return;
    CAPTURE(where);
    for (const auto& [keyword, unused] : s.items()) {
      CHECK((keyword == "oneOf" || keyword == "description" || keyword == "errorMessage"));
    }
  });
}

TEST_CASE("the schema's defaults are the model's defaults") {
  const ordered_json& props = JobSchema().at("properties");
  const ordered_json& connection = props.at("connection").at("properties");
  const ordered_json& auth = connection.at("auth").at("properties");
  const ordered_json& object = JobSchema().at("definitions").at("object").at("properties");
  const Job job;
  const ConnectionConfig c;
  const AuthConfig a;
  const ObjectConfig o;
  CHECK(props.at("settle_lag_seconds").at("default") == job.settle_lag_seconds);
  CHECK(props.at("max_clock_skew_seconds").at("default") == job.max_clock_skew_seconds);
  CHECK(connection.at("api_version").at("default") == c.api_version);
  CHECK(connection.at("timeout_seconds").at("default") == c.timeout_seconds);
  CHECK(connection.at("max_attempts").at("default") == c.max_attempts);
  CHECK(connection.at("max_concurrent_requests").at("default") == c.max_concurrent_requests);
  CHECK(connection.at("max_response_mb").at("default") == c.max_response_mb);
  CHECK(connection.at("max_inflate_ratio").at("default") == c.max_inflate_ratio);
  CHECK(auth.at("flow").at("default") == a.flow);
  CHECK(auth.at("scopes").at("default") == ordered_json(a.scopes));
  CHECK(auth.at("redirect_uri").at("default") == a.redirect_uri);
  CHECK(auth.at("session_timeout_seconds").at("default") == a.session_timeout_seconds);
  CHECK(object.at("mode").at("default") == o.mode);
  CHECK(object.at("deletes").at("default") == o.deletes);
  CHECK(object.at("batch_size").at("default") == o.batch_size);
  CHECK(object.at("min_rows_per_slice").at("default") == o.min_rows_per_slice);
  CHECK(object.at("bulk_max_records").at("default") == o.bulk_max_records);
  CHECK(object.at("formula_fields").at("default") == o.formula_fields);
  CHECK(object.at("include_base64").at("default") == o.include_base64);
  CHECK(object.at("api").at("default") == o.api);
  CHECK(object.at("push").at("default") == o.push);
  CHECK(object.at("at_least_once_inserts").at("default") == o.at_least_once_inserts);
  CHECK(props.at("push_conflicts").at("default") == job.push_conflicts);
  CHECK(props.at("push_bulk_threshold").at("default") == job.push_bulk_threshold);
  CHECK(props.at("store").at("properties").at("schema").at("default") == StoreConfig().postgres_schema);
}

// Each case pins one kind of valijson 1.0 message to our phrasing: an upgrade that rewords
// valijson fails here rather than in front of users.
TEST_CASE("unknown keys list what is allowed and suggest a near miss") {
  CHECK(Validate(Edit("    fields:", "    feilds: [Email]\n    fields:")) ==
        "job.yaml:11:5: objects[0].feilds: unknown key 'feilds' (allowed: name, table, fields, exclude, where, "
        "mode, deletes, batch_size, min_rows_per_slice, bulk_max_records, formula_fields, include_base64, api, "
        "cursor_field, history, push, external_id, "
        "at_least_once_inserts); did you mean 'fields'?");
  // Every unknown key of a mapping is reported, not just the first.
  CHECK(Validate(Edit("store:\n", "colour: red\nstore:\n  zzz: 1\n")) ==
        "job.yaml:7:1: colour: unknown key 'colour' (allowed: version, name, schedule, connection, store, "
        "settle_lag_seconds, max_clock_skew_seconds, push_conflicts, push_bulk_threshold, max_api_calls, "
            "max_percent_of_daily, catch_up, after, keep_runs, state_dir, objects)\n"
        "job.yaml:9:3: store.zzz: unknown key 'zzz' (allowed: sqlite, postgres, schema, password)");
}

TEST_CASE("missing keys of one mapping are reported together at the mapping") {
  CHECK(Validate(Edit("  login_url: https://login.salesforce.com\n  auth:\n    client_id: abc\n", "  ca_file: x\n")) ==
        "job.yaml:3:1: connection: missing required keys 'login_url', 'auth'");
  CHECK(Validate(Edit("name: demo\n", "")) == "job.yaml:1:1: missing required key 'name'");
}

TEST_CASE("wrong types say what was expected and what was found") {
  CHECK(Validate(Edit("version: 1", "version: \"1\"")) == "job.yaml:1:10: version: expected an integer, got string \"1\"");
  CHECK(Validate(Edit("    fields: [Id, Name]", "    fields: [Id, Name]\n    batch_size: 2000.0")) ==
        "job.yaml:12:17: objects[0].batch_size: expected an integer, got number 2000.0");
  CHECK(Validate(Edit("  sqlite: demo.db", "  sqlite: [a, b]")) ==
        "job.yaml:8:11: store.sqlite: expected a string, got a list");
  CHECK(Validate(Edit("name: demo", "name: 2024")) ==
        "job.yaml:2:7: name: expected a string, got 2024 (put it in quotes)");
  CHECK(Validate(Edit("store:\n  sqlite: demo.db", "store:")) ==
        "job.yaml:7:1: store: expected a mapping of keys, got an empty value");
}

TEST_CASE("enums, ranges, patterns, empty strings, empty lists and repeats are explained") {
  CHECK(Validate(Edit("    fields: [Id, Name]", "    fields: [Id, Name]\n    api: soap")) ==
        "job.yaml:12:10: objects[0].api: must be one of rest, bulk, auto; got string \"soap\"");
  CHECK(Validate(Edit("store:", "settle_lag_seconds: 7200\nstore:")) ==
        "job.yaml:7:21: settle_lag_seconds: 7200 is above the maximum 3600");
  CHECK(Validate(Edit("store:", "settle_lag_seconds: -1\nstore:")) ==
        "job.yaml:7:21: settle_lag_seconds: -1 is below the minimum 0");
  CHECK(Validate(Edit("  auth:", "  api_version: \"60\"\n  auth:")) ==
        "job.yaml:5:16: connection.api_version: must be a quoted API version like \"60.0\"; got string \"60\"");
  CHECK(Validate(Edit("client_id: abc", "client_id: \"\"")) == "job.yaml:6:16: connection.auth.client_id: must not be empty");
  CHECK(Validate(Edit("    client_id: abc", "    client_id: abc\n    scopes: []")) ==
        "job.yaml:7:13: connection.auth.scopes: must list at least one entry");
  CHECK(Validate(Edit("    client_id: abc", "    client_id: abc\n    scopes: [api, web, api]")) ==
        "job.yaml:7:24: connection.auth.scopes[2]: string \"api\" is listed twice");
}

TEST_CASE("a failed oneOf is explained by the branch of the value's type, else by what was expected") {
  CHECK(Validate(Edit("fields: [Id, Name]", "fields: all")) ==
        "job.yaml:11:13: objects[0].fields: must be \"*\" or a list of field names; got string \"all\"");
  CHECK(Validate(Edit("fields: [Id, Name]", "fields: 5")) ==
        "job.yaml:11:13: objects[0].fields: must be \"*\" or a list of field names; got 5");
  CHECK(Validate(Edit("fields: [Id, Name]", "fields: [Id, \"Bad Name\"]")) ==
        "job.yaml:11:18: objects[0].fields[1]: must be a field API name or a parent path like Account.Name; got "
        "string \"Bad Name\"");
  CHECK(Validate(Edit("fields: [Id, Name]", "fields: []")) ==
        "job.yaml:11:13: objects[0].fields: must list at least one entry");
  CHECK(Validate(Edit("fields: [Id, Name]", "fields: [Id, Name, Id]")) ==
        "job.yaml:11:24: objects[0].fields[2]: string \"Id\" is listed twice");
}

TEST_CASE("several problems come one per line, sorted by position") {
  std::string yaml = Edit("version: 1", "version: x");
  yaml += "    mode: sometimes\n";
  yaml = yaml.replace(yaml.find("abc"), 3, "\"\"");
  CHECK(Validate(yaml) ==
        "job.yaml:1:10: version: expected an integer, got string \"x\"\n"
        "job.yaml:6:16: connection.auth.client_id: must not be empty\n"
        "job.yaml:12:11: objects[0].mode: must be one of incremental, full; got string \"sometimes\"");
}

TEST_CASE("a secret's value is never shown, even when its type is wrong") {
  std::string message = Validate(Edit("    client_id: abc", "    client_id: abc\n    client_secret: [hunter2-abc]"));
  CHECK(message == "job.yaml:7:20: connection.auth.client_secret: expected a string, got a list");
  message = Validate(Edit("    client_id: abc", "    client_id: abc\n    refresh_token: 987654321"));
  CHECK(message == "job.yaml:7:20: connection.auth.refresh_token: expected a string, got a number");
}

}  // namespace
}  // namespace sfsync::config
