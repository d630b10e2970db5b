#include "tests/emulator/api/resource_directory.h"

#include "tests/emulator/api/sobject_rows.h"
#include "tests/emulator/json_writer.h"

namespace sfsync::emulator {
namespace {

// The keys and order of the REST API Developer Guide's example response for v60.0 ("List
// Available REST Resources", developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
// dome_discoveryresource.htm); the v66.0 edition of the same page adds `async` after
// `compactLayouts`. `identity` is a full URL, not a path.
// clang-format off
constexpr std::string_view kResources[] = {
    "tooling", "metadata", "eclair", "folders", "prechatForms", "contact-tracing", "jsonxform", "chatter",
    "payments", "tabs", "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics",
    "search", "smartdatadiscovery", "identity", "composite", "parameterizedSearch", "fingerprint", "theme",
    "nouns", "domino", "event", "serviceTemplates", "recent", "connect", "licensing", "limits", "process",
    "dedupe", "async-queries", "query", "jobs", "localizedvalue", "mobile", "emailConnect", "consent",
    "tokenizer", "compactLayouts", "async", "sobjects", "actions", "support"};
// clang-format on
constexpr int kAsyncSince = 66;  // the first version whose recorded directory lists `async`

}  // namespace

std::string ResourceDirectoryJson(std::string_view version, std::string_view identity_url) {
  int major = ApiMajorVersion(version);
  std::string prefix = "/services/data/" + std::string(version) + "/";
  std::string body;
  JsonWriter json(&body);
  json.BeginObject();
  for (std::string_view name : kResources) {
    if (name == "async" && major < kAsyncSince) continue;
    json.Key(name);
    json.String(name == "identity" ? std::string(identity_url) : prefix + std::string(name));
  }
  json.EndObject();
  return body;
}

}  // namespace sfsync::emulator
