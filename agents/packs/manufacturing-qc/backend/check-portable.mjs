// Runs the seed and every example call of examples.json (one per SQL tool, effects included, in
// order) on SQLite, and on PostgreSQL when given a server, and checks each answer: the back-end's
// SQL must run unchanged on both.
//   node agents/packs/manufacturing-qc/backend/check-portable.mjs
//   node agents/packs/manufacturing-qc/backend/check-portable.mjs --postgres postgres://postgres@127.0.0.1:5432/postgres
// With --postgres it creates a scratch database (qc_check_<pid>) and drops it afterwards.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const here = import.meta.dirname;
const manifest = JSON.parse(fs.readFileSync(path.join(here, "..", "pack.json"), "utf8"));
const { calls } = JSON.parse(fs.readFileSync(path.join(here, "examples.json"), "utf8"));
const seed = fs.readFileSync(path.join(here, "seed.sql"), "utf8");
const toolOf = (name) => manifest.tools.find((t) => t.name === name);

/** Differences between an answer and what the example expects, as lines. */
function check(engine, call, answer) {
  const problems = [];
  const rows = Array.isArray(answer) ? answer : [];
  if (call.expectRows !== undefined && rows.length !== call.expectRows) problems.push(`${rows.length} rows, expected ${call.expectRows}`);
  const row = rows[0];
  for (const [key, want] of Object.entries(call.expect ?? {})) {
    const got = row?.[key];
    const same = typeof want === "number" ? Math.abs(Number(got) - want) < 1e-6 : got === want;
    if (!same) problems.push(`${key} = ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return problems.map((p) => `${engine}: ${call.tool}: ${p}`);
}

function sqlite() {
  const db = new Database(":memory:");
  db.pragma("foreign_keys = ON");
  db.exec(seed);
  return calls.flatMap((call) => {
    const tool = toolOf(call.tool);
    const statement = db.prepare(tool.sql);
    const answer = statement.reader ? statement.all(call.args) : [];
    return check("sqlite", call, answer);
  });
}

/** A call's SQL with its :arguments as literals, for psql. */
function literal(sql, args) {
  return sql.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_whole, name) => {
    const value = args[name];
    if (value === undefined) throw new Error(`no value for :${name}`);
    return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}

function postgres(url) {
  const scratch = `qc_check_${process.pid}`;
  const psql = (target, args, input) =>
    execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", target, ...args], { encoding: "utf8", ...(input ? { input } : {}) });
  const target = new URL(url);
  target.pathname = `/${scratch}`;
  psql(url, ["-c", `CREATE DATABASE ${scratch}`]);
  try {
    psql(target.href, ["-f", "-"], seed);
    return calls.flatMap((call) => {
      // A data-modifying statement can stand in a WITH, so every call answers as JSON the same way.
      const out = psql(target.href, [
        "-A",
        "-t",
        "-c",
        `WITH q AS (${literal(toolOf(call.tool).sql, call.args)}) SELECT COALESCE(json_agg(q), '[]') FROM q`,
      ]);
      return check("postgres", call, JSON.parse(out));
    });
  } finally {
    psql(url, ["-c", `DROP DATABASE ${scratch}`]);
  }
}

const at = process.argv.indexOf("--postgres");
const problems = [...sqlite(), ...(at > 0 ? postgres(process.argv[at + 1]) : [])];
for (const p of problems) process.stderr.write(`${p}\n`);
process.stdout.write(problems.length === 0 ? `ok: seed and ${calls.length} calls on SQLite${at > 0 ? " and PostgreSQL" : ""}\n` : "");
process.exit(problems.length === 0 ? 0 : 1);
