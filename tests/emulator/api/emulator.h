// The emulator application: one HttpHandler that owns the org, the OAuth service and the
// admin API, and routes every request.
//
// Request pipeline (Handle, or the login host's handler):
//   /__emulator/...          -> AdminApi (no auth, not counted)
//   /services/oauth2/..., /id/... -> OAuthService (not counted)
//   GET /services/data       -> version list (no auth, no Sforce-Limit-Info)
//   /services/data/vXX.X/... -> Rest(): on a separate login host 401; authenticate (401, also
//                               for a token without the `api` scope) -> meter against the API
//                               quota (403 when spent) -> route (404/405/handler) ->
//                               Sforce-Limit-Info
// Fault injection comes first for every request but the admin API's: a fired fault answers in
// place of the handler, or changes how the handler's answer reaches the client.
//
// Thread-safe: connection threads call Handle() concurrently.
#ifndef SFSYNC_TESTS_EMULATOR_API_EMULATOR_H_
#define SFSYNC_TESTS_EMULATOR_API_EMULATOR_H_

#include <memory>
#include <mutex>
#include <string>

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/host.h"
#include "tests/emulator/api/oauth_service.h"
#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/config.h"
#include "tests/emulator/faults/fault_injector.h"
#include "tests/emulator/net/http_server.h"

namespace sfsync::emulator {

class Emulator : public HttpHandler {
 public:
  // Builds and seeds the org. Returns null and fills `error` on failure.
  static std::unique_ptr<Emulator> Create(const EmulatorConfig& config, std::string* error);

  // The base URL clients reach the emulator at (`http://127.0.0.1:PORT`): the token
  // response's instance_url and identity host. Call once the server is listening.
  void SetBaseUrl(std::string base_url) { SetUrls(base_url, base_url); }
  // With a separate login host (--my-domain-port): the login host's URL (identity URL, JWT
  // audience) and the My Domain URL (instance_url, describe URLs).
  void SetUrls(std::string login_url, std::string my_domain_url);

  // Serves the org's My Domain (the only host without --my-domain-port).
  HttpResponse Handle(const HttpRequest& request) override { return HandleOn(Host::kMyDomain, request); }
  // The handler for a separate login-host listener.
  HttpHandler* login_host() { return &login_host_; }

  EmulatorClock& clock() { return clock_; }

 private:
  class LoginHost : public HttpHandler {
   public:
    explicit LoginHost(Emulator* emulator) : emulator_(emulator) {}
    HttpResponse Handle(const HttpRequest& request) override { return emulator_->HandleOn(Host::kLogin, request); }

   private:
    Emulator* emulator_;
  };

  explicit Emulator(const EmulatorConfig& config);

  HttpResponse HandleOn(Host host, const HttpRequest& request);
  // Everything but the admin API and fault injection.
  HttpResponse Route(Host host, const HttpRequest& request);
  // emulator_faults.cc: answers `request` as the fired faults say.
  HttpResponse InjectFault(const FaultInjector::Decision& fault, Host host, const HttpRequest& request);
  // `instead`, when given, answers in place of the route (a fault that still goes through
  // authentication and metering).
  HttpResponse Rest(Host host, const HttpRequest& request, const Router::Handler* instead = nullptr);
  // The REST handler for `request` (or `instead`), once authorized and counted; composite
  // subrequests come here directly.
  HttpResponse Dispatch(const HttpRequest& request, const Router::Handler* instead);
  HttpResponse Versions() const;
  HttpResponse GlobalDescribe(const HttpRequest& request, const PathParams& params);
  HttpResponse Describe(const HttpRequest& request, const PathParams& params);
  // `stuck`: the cursor never advances (fault injection, QueryService::RunStuck and Stick).
  HttpResponse Query(const HttpRequest& request, const PathParams& params, bool include_deleted, bool stuck = false);
  HttpResponse QueryMore(const HttpRequest& request, const PathParams& params, bool stuck = false);
  HttpResponse Limits();
  HttpResponse ResourceDirectory(const HttpRequest& request, const PathParams& params);
  // 304 when If-Modified-Since is at or after the schema's last change; else null.
  std::optional<HttpResponse> NotModified(const HttpRequest& request) const;

  const EmulatorConfig config_;
  EmulatorClock clock_;
  Org org_;
  Stats stats_;
  std::unique_ptr<OAuthService> oauth_;
  std::unique_ptr<AdminApi> admin_;
  LoginHost login_host_{this};
  FaultInjector faults_;
  Router rest_;
  std::mutex usage_mu_;
  int64_t api_used_ = 0;  // guarded by usage_mu_
  std::mutex base_url_mu_;
  std::string base_url_;  // guarded by base_url_mu_
};

// The API versions the emulator serves (v31.0 .. v66.0, as versions_services_data.json).
bool IsSupportedApiVersion(std::string_view version);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_EMULATOR_H_
