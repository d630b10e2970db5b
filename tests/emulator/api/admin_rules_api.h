// Admin endpoints for the checks a real org adds to saves (README "Admin API"):
//
//   GET    /__emulator/rules/{Object}             200 [rule, ...]
//   POST   /__emulator/rules/{Object}             {"name","field","condition","value"?,"message",
//                                                  "errorLocation"?} -> 201 {"name"} (validation_rules.h)
//   DELETE /__emulator/rules/{Object}             204: the object's rules are removed
//   POST   /__emulator/schema/{Object}/required   {"field":"Phone","required":true|false} -> 204
//
// Rules apply to every later save through the REST write surfaces (record_saver.h); making a
// field required changes describe (`nillable`, Last-Modified) as Setup would. Errors: 400
// {"message"} for a bad body, 404 for an unknown object or field.
#ifndef SFSYNC_TESTS_EMULATOR_API_ADMIN_RULES_API_H_
#define SFSYNC_TESTS_EMULATOR_API_ADMIN_RULES_API_H_

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

// `org` and `clock` must outlive the router.
void AddRulesAdminRoutes(Router* router, Org* org, EmulatorClock* clock);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_ADMIN_RULES_API_H_
