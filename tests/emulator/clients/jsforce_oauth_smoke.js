// Checks the emulator's OAuth server with an unmodified jsforce 3.x: the web-server flow with
// PKCE (jsforce makes the verifier and challenge), the token it gets works for queries and the
// identity URL, the refresh token refreshes, and revokeToken kills it.
//
//   scripts/install-deps              # jsforce 3.10.16 (clients/package-lock.json) into .deps/node
//   ctest --test-dir build -R 'third-party client'   # or by hand:
//   tests/emulator/clients/run-check build/sfsync-emulator .deps/node/node_modules tests/emulator/clients/jsforce_oauth_smoke.js 300
//
// Exits non-zero on the first mismatch.
const assert = require('assert');
const jsforce = require('jsforce');

(async () => {
  const base = process.argv[2];
  const oauth2 = new jsforce.OAuth2({
    loginUrl: base,
    clientId: 'sfsync-emulator-client-id',
    clientSecret: 'sfsync-emulator-client-secret',
    redirectUri: 'http://127.0.0.1:1717/callback',
    useVerifier: true,
  });

  // a. The browser step: /authorize answers a redirect to the callback with code and state.
  const url = oauth2.getAuthorizationUrl({ scope: 'api refresh_token openid', state: 'smoke-state' });
  const redirect = await fetch(url, { redirect: 'manual' });
  assert.strictEqual(redirect.status, 302);
  const callback = new URL(redirect.headers.get('location'));
  assert.strictEqual(callback.origin + callback.pathname, 'http://127.0.0.1:1717/callback');
  assert.strictEqual(callback.searchParams.get('state'), 'smoke-state');

  // b. jsforce exchanges the code with its verifier.
  const conn = new jsforce.Connection({ oauth2, version: '60.0' });
  const user = await conn.authorize(callback.searchParams.get('code'));
  assert.ok(user.id.startsWith('005'), 'user id from the identity URL');
  assert.ok(conn.refreshToken, 'a refresh token for the refresh_token scope');
  assert.strictEqual(conn.instanceUrl, base);

  // c. The token works; so does the identity URL.
  const result = await conn.query('SELECT Id FROM Account');
  assert.strictEqual(result.totalSize, 300);
  const identity = await conn.identity();
  assert.strictEqual(identity.username, 'integration@sfsync-emulator.example');

  // d. A refresh, then revocation: the refresh token is dead afterwards.
  const refreshed = await oauth2.refreshToken(conn.refreshToken);
  assert.ok(refreshed.access_token);
  await oauth2.revokeToken(conn.refreshToken);
  await assert.rejects(oauth2.refreshToken(conn.refreshToken), /expired access\/refresh token/);

  console.log('jsforce OAuth smoke check: ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
