// The test-control API under /__emulator/ (a path Salesforce never uses). It needs no auth
// and is never counted as API calls. Integration tests depend on this contract (README):
//
//   GET    /__emulator/health                            200 {"ok":true}
//   POST   /__emulator/records/{Object}                  [{Field: value}, ...] -> 201 {"ids":[...]}
//   POST   /__emulator/generate                          {"object","count","SystemModstamp"?}
//                                                        -> 201 {"ids_first","ids_last","count"}
//   PATCH  /__emulator/records/{Object}/{Id}             {Field: value} -> 204
//   DELETE /__emulator/records/{Object}/{Id}[?hard=true] 204 (soft delete, or purge)
//   POST   /__emulator/records/{Object}/{Id}/undelete    204
//   GET    /__emulator/records/{Object}?deleted=exclude|include|only   200 [records by Id]
//   GET    /__emulator/clock                             200 {"now":...}
//   POST   /__emulator/clock                             {"advance_seconds":N} -> 200 {"now":...}
//   GET    /__emulator/stats                             200 {"api_calls":N, ...}
//   POST   /__emulator/sessions/expire                   204
//   GET    /__emulator/writes[?after=SEQ]                200 [write entries, oldest first] (write_log.h)
//   DELETE /__emulator/writes                            204: the write log is emptied
//
// plus the schema, purge and delete-log endpoints of admin_schema_api.h and the validation
// rules and required fields of admin_rules_api.h.
//
// Errors are 400 (bad JSON, unknown field, bad value) or 404 (unknown object, id or path)
// with {"message": "..."}. Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_ADMIN_API_H_
#define SFSYNC_TESTS_EMULATOR_API_ADMIN_API_H_

#include "tests/emulator/api/oauth_service.h"
#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

// An admin error: `status` with {"message": message}.
HttpResponse AdminError(int status, std::string message);

class AdminApi {
 public:
  // Every pointer must outlive the API.
  AdminApi(Org* org, EmulatorClock* clock, OAuthService* oauth, const Stats* stats);

  HttpResponse Handle(const HttpRequest& request);

  // Registers an admin endpoint owned by another part of the emulator (OAuth device codes,
  // faults). `pattern` starts with /__emulator/. Call before serving.
  void AddRoute(std::string method, std::string_view pattern, Router::Handler handler);

 private:
  HttpResponse InsertRecords(const HttpRequest& request, const PathParams& params);
  HttpResponse Generate(const HttpRequest& request);
  HttpResponse PatchRecord(const HttpRequest& request, const PathParams& params);
  HttpResponse DeleteRecord(const HttpRequest& request, const PathParams& params);
  HttpResponse Undelete(const PathParams& params);
  HttpResponse ListRecords(const HttpRequest& request, const PathParams& params);
  HttpResponse Clock(const HttpRequest& request);
  HttpResponse StatsJson() const;

  Org* org_;
  EmulatorClock* clock_;
  OAuthService* oauth_;
  const Stats* stats_;
  Router router_;
};

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_ADMIN_API_H_
