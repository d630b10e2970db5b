// Checks that an unmodified third-party client (jsforce 3.x) works against sfsync-emulator:
// a stale access token is refreshed on 401 INVALID_SESSION_ID, describe, query with
// autoFetch across pages, queryAll COUNT(), a SOQL error, and Sforce-Limit-Info parsing.
//
//   scripts/install-deps              # jsforce 3.10.16 (clients/package-lock.json) into .deps/node
//   ctest --test-dir build -R 'third-party client'   # or by hand:
//   tests/emulator/clients/run-check build/sfsync-emulator .deps/node/node_modules tests/emulator/clients/jsforce_smoke.js 3000
//
// Exits non-zero on the first mismatch.
const assert = require('assert');
const jsforce = require('jsforce');

(async () => {
  const base = process.argv[2];
  const conn = new jsforce.Connection({
    oauth2: {
      loginUrl: base,
      clientId: 'sfsync-emulator-client-id',
      clientSecret: 'sfsync-emulator-client-secret',
    },
    instanceUrl: base,
    accessToken: 'stale-token',
    refreshToken: 'sfsync-emulator-refresh-token',
    version: '60.0',
  });
  let refreshed = 0;
  conn.on('refresh', () => ++refreshed);

  const describe = await conn.sobject('Account').describe();
  assert.strictEqual(refreshed, 1, 'the stale token was refreshed once');
  assert.strictEqual(describe.fields.find((f) => f.name === 'BillingAddress').type, 'address');

  const records = [];
  await new Promise((resolve, reject) => {
    conn.query('SELECT Id, Name, Owner.Name, BillingAddress FROM Account ORDER BY SystemModstamp')
      .on('record', (r) => records.push(r))
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 1000000 });
  });
  const expected = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
  assert.strictEqual(records.length, expected);
  assert.strictEqual(new Set(records.map((r) => r.Id)).size, expected);

  const all = await conn.query('SELECT COUNT() FROM Contact', { scanAll: true });
  assert.ok(all.done);

  await assert.rejects(conn.query('SELECT Idd FROM Account'), (e) => e.errorCode === 'INVALID_FIELD');
  assert.ok(conn.limitInfo.apiUsage.used > 0);
  console.log(`jsforce smoke: ok (${records.length} records, ${conn.limitInfo.apiUsage.used} API calls)`);
})().catch((e) => {
  console.error('jsforce smoke: FAILED', e);
  process.exit(1);
});
