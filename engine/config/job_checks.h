// Checks a built Job for what the schema cannot express:
//  - schedule parses as cron (engine/scheduler/cron.h);
//  - login_url is https, or http only for a loopback host (127.0.0.0/8, [::1], localhost); it has
//    a host and no user info, path, query or fragment;
//  - the auth flow has the keys it needs and no keys it would ignore; client_credentials is not
//    pointed at login.salesforce.com or test.salesforce.com (Salesforce refuses it there, protocol
//    §1.1 / §1.7);
//  - object names and table names are unique, ignoring case (as Salesforce and SQLite do); tables
//    do not start with sqlite_;
//  - fields are unique ignoring case; exclude appears only with fields: "*" and never names Id;
//    where does not start with the WHERE keyword and stays inside the parentheses the engine puts
//    around it (soql_condition.h);
//  - store names exactly one of sqlite and postgres (schema and password only with postgres);
//    store.postgres is a postgresql:// or postgres:// URL (not a key=value string) holding no
//    password, in its user info or its query; no object has push: true on a PostgreSQL store (not
//    supported yet).
#pragma once

#include <string>
#include <string_view>

#include "engine/config/diagnostics.h"
#include "engine/config/job.h"
#include "engine/config/yaml_document.h"

namespace sfsync::config {

// Adds an error to `diag` for each problem, located through `doc`.
void CheckJob(const Job& job, const JobDocument& doc, Diagnostics* diag);

// What is wrong with a login URL, or "" when it is acceptable.
std::string LoginUrlProblem(std::string_view url);

// What is wrong with a store.postgres URL, or "" when it is acceptable. Never quotes the URL.
std::string PostgresUrlProblem(std::string_view url);

}  // namespace sfsync::config
