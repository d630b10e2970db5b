#include "engine/config/job_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "engine/config/soql_condition.h"
#include "engine/core/url.h"
#include "engine/scheduler/cron.h"

namespace sfsync::config {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct FlowRule {
  std::string_view flow;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

// Keys only some flows use. client_id, scopes and session_timeout_seconds apply to every flow.
const std::vector<FlowRule>& FlowRules() {
  static const std::vector<FlowRule> kRules = {
      {"jwt_bearer", {"username", "private_key_file"}, {"private_key_passphrase"}},
      {"refresh_token", {"refresh_token"}, {"client_secret"}},
      {"client_credentials", {"client_secret"}, {}},
      {"authorization_code", {}, {"client_secret", "redirect_uri"}},
      {"device", {}, {"client_secret"}},
  };
  return kRules;
}

constexpr std::string_view kFlowSpecificKeys[] = {"client_secret",          "refresh_token",    "username",
                                                  "private_key_file",       "private_key_passphrase",
                                                  "redirect_uri"};

std::string QuotedList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += "'" + items[i] + "'";
  }
  return out;
}

void CheckAuth(const Job& job, const JobDocument& doc, Diagnostics* diag) {
  const nlohmann::json& auth = doc.root.at("connection").at("auth");
  const std::string& flow = job.connection.auth.flow;
  const FlowRule* rule = nullptr;
  for (const FlowRule& r : FlowRules()) {
    if (r.flow == flow) rule = &r;
  }
  if (rule == nullptr) return;  // the schema's enum already refused it

  std::vector<std::string> missing;
  for (std::string_view key : rule->required) {
    if (!auth.contains(key)) missing.emplace_back(key);
  }
  if (!missing.empty()) {
    diag->AtKey(doc.source.Find("/connection/auth"),
                fmt::format("flow {}{} needs {}", flow, auth.contains("flow") ? "" : " (the default)",
                            QuotedList(missing)));
  }
  for (std::string_view key : kFlowSpecificKeys) {
    if (!auth.contains(key)) continue;
    auto& r = *rule;
    if (std::find(r.required.begin(), r.required.end(), key) != r.required.end() ||
        std::find(r.optional.begin(), r.optional.end(), key) != r.optional.end()) {
      continue;
    }
    std::vector<std::string> users;
    for (const FlowRule& other : FlowRules()) {
      if (std::find(other.required.begin(), other.required.end(), key) != other.required.end() ||
          std::find(other.optional.begin(), other.optional.end(), key) != other.optional.end()) {
        users.emplace_back(other.flow);
      }
    }
    diag->AtKey(doc.source.Find(ChildPointer("/connection/auth", key)),
                fmt::format("flow {}{} does not use this key; only {} do{}: remove it or set 'flow'", flow,
                            auth.contains("flow") ? "" : " (the default)", fmt::join(users, ", "),
                            users.size() == 1 ? "es" : ""));
  }

  if (flow == "client_credentials") {
    const std::string url = Lower(job.connection.login_url);
    if (url == "https://login.salesforce.com" || url == "https://test.salesforce.com") {
      diag->AtValue(doc.source.Find("/connection/login_url"),
                    "flow client_credentials needs your My Domain URL (https://<domain>.my.salesforce.com): "
                    "Salesforce refuses it on login.salesforce.com and test.salesforce.com");
    }
  }
}

void CheckObjects(const Job& job, const JobDocument& doc, Diagnostics* diag) {
  std::map<std::string, size_t> names;
  std::map<std::string, size_t> tables;
  for (size_t i = 0; i < job.objects.size(); ++i) {
    const ObjectConfig& o = job.objects[i];
    const std::string at = ChildPointer("/objects", i);
    const nlohmann::json& raw = doc.root.at("objects").at(i);
    auto line_of = [&](size_t index, const char* key) {
      return doc.source.Find(ChildPointer(ChildPointer("/objects", index), key)).value.line;
    };

    auto [name_seen, new_name] = names.emplace(Lower(o.name), i);
    if (!new_name) {
      diag->AtValue(doc.source.Find(at + "/name"),
                    fmt::format("object {} is listed twice (first on line {}); give each object one entry", o.name,
                                line_of(name_seen->second, "name")));
    } else {
      auto [table_seen, new_table] = tables.emplace(Lower(o.table), i);
      if (!new_table) {
        const size_t first = table_seen->second;
        diag->AtValue(doc.source.Find(at + (raw.contains("table") ? "/table" : "/name")),
                      fmt::format("table {} is already used by objects[{}] (line {}); set a different 'table'",
                                  o.table, first,
                                  line_of(first, doc.root.at("objects").at(first).contains("table") ? "table" : "name")));
      }
    }
    if (Lower(o.table).rfind("sqlite_", 0) == 0) {
      diag->AtValue(doc.source.Find(at + (raw.contains("table") ? "/table" : "/name")),
                    fmt::format("table name {} starts with sqlite_, which SQLite reserves; set a different 'table'",
                                o.table));
    }

    if (o.history && job.store.is_postgres()) {
      diag->AtValue(doc.source.Find(at + "/history"),
                    "history: true needs an SQLite store for now (PostgreSQL keeps no row versions yet)");
    }

    for (const char* key : {"external_id", "at_least_once_inserts"}) {
      if (raw.contains(key) && !o.push) {
        diag->AtKey(doc.source.Find(at + "/" + key), "applies only with push: true");
      }
    }
    if (o.push && !o.external_id.empty() && o.at_least_once_inserts) {
      diag->AtKey(doc.source.Find(at + "/at_least_once_inserts"),
                  "conflicts with external_id: inserts are upserted on it (exactly once); remove one of the two");
    }

    if (raw.contains("exclude")) {
      if (!o.all_fields) {
        diag->AtKey(doc.source.Find(at + "/exclude"), "applies only with fields: \"*\"; remove it or list the fields");
      } else {
        for (size_t k = 0; k < o.exclude.size(); ++k) {
          if (Lower(o.exclude[k]) == "id") {
            diag->AtValue(doc.source.Find(ChildPointer(at + "/exclude", k)),
                          "Id cannot be excluded: it is the key of every row");
          }
        }
      }
    }

    std::map<std::string, std::string> seen_fields;
    const size_t added_id = raw.at("fields").is_array() && raw.at("fields").size() < o.fields.size() ? 1 : 0;
    for (size_t k = added_id; k < o.fields.size(); ++k) {
      auto [first, inserted] = seen_fields.emplace(Lower(o.fields[k]), o.fields[k]);
      if (!inserted) {
        diag->AtValue(doc.source.Find(ChildPointer(at + "/fields", k - added_id)),
                      fmt::format("field {} is listed twice (as {} before; API names ignore case)", o.fields[k],
                                  first->second));
      }
    }

    std::string where = Lower(o.where);
    where.erase(0, where.find_first_not_of(" \t\n"));
    if (where.rfind("where", 0) == 0 && (where.size() == 5 || std::isspace(static_cast<unsigned char>(where[5])))) {
      diag->AtValue(doc.source.Find(at + "/where"), "write the condition without the WHERE keyword");
    } else if (std::string problem = ConditionProblem(o.where); !problem.empty()) {
      diag->AtValue(doc.source.Find(at + "/where"), std::move(problem));
    }
  }
}

}  // namespace

std::string LoginUrlProblem(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme_end == std::string_view::npos || (scheme != "https" && scheme != "http")) {
    return "must start with https:// (or http:// for a loopback host)";
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return "must not contain a user name or password";

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return "has an IPv6 host without its closing ']'";
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return "has text after the IPv6 host";
    if (!after.empty()) port = after.substr(1);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "has no host";
  if (host[0] != '[' && !std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
      })) {
    return fmt::format("has an invalid host name '{}'", host);
  }
  if (host.size() != authority.size()) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return fmt::format("has an invalid port '{}'", port);
    }
  }
  if (!tail.empty() && tail != "/") {
    return fmt::format("must be the login host only, without a path, query or fragment: remove '{}'", tail);
  }
  if (scheme == "http" && !IsLoopbackHost(host)) {
    return "plain http:// is accepted only for a loopback host (127.0.0.1, [::1], localhost); use https://";
  }
  return "";
}

namespace {

// What libpq makes of a URL query key: %XX escapes decoded (a malformed escape is kept as written).
std::string PercentDecoded(std::string_view s) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string PostgresUrlProblem(std::string_view url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    // Never echoed: a key=value string or another URL may hold a password.
    if (url.find("://") != std::string_view::npos) {
      return "must be a postgresql:// (or postgres://) URL: postgresql://user@host:port/database";
    }
    return "must be a URL, postgresql://user@host:port/database (key=value connection strings are not accepted)";
  }
  const std::string_view rest = url.substr(url.find("://") + 3);
  // libpq reads user info up to the first '@' before any '/' (a '?' does not stop it); a ':' in it
  // starts a password. The last '@' of the host part is checked too, for URLs libpq would misread.
  const size_t first_stop = rest.find_first_of("@/");
  const bool libpq_userinfo_password = first_stop != std::string_view::npos && rest[first_stop] == '@' &&
                                       rest.substr(0, first_stop).find(':') != std::string_view::npos;
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  const size_t last_at = authority.rfind('@');
  const bool authority_password =
      last_at != std::string_view::npos && authority.substr(0, last_at).find(':') != std::string_view::npos;
  bool query_password = false;
  if (const size_t query = rest.find('?'); query != std::string_view::npos) {
    std::string_view params = rest.substr(query + 1);
    while (!params.empty() && !query_password) {
      const size_t amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      query_password = Lower(PercentDecoded(param.substr(0, param.find('=')))) == "password";
      params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
    }
  }
  if (libpq_userinfo_password || authority_password || query_password) {
    return "plain-text secret in job file: the URL holds a password; leave it out and set store.password to "
           "${ENV_VAR} or file:PATH, or use PGPASSWORD or PGPASSFILE (~/.pgpass)";
  }
  return "";
}

namespace {

// store.postgres: a URL (not a key=value string) that carries no password.
void CheckStore(const Job& job, const JobDocument& doc, Diagnostics* diag) {
  const nlohmann::json& store = doc.root.at("store");
  if (store.contains("sqlite") == store.contains("postgres")) {
    diag->AtKey(doc.source.Find("/store"), store.contains("sqlite")
                                               ? "give store.sqlite or store.postgres, not both"
                                               : "needs store.sqlite (a database file) or store.postgres (a URL)");
    return;
  }
  if (!job.store.is_postgres()) {
    for (const char* key : {"schema", "password"}) {
      if (store.contains(key)) {
        diag->AtKey(doc.source.Find(std::string("/store/") + key), "applies only with store.postgres");
      }
    }
    return;
  }
  if (std::string problem = PostgresUrlProblem(job.store.postgres_url); !problem.empty()) {
    diag->AtValue(doc.source.Find("/store/postgres"), std::move(problem));
  }
}

}  // namespace

void CheckJob(const Job& job, const JobDocument& doc, Diagnostics* diag) {
  if (!job.schedule.empty()) {
    StatusOr<scheduler::CronSchedule> cron = scheduler::ParseCron(job.schedule);
    if (!cron.ok()) diag->AtValue(doc.source.Find("/schedule"), "invalid cron expression: " + cron.status().message());
  }
  if (std::string problem = LoginUrlProblem(job.connection.login_url); !problem.empty()) {
    diag->AtValue(doc.source.Find("/connection/login_url"), std::move(problem));
  }
  CheckAuth(job, doc, diag);
  CheckStore(job, doc, diag);
  CheckObjects(job, doc, diag);
}

}  // namespace sfsync::config
