// A RestClient logged in to a FakeTransport's org (test-only): the token endpoint answers the
// refresh_token grant with a session on kInstanceUrl, so tests script only the data calls.
#pragma once

#include <memory>

#include "connectors/salesforce/auth/auth.h"
#include "connectors/salesforce/http/rest_client.h"
#include "connectors/salesforce/testing/fake_org.h"
#include "connectors/salesforce/testing/fake_transport.h"

namespace sfsync::salesforce::testing {

struct FakeSession {
  std::unique_ptr<TokenProvider> tokens;
  std::unique_ptr<RestClient> client;
};

// Routes POST kTokenUrl on `fake` and returns a client of that org. `fake` and `clock` must
// outlive the session.
inline FakeSession NewFakeSession(FakeTransport* fake, Clock* clock, RestOptions options = {}) {
  fake->On("POST", kTokenUrl).Then(JsonResponse(200, TokenBody("00Dxx!token-1")));
  OAuthSettings oauth;
  oauth.flow = "refresh_token";
  oauth.login_url = kLoginUrl;
  oauth.client_id = "3MVG9client";
  oauth.refresh_token = "5Aep861refresh";
  FakeSession session;
  session.tokens = std::move(NewTokenProvider(oauth, fake, clock).value());
  session.client = std::make_unique<RestClient>(fake, session.tokens.get(), clock, std::move(options));
  return session;
}

}  // namespace sfsync::salesforce::testing
