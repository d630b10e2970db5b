// The Node.js peer of the benchmark suite (tests/bench/README.md): the same sync a careful Node
// user would write with jsforce 3.10.16 and better-sqlite3 12, to compare sfsync with.
//
//   node peer_sync.js URL DB OBJECT=Field,Field,... [OBJECT=...]
//
// Authenticates with the refresh-token flow (SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN),
// then for each object in turn: describe (for column types), `query(...).run({autoFetch})` in Id
// order, rows upserted with one prepared INSERT OR REPLACE, one transaction per 2,000 records
// (WAL, synchronous=NORMAL, as sfsync). Prints {"rows":N,"seconds":S} on stdout.
const jsforce = require('jsforce');
const Database = require('better-sqlite3');

const kBatch = 2000;

function sqlType(field) {
  switch (field.type) {
    case 'double': case 'currency': case 'percent': return 'REAL';
    case 'int': case 'long': case 'boolean': return 'INTEGER';
    default: return 'TEXT';
  }
}

function cell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

async function syncObject(conn, db, object, fields) {
  const describe = await conn.sobject(object).describe();
  const byName = new Map(describe.fields.map((f) => [f.name.toLowerCase(), f]));
  const columns = fields.map((name) => {
    const f = byName.get(name.toLowerCase());
    if (!f) throw new Error(`${object} has no field ${name}`);
    return { name: f.name, type: sqlType(f) };
  });
  const quoted = (n) => '"' + n.replace(/"/g, '""') + '"';
  db.exec(`DROP TABLE IF EXISTS ${quoted(object)}`);
  db.exec(`CREATE TABLE ${quoted(object)} (${columns
    .map((c) => `${quoted(c.name)} ${c.type}${c.name === 'Id' ? ' PRIMARY KEY' : ''}`)
    .join(', ')})`);
  const insert = db.prepare(`INSERT OR REPLACE INTO ${quoted(object)} (${columns.map((c) => quoted(c.name)).join(', ')}) ` +
    `VALUES (${columns.map(() => '?').join(', ')})`);
  const writePage = db.transaction((records) => {
    for (const r of records) insert.run(columns.map((c) => cell(r[c.name])));
  });
  let rows = 0;
  let page = [];
  await new Promise((resolve, reject) => {
    conn.query(`SELECT ${columns.map((c) => c.name).join(', ')} FROM ${object} ORDER BY Id`)
      .on('record', (record) => {
        page.push(record);
        if (page.length === kBatch) {
          writePage(page);
          rows += page.length;
          page = [];
        }
      })
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 1e9 });
  });
  writePage(page);
  return rows + page.length;
}

(async () => {
  const [url, dbPath, ...specs] = process.argv.slice(2);
  if (!url || !dbPath || specs.length === 0) {
    console.error('usage: node peer_sync.js URL DB OBJECT=Field,Field,... [OBJECT=...]');
    process.exit(2);
  }
  const started = process.hrtime.bigint();
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: url, clientId: process.env.SF_CLIENT_ID, clientSecret: process.env.SF_CLIENT_SECRET },
    instanceUrl: url,
    accessToken: 'expired',
    refreshToken: process.env.SF_REFRESH_TOKEN,
    version: '60.0',
  });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let rows = 0;
  for (const spec of specs) {
    const [object, list] = spec.split('=');
    rows += await syncObject(conn, db, object, list.split(','));
  }
  db.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ rows, seconds }) + '\n');
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
