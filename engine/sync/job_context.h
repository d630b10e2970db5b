// What running or auditing a job needs, set up in the order that keeps refusals harmless:
// authenticate first (an org that refuses the credentials leaves nothing written), then take the
// job's lock and open its store. Then describe (through the describe cache) and plan objects.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/http/http_transport.h"
#include "connectors/salesforce/http/rest_client.h"
#include "engine/config/job.h"
#include "engine/core/clock.h"
#include "engine/store/store.h"
#include "engine/sync/planner.h"
#include "engine/sync/run_lock.h"

namespace sfsync::sync {

// The job's connection as the OAuth layer wants it, its token store under the job's state_dir
// (also used by `sfsync auth`).
salesforce::OAuthSettings ToOAuthSettings(const config::Job& job);

class JobContext {
 public:
  // `job`, `transport` and `clock` must outlive the context.
  JobContext(const config::Job& job, salesforce::HttpTransport* transport, Clock* clock);

  // Obtains a session (kUnauthenticated with an auth.* reason when refused) and creates the client.
  Status Authenticate();
  // REQUIRES: Authenticate() succeeded. Takes the job's run lock (reason "run.locked" when another
  // run holds it) and opens the SQLite store.
  Status OpenStore();

  // A client of the same session, options and request cap (RequestGate) as client(), counting its
  // own API calls: one per object synced in parallel. REQUIRES: Authenticate() succeeded.
  std::unique_ptr<salesforce::RestClient> NewClient() const;

  // nullptr before Authenticate() / OpenStore() succeeded.
  salesforce::RestClient* client() const { return client_.get(); }
  store::Store* store() const { return store_.get(); }

  // REQUIRES: OpenStore() succeeded. Describes `object` once per context, conditionally on the
  // describe cached for `table` (protocol §4.3): a 304 reuses the cached body. Each table keeps its
  // own cache (store.h), since jobs sharing a database may read other orgs or API versions.
  StatusOr<salesforce::SObjectInfo> Describe(const std::string& table, const std::string& object);
  // Describes and plans one of the job's objects.
  StatusOr<ObjectPlan> Plan(const config::ObjectConfig& config);

  // A plan from the describes cached for the object's table, without a call, and the cached
  // describes it used: {object, Last-Modified}. kNotFound when one is not cached (or has no
  // Last-Modified to ask If-Modified-Since with).
  struct CachedPlan {
    ObjectPlan plan;
    std::vector<std::pair<std::string, int64_t>> describes;
  };
  StatusOr<CachedPlan> PlanFromCache(const config::ObjectConfig& config);
  // The server said `object`'s describe has not changed since the one cached for `table` (304):
  // later Describe/Plan calls use the cached one without asking again.
  Status AcceptCachedDescribe(const std::string& table, const std::string& object);

  // The org the session belongs to (00D..., from its identity URL); empty when it cannot be told.
  const std::string& org_id() const { return org_id_; }

 private:
  const config::Job& job_;
  salesforce::HttpTransport* transport_;
  Clock* clock_;
  std::unique_ptr<salesforce::TokenProvider> tokens_;
  salesforce::RestOptions rest_options_;
  std::unique_ptr<salesforce::RestClient> client_;
  std::unique_ptr<RunLock> lock_;
  std::unique_ptr<store::Store> store_;
  struct Described {
    salesforce::SObjectInfo info;
    store::CachedDescribe cached;
  };
  // Describes `object` conditionally on `table`'s cached describe and updates that cache.
  StatusOr<Described> DescribeForTable(const std::string& table, const std::string& object);

  std::map<std::string, Described> describes_;  // by object: a job reads one org with one API version
  std::set<std::pair<std::string, std::string>> current_;  // (lower-case table, object) caches up to date
  std::string org_id_;
};

// The table a job's object fills: `table:` or the object's name (SQLite compares names
// case-insensitively).
std::string TableFor(const config::ObjectConfig& config);

// The org id in an identity URL ".../id/00D.../005...", or "" when there is none.
std::string OrgIdFromIdentityUrl(const std::string& id_url);

}  // namespace sfsync::sync
