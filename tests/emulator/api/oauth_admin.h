// Admin endpoints of the OAuth server (README "Admin API"):
//
//   GET  /__emulator/oauth/device   200 [{"user_code","status":"pending|approved|denied","scope"}]
//   POST /__emulator/oauth/device   {"user_code":"...","action":"approve|deny","username"?:"..."}
//                                   -> 204; 404 when no pending code has that user_code;
//                                   400 for a bad body or an unknown/inactive username
#ifndef SFSYNC_TESTS_EMULATOR_API_OAUTH_ADMIN_H_
#define SFSYNC_TESTS_EMULATOR_API_OAUTH_ADMIN_H_

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/api/oauth_service.h"

namespace sfsync::emulator {

// `oauth` must outlive `admin`.
void AddOAuthAdminRoutes(AdminApi* admin, OAuthService* oauth);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_OAUTH_ADMIN_H_
