import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests make their databases on: trust auth, as a developer's or CI's local Postgres. */
export const TEST_POSTGRES_URL = process.env.GUILD_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Runs `fn` on a connection to the server's maintenance database, then closes it. */
async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  // A connection the server drops while we use it surfaces as the query's error, not a crash.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach the test Postgres at ${TEST_POSTGRES_URL} (set GUILD_TEST_POSTGRES_URL): ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of database `name` on the test server. */
function urlOf(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, empty database of its own on the test server, and how to drop it (ending any
 * connection a test left open first). Names are unique per process and call, so test files in
 * parallel never share one. With `template`, the new database is a copy of that one.
 * @example const db = await createTestDatabase(); try { ... db.url ... } finally { await db.drop(); }
 */
export async function createTestDatabase(template = "template0"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `guild_test_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  // template0 by default: template1 refuses to be copied while anyone is connected to it.
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  let dropped = false;
  return {
    url: urlOf(name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (admin) => {
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
        // FORCE (Postgres 13+) also ends a connection that arrived after the terminate.
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/** How long a template of another version is kept (see createPreparedDatabase). */
const KEEP_OTHER_TEMPLATES_MS = 24 * 60 * 60 * 1000;

/**
 * A database made ready once per test server and kept as a template: `prepare` runs on it the
 * first time (under an advisory lock, so parallel test workers prepare it once), and every later
 * call copies it, which is much quicker than preparing each test's database again. The name
 * carries `version`, so a change to what `prepare` does makes a new template. Templates of other
 * versions are dropped once a day old: until then another checkout on the same server (a second
 * clone at another commit) may still be copying its own.
 */
export async function createPreparedDatabase(
  version: string,
  prepare: (url: string) => Promise<void>,
): Promise<{ url: string; drop(): Promise<void> }> {
  const template = `guild_template_${version}`;
  await withAdmin(async (admin) => {
    await admin.query("SELECT pg_advisory_lock(hashtext('guild test templates'))");
    try {
      const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount! > 0;
      if (exists) return;
      // Each template's comment is when it was built (epoch ms); one without is from before.
      const stale = await admin.query<{ datname: string }>(
        `SELECT datname FROM (SELECT datname, shobj_description(oid, 'pg_database') AS built FROM pg_database WHERE datname LIKE 'guild_template_%') t
         WHERE CASE WHEN built ~ '^[0-9]+$' THEN built::bigint ELSE 0 END < $1`,
        [Date.now() - KEEP_OTHER_TEMPLATES_MS],
      );
      for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building} TEMPLATE template0`);
      await prepare(urlOf(building));
      // Ready only once prepared: a worker that died half-way leaves no template to copy.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [building]);
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
      await admin.query(`COMMENT ON DATABASE ${template} IS '${Date.now()}'`);
    } finally {
      await admin.query("SELECT pg_advisory_unlock(hashtext('guild test templates'))");
    }
  });
  return createTestDatabase(template);
}
