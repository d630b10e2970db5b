// One constructor per OAuth flow. NewTokenProvider (auth.h) picks one by OAuthSettings::flow.
// Each flow builds its token request (oauth_token.h) and hands it to a SessionCache
// (session_cache.h), which owns caching, proactive renewal and shared renewal.
#pragma once

#include <memory>

#include "connectors/salesforce/auth.h"

namespace sfsync::salesforce {

// grant_type=refresh_token (§1.5). Uses settings.refresh_token until a response rotates it, then
// the new one (and tells settings.on_refresh_token_rotated).
StatusOr<std::unique_ptr<TokenProvider>> NewRefreshTokenProvider(const OAuthSettings& settings,
                                                                 HttpTransport* transport, Clock* clock);

}  // namespace sfsync::salesforce
