// Checks the stage 2 data features with an unmodified third-party client (jsforce 3.x): sObject
// create/retrieve/update/upsert/destroy, sObject Collections (jsforce sends arrays there),
// validation errors, aggregate and sub-queries, getUpdated/getDeleted, and a Bulk API 2.0 query
// followed to its `null` locator.
//
//   scripts/install-deps              # jsforce 3.10.16 (clients/package-lock.json) into .deps/node
//   ctest --test-dir build -R 'third-party client'   # or by hand:
//   tests/emulator/clients/run-check build/sfsync-emulator .deps/node/node_modules tests/emulator/clients/jsforce_data_smoke.js 3000
//
// Keep Account under 50,000 rows (the default maxRecords): with a second results page, jsforce
// 3.x pipes both pages into one CSV parser before the first is consumed and fails with
// "Invalid Closing Quote: got "I"", its known bug against real orgs too (jsforce#1740,
// forcedotcom/cli#3103), which the emulator reproduces.
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
    refreshToken: 'sfsync-emulator-refresh-token',
    version: '60.0',
  });
  await conn.oauth2.refreshToken('sfsync-emulator-refresh-token').then((t) => {
    conn.accessToken = t.access_token;
  });
  const started = new Date(Date.now() - 60 * 1000);

  // a. One record through its life.
  const created = await conn.sobject('Account').create({ Name: 'jsforce smoke', ExternalId__c: 'JSF-1' });
  assert.ok(created.success && created.id.startsWith('001'));
  const read = await conn.sobject('Account').retrieve(created.id);
  assert.strictEqual(read.Name, 'jsforce smoke');
  await conn.sobject('Account').update({ Id: created.id, Phone: '555' });
  const upserted = await conn.sobject('Account').upsert({ ExternalId__c: 'jsf-1', Industry: 'Energy' }, 'ExternalId__c');
  assert.strictEqual(upserted.created, false);
  assert.strictEqual((await conn.sobject('Account').retrieve(created.id)).Industry, 'Energy');
  await assert.rejects(conn.sobject('Contact').create({ FirstName: 'No last name' }),
                      (e) => e.errorCode === 'REQUIRED_FIELD_MISSING');

  // b. Arrays go through sObject Collections, with per-record results.
  const many = await conn.sobject('Contact').create(
    [{ LastName: 'One', AccountId: created.id }, { FirstName: 'Missing' }, { LastName: 'Two', AccountId: created.id }],
    { allOrNone: false });
  assert.deepStrictEqual(many.map((r) => r.success), [true, false, true]);
  assert.strictEqual(many[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');

  // c. A sub-query and an aggregate.
  const parent = await conn.query(
    `SELECT Id, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Id = '${created.id}'`);
  assert.deepStrictEqual(parent.records[0].Contacts.records.map((c) => c.LastName), ['One', 'Two']);
  const months = await conn.query(
    'SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account ' +
    'GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)');
  const counted = months.records.reduce((sum, g) => sum + g.expr2, 0);
  assert.strictEqual(counted, (await conn.query('SELECT COUNT() FROM Account')).totalSize);

  // d. Delete, then getDeleted and getUpdated see it (a minute later on the emulator clock).
  await conn.sobject('Contact').destroy(many[0].id);
  await fetch(`${base}/__emulator/clock`, { method: 'POST', body: '{"advance_seconds":120}' });
  const end = new Date(Date.now() + 10 * 60 * 1000);
  const deleted = await conn.sobject('Contact').deleted(started, end);
  assert.ok(deleted.deletedRecords.some((d) => d.id === many[0].id));
  const updated = await conn.sobject('Account').updated(started, end);
  assert.ok(updated.ids.includes(created.id));

  // e. Bulk API 2.0: the whole object through the locator chain.
  const rows = await conn.bulk2.query('SELECT Id, Name FROM Account', { pollInterval: 100, pollTimeout: 60000 });
  const ids = new Set();
  for await (const row of rows) ids.add(row.Id);
  assert.strictEqual(ids.size, (await conn.query('SELECT COUNT() FROM Account')).totalSize);
  assert.ok(ids.has(created.id));

  await conn.sobject('Account').destroy(created.id);
  console.log(`jsforce data smoke: ok (${ids.size} Accounts through Bulk 2.0, ${conn.limitInfo.apiUsage.used} API calls)`);
})().catch((e) => {
  console.error('jsforce data smoke: FAILED', e);
  process.exit(1);
});
