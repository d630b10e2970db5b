#include "engine/config/job_builder.h"

#include <filesystem>

namespace sfsync::config {
namespace {

using nlohmann::json;

std::string AbsolutePath(std::string_view base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
  return p.lexically_normal().string();
}

template <typename T>
void Set(const json& object, const char* key, T* out) {
  if (object.contains(key)) *out = object.at(key).get<T>();
}

void SetPath(const json& object, const char* key, std::string_view base_dir, std::string* out) {
  if (object.contains(key)) *out = AbsolutePath(base_dir, object.at(key).get<std::string>());
}

bool IsId(const std::string& field) {
  return field.size() == 2 && (field[0] == 'I' || field[0] == 'i') && (field[1] == 'D' || field[1] == 'd');
}

AuthConfig BuildAuth(const json& a, std::string_view base_dir) {
  AuthConfig auth;
  Set(a, "flow", &auth.flow);
  Set(a, "client_id", &auth.client_id);
  Set(a, "client_secret", &auth.client_secret);
  Set(a, "refresh_token", &auth.refresh_token);
  Set(a, "username", &auth.username);
  SetPath(a, "private_key_file", base_dir, &auth.private_key_file);
  Set(a, "private_key_passphrase", &auth.private_key_passphrase);
  Set(a, "scopes", &auth.scopes);
  Set(a, "redirect_uri", &auth.redirect_uri);
  Set(a, "session_timeout_seconds", &auth.session_timeout_seconds);
  return auth;
}

ObjectConfig BuildObject(const json& o) {
  ObjectConfig object;
  Set(o, "name", &object.name);
  object.table = object.name;
  Set(o, "table", &object.table);
  if (o.at("fields").is_string()) {
    object.all_fields = true;  // the schema allows only "*"
  } else {
    object.fields = o.at("fields").get<std::vector<std::string>>();
    bool has_id = false;
    for (const std::string& f : object.fields) has_id = has_id || IsId(f);
    if (!has_id) object.fields.insert(object.fields.begin(), "Id");
  }
  Set(o, "exclude", &object.exclude);
  Set(o, "where", &object.where);
  Set(o, "mode", &object.mode);
  Set(o, "deletes", &object.deletes);
  Set(o, "batch_size", &object.batch_size);
  Set(o, "min_rows_per_slice", &object.min_rows_per_slice);
  Set(o, "bulk_max_records", &object.bulk_max_records);
  Set(o, "formula_fields", &object.formula_fields);
  Set(o, "include_base64", &object.include_base64);
  Set(o, "api", &object.api);
  Set(o, "cursor_field", &object.cursor_field);
  Set(o, "push", &object.push);
  Set(o, "history", &object.history);
  Set(o, "external_id", &object.external_id);
  Set(o, "at_least_once_inserts", &object.at_least_once_inserts);
  return object;
}

// $XDG_STATE_HOME/sfsync, else $HOME/.local/state/sfsync (XDG Base Directory spec: a relative
// XDG_STATE_HOME is ignored).
std::optional<std::string> DefaultStateDir(const EnvLookup& env) {
  std::optional<std::string> xdg = env("XDG_STATE_HOME");
  if (xdg && !xdg->empty() && (*xdg)[0] == '/') return AbsolutePath("/", *xdg + "/sfsync");
  std::optional<std::string> home = env("HOME");
  if (home && !home->empty() && (*home)[0] == '/') return AbsolutePath("/", *home + "/.local/state/sfsync");
  return std::nullopt;
}

}  // namespace

std::optional<Job> BuildJob(const JobDocument& doc, std::string_view base_dir, const EnvLookup& env,
                            Diagnostics* diag) {
  const json& root = doc.root;
  Job job;
  Set(root, "version", &job.version);
  Set(root, "name", &job.name);
  job.name_at = doc.source.Find("/name").value;
  Set(root, "schedule", &job.schedule);
  Set(root, "settle_lag_seconds", &job.settle_lag_seconds);
  Set(root, "max_clock_skew_seconds", &job.max_clock_skew_seconds);
  Set(root, "push_conflicts", &job.push_conflicts);
  Set(root, "push_bulk_threshold", &job.push_bulk_threshold);
  Set(root, "max_api_calls", &job.max_api_calls);
  Set(root, "max_percent_of_daily", &job.max_percent_of_daily);
  Set(root, "catch_up", &job.catch_up);
  Set(root, "after", &job.after);
  Set(root, "keep_runs", &job.keep_runs);

  const json& c = root.at("connection");
  Set(c, "login_url", &job.connection.login_url);
  if (job.connection.login_url.size() > 1 && job.connection.login_url.back() == '/') {
    job.connection.login_url.pop_back();
  }
  Set(c, "api_version", &job.connection.api_version);
  SetPath(c, "ca_file", base_dir, &job.connection.ca_file);
  Set(c, "timeout_seconds", &job.connection.timeout_seconds);
  Set(c, "max_response_seconds", &job.connection.max_response_seconds);
  Set(c, "max_attempts", &job.connection.max_attempts);
  Set(c, "max_concurrent_requests", &job.connection.max_concurrent_requests);
  Set(c, "max_response_mb", &job.connection.max_response_mb);
  Set(c, "max_inflate_ratio", &job.connection.max_inflate_ratio);
  job.connection.auth = BuildAuth(c.at("auth"), base_dir);

  const json& store = root.at("store");
  if (store.contains("sqlite")) job.store.sqlite_path = AbsolutePath(base_dir, store.at("sqlite").get<std::string>());
  Set(store, "postgres", &job.store.postgres_url);
  Set(store, "schema", &job.store.postgres_schema);
  Set(store, "password", &job.store.postgres_password);
  const json& objects = root.at("objects");
  for (size_t i = 0; i < objects.size(); ++i) {
    job.objects.push_back(BuildObject(objects[i]));
    const char* table_key = objects[i].contains("table") ? "table" : "name";
    job.objects.back().table_at = doc.source.Find(ChildPointer(ChildPointer("/objects", i), table_key)).value;
  }

  if (root.contains("state_dir")) {
    job.state_dir = AbsolutePath(base_dir, root.at("state_dir").get<std::string>());
  } else if (std::optional<std::string> dir = DefaultStateDir(env)) {
    job.state_dir = *dir;
  } else {
    diag->AtKey(doc.source.Find(""),
                "no state_dir, and neither XDG_STATE_HOME nor HOME is set to an absolute path: set state_dir");
    return std::nullopt;
  }
  return job;
}

}  // namespace sfsync::config
