import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isGuildError } from "../../agents/errors/index.ts";
import { BUILTIN_PACKS_DIR, checkPackDialect, loadPack, loadPacks, MANIFEST_FILE, type Pack } from "../../agents/packs/index.ts";
import { INJECTED_EMAIL_ORDER, injectedClaimsPack } from "../support/injected-pack.ts";

const CLAIMS_DIR = join(BUILTIN_PACKS_DIR, "insurance-claims");

/** Awaits a load that must fail, and returns its error for the assertions. */
async function failure(load: Promise<unknown>): Promise<Error> {
  try {
    await load;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the load to fail, but it succeeded");
}

describe("the built-in insurance-claims pack", () => {
  let pack: Pack;

  beforeAll(async () => {
    pack = await loadPack(CLAIMS_DIR);
  });

  it("has the four claims-desk specialists, nine tools and a dozen documents", () => {
    expect(pack.id).toBe("insurance-claims");
    expect(pack.specialists.map((s) => s.id)).toEqual(["coverage_analyst", "claims_investigator", "payments_officer", "communications"]);
    // get_payment_position is no specialist's: it fills the payment card's context.
    expect(pack.tools.size).toBe(9);
    const documents = new Set(pack.specialists.flatMap((s) => s.documents));
    expect(documents.size).toBeGreaterThanOrEqual(12);
    for (const specialist of pack.specialists) {
      expect(specialist.documents.length, specialist.id).toBeGreaterThan(0);
      expect(specialist.tools.length, specialist.id).toBeGreaterThan(0);
    }
  });

  it("has a glossary that maps everyday words to policy terms", () => {
    const entry = pack.glossary.find((e) => e.term === "Escape of water");
    expect(entry).toBeDefined();
    expect(entry?.aliases).toContain("burst pipe");
  });

  it("gates the effects and lets the queries run", () => {
    const tools = [...pack.tools.values()];
    expect(pack.tools.get("issue_payment")?.requiresApproval).toBe(true);
    expect(pack.tools.get("send_email")?.requiresApproval).toBe(true);
    const queries = tools.filter((t) => t.kind === "query");
    expect(queries.length).toBe(7);
    for (const tool of queries) expect(tool.requiresApproval, tool.name).toBe(false);
  });

  it("marks payments above £5,000 high risk, the limit its authority document sets", () => {
    const risk = pack.tools.get("issue_payment")?.risk;
    expect(risk).toMatchObject({ field: "amount", above: 5000 });
    expect(risk?.reason).toContain("payment-authority-limits.md");

    const payments = pack.specialists.find((s) => s.id === "payments_officer");
    expect(payments?.documents).toContain("payment-authority-limits.md");
    const text = readFileSync(join(pack.dir, "knowledge", "payment-authority-limits.md"), "utf8");
    const limit = /^#+ .*Claims handlers: up to £([\d,]+)/m.exec(text)?.[1];
    expect(limit).toBeDefined();
    expect(Number(limit?.replace(/,/g, ""))).toBe(risk?.above);
    expect(text).toMatch(/payment above £5,000 must be approved by a senior claims manager/);
  });
});

describe("a malformed pack manifest", () => {
  let root: string;
  let dir: string;
  let manifestFile: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "guild-packs-"));
    dir = join(root, "insurance-claims");
    cpSync(CLAIMS_DIR, dir, { recursive: true });
    manifestFile = join(dir, "pack.json");
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** Rewrites the copied pack.json after changing it. */
  function breakManifest(change: (manifest: any) => void): void {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    change(manifest);
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  }

  /** Loads the copy and checks it fails as invalid_pack, naming pack.json and the field. */
  async function expectInvalid(field: string, ...words: string[]): Promise<void> {
    const error = await failure(loadPack(dir));
    expect(isGuildError(error), String(error)).toBe(true);
    if (!isGuildError(error)) return;
    expect(error.code).toBe("invalid_pack");
    expect(error.message).toContain(`${manifestFile}: ${field}: `);
    expect(error.details).toEqual({ file: manifestFile, field });
    for (const word of words) expect(error.message).toContain(word);
  }

  it("loads unchanged, so each failure below comes from its own change", async () => {
    const pack = await loadPack(dir);
    expect(pack.dir).toBe(dir);
    expect(pack.specialists).toHaveLength(4);
  });

  it("fails on JSON that does not parse", async () => {
    writeFileSync(manifestFile, '{ "id": "insurance-claims", ');
    const error = await failure(loadPack(dir));
    expect(isGuildError(error) && error.code).toBe("invalid_pack");
    expect(error.message).toContain(manifestFile);
    expect(error.message).toMatch(/cannot read the manifest: .*JSON/);
  });

  it("fails when a card's context looks up what no query tool answers, naming the field", async () => {
    let at = -1;
    breakManifest((m) => {
      at = m.tools.findIndex((t: { name: string }) => t.name === "issue_payment");
      m.tools[at].context[1].lookup = { tool: "send_email", field: "email_id" };
    });
    await expectInvalid(`tools.${at}.context.1.lookup.tool`, "'send_email' is not a query tool of the pack");
    breakManifest((m) => (m.tools[at].context[1].lookup = { tool: "get_payment_position", field: "iban" }));
    await expectInvalid(`tools.${at}.context.1.lookup.field`, "get_payment_position returns no 'iban'");
    breakManifest((m) => (m.tools[at].context[1].lookup = { tool: "list_customer_claims", field: "claim_id" }));
    await expectInvalid(`tools.${at}.context.1.lookup.tool`, "list_customer_claims needs 'customerId', which issue_payment does not have");
  });

  it("fails when a business rule names what the tool does not have or says no violation, naming the field", async () => {
    let at = -1;
    breakManifest((m) => {
      at = m.tools.findIndex((t: { name: string }) => t.name === "issue_payment");
      m.tools[at].preconditions[0].sql = "SELECT 'x' AS violation FROM claims WHERE id = :claimId AND policy_id = :policyId";
    });
    await expectInvalid(`tools.${at}.preconditions.0.sql`, ":policyId is not an argument of issue_payment");
    breakManifest((m) => (m.tools[at].preconditions[0].sql = "SELECT status FROM claims WHERE id = :claimId"));
    await expectInvalid(`tools.${at}.preconditions.0.sql`, "the SQL must return a column named violation");
    breakManifest((m) => {
      m.tools[at].preconditions[0].sql = "SELECT 'x' AS violation FROM claims WHERE id = :claimId";
      const query = m.tools.findIndex((t: { name: string }) => t.name === "get_claim");
      m.tools[query].preconditions = [{ sql: "SELECT 'x' AS violation FROM claims WHERE id = :claimId" }];
      at = query;
    });
    await expectInvalid(`tools.${at}.preconditions`, "only an effect has preconditions");
  });

  it("fails when specialists are missing", async () => {
    breakManifest((m) => delete m.specialists);
    await expectInvalid("specialists");
  });

  it("fails when a specialist names a tool the pack does not have", async () => {
    breakManifest((m) => m.specialists[1].tools.push("delete_claim"));
    await expectInvalid("specialists.1.tools.3", "delete_claim");
  });

  it("fails when a specialist names a document that is not there", async () => {
    breakManifest((m) => m.specialists[2].documents.push("refund-policy.md"));
    await expectInvalid("specialists.2.documents", "refund-policy.md");
  });

  it("fails when a tool's SQL does not use one of its arguments", async () => {
    breakManifest((m) => {
      const tool = m.tools.find((t: { name: string }) => t.name === "send_email");
      tool.sql = tool.sql.replace(":subject", "'Your claim'");
    });
    await expectInvalid("tools.7.sql", "subject");
  });

  it.each(["sqlite", "postgres"])("fails when a tool's SQL for %s does not use one of its arguments", async (dialect) => {
    breakManifest((m) => {
      const tool = m.tools.find((t: { name: string }) => t.name === "issue_payment");
      tool.sql[dialect] = tool.sql[dialect].replace(":payee", "'Eleanor Whitfield'");
    });
    await expectInvalid(`tools.5.sql.${dialect}`, "payee");
  });

  it("fails when a tool's SQL names an engine Guild does not have", async () => {
    breakManifest((m) => (m.tools[0].sql = { mysql: "SELECT 1" }));
    await expectInvalid("tools.0.sql", "mysql");
  });

  it("fails when a tool's SQL per engine gives none", async () => {
    breakManifest((m) => (m.tools[0].sql = {}));
    await expectInvalid("tools.0.sql");
  });

  it("fails when the back-end's seed per engine gives none", async () => {
    breakManifest((m) => (m.backend.seed = {}));
    await expectInvalid("backend.seed");
  });

  it("fails when an argument's pattern is not a regular expression", async () => {
    breakManifest((m) => (m.tools[0].args.claimId.pattern = "^CLM-[0-9{4}$"));
    await expectInvalid("tools.0.args.claimId.pattern");
  });

  it("fails when two specialists share an id", async () => {
    breakManifest((m) => (m.specialists[3].id = "coverage_analyst"));
    await expectInvalid("specialists.3.id", "coverage_analyst");
  });

  it("fails on a key the schema does not know (a typo is not ignored)", async () => {
    breakManifest((m) => (m.tools[5].approvals = "never"));
    await expectInvalid("tools.5", "approvals");
  });

  it("fails when a back-end seed file is missing, naming the engine's list and the place in it", async () => {
    rmSync(join(dir, "backend", "data.sql"));
    await expectInvalid("backend.seed.sqlite.1", "backend/data.sql");
  });

  it("fails when the one seed file for both engines is missing", async () => {
    breakManifest((m) => (m.backend.seed = "backend/seed.sql"));
    await expectInvalid("backend.seed", "backend/seed.sql");
  });

  it.each([
    ["glossary", (m: any) => (m.glossary = "../../outside.md")],
    ["backend.seed", (m: any) => (m.backend.seed = "../outside.md")],
    ["backend.seed.1", (m: any) => (m.backend.seed = ["backend/data.sql", "../outside.md"])],
    ["backend.seed.postgres.2", (m: any) => (m.backend.seed.postgres[2] = "../outside.md")],
  ])("refuses a %s outside the pack folder", async (field, change) => {
    writeFileSync(join(root, "outside.md"), "## Outside\nAlso: secret\nread from outside the pack\n");
    breakManifest(change);
    await expectInvalid(field, "outside the pack folder");
  });
});

describe("loadPacks", () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "guild-packs-"));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("loads every pack under the built-in folder, the insurance desk first (the default pack)", async () => {
    const packs = await loadPacks([BUILTIN_PACKS_DIR]);
    expect(packs.map((p) => p.id)).toEqual(["insurance-claims", "manufacturing-qc"]);
  });

  it("fails clearly on a folder that holds no pack", async () => {
    mkdirSync(join(root, "not-a-pack"));
    writeFileSync(join(root, "not-a-pack", "README.md"), "# Nothing here\n");
    const error = await failure(loadPacks([root]));
    expect(isGuildError(error) && error.code).toBe("invalid_pack");
    expect(error.message).toBe(`no pack found in ${root}`);
  });

  it("fails on a folder that does not exist", async () => {
    const missing = join(root, "missing");
    const error = await failure(loadPacks([missing]));
    expect(isGuildError(error) && error.code).toBe("invalid_pack");
    expect(error.message).toContain(missing);
  });

  it("refuses a second pack with an id already loaded", async () => {
    const copy = join(root, "claims-copy");
    cpSync(CLAIMS_DIR, copy, { recursive: true });
    const error = await failure(loadPacks([BUILTIN_PACKS_DIR, root]));
    expect(isGuildError(error) && error.code).toBe("invalid_pack");
    expect(error.message).toContain(join(copy, "pack.json"));
    expect(error.message).toContain("'insurance-claims' is already loaded");
  });
});

describe("SQL and seeds per engine", () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "guild-packs-"));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** A one-tool pack as a user would write it, with the given seed, tool SQL and seed files. */
  function writePack(seed: unknown, sql: unknown, files: Record<string, string>): string {
    const dir = join(root, "notes");
    mkdirSync(join(dir, "knowledge"), { recursive: true });
    mkdirSync(join(dir, "backend"), { recursive: true });
    writeFileSync(join(dir, "knowledge", "guide.md"), "# Notes\n\nHow notes are kept.\n");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const manifest = {
      id: "notes",
      name: "Notes",
      description: "Keeps notes.",
      backend: { seed },
      specialists: [
        { id: "keeper", name: "Keeper", description: "Keeps notes against references.", documents: ["guide.md"], tools: ["record_note"] },
      ],
      tools: [
        {
          name: "record_note",
          description: "Record a note against a reference.",
          kind: "effect",
          args: { ref: { type: "string", description: "The reference." }, note: { type: "string", description: "The note." } },
          sql,
        },
      ],
    };
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    return dir;
  }

  const INSERT = "INSERT INTO notes (ref, note) VALUES (:ref, :note)";

  it("gives a pack written before engines existed (one seed file, one SQL string) to both engines", async () => {
    const pack = await loadPack(writePack("backend/seed.sql", INSERT, { "backend/seed.sql": "CREATE TABLE notes (ref TEXT, note TEXT);" }));
    expect(pack.seed).toEqual({
      sqlite: ["CREATE TABLE notes (ref TEXT, note TEXT);"],
      postgres: ["CREATE TABLE notes (ref TEXT, note TEXT);"],
    });
    expect(pack.tools.get("record_note")?.sql).toEqual({ sqlite: INSERT, postgres: INSERT });
    expect(() => checkPackDialect(pack, "sqlite")).not.toThrow();
    expect(() => checkPackDialect(pack, "postgres")).not.toThrow();
  });

  it("reads a list of seed files in order, and per engine the files each names", async () => {
    const files = { "backend/a.sql": "-- a", "backend/b.sql": "-- b", "backend/pg.sql": "-- pg" };
    expect((await loadPack(writePack(["backend/b.sql", "backend/a.sql"], INSERT, files))).seed).toEqual({
      sqlite: ["-- b", "-- a"],
      postgres: ["-- b", "-- a"],
    });
    const perEngine = await loadPack(writePack({ sqlite: "backend/a.sql", postgres: ["backend/pg.sql", "backend/a.sql"] }, INSERT, files));
    expect(perEngine.seed).toEqual({ sqlite: ["-- a"], postgres: ["-- pg", "-- a"] });
  });

  it("keeps a tool's SQL per engine as given", async () => {
    const sql = { sqlite: "INSERT OR IGNORE INTO notes (ref, note) VALUES (@ref, $note)", postgres: `${INSERT} ON CONFLICT DO NOTHING` };
    const pack = await loadPack(writePack("backend/seed.sql", sql, { "backend/seed.sql": "" }));
    expect(pack.tools.get("record_note")?.sql).toEqual(sql);
  });

  it("lets SQLite-only SQL use @name and $name, and says it cannot run on Postgres, naming the field", async () => {
    const dir = writePack("backend/seed.sql", "INSERT INTO notes (ref, note) VALUES (@ref, $note)", { "backend/seed.sql": "" });
    const pack = await loadPack(dir);
    expect(() => checkPackDialect(pack, "sqlite")).not.toThrow();
    expect(() => checkPackDialect(pack, "postgres")).toThrow(
      expect.objectContaining({ code: "invalid_pack", details: { file: join(dir, MANIFEST_FILE), field: "tools.0.sql" } }),
    );
    expect(() => checkPackDialect(pack, "postgres")).toThrow("argument 'ref' is not used as :ref in the SQL for postgres");
  });

  it("names the tool whose SQL is missing for an engine", async () => {
    const dir = writePack("backend/seed.sql", { sqlite: INSERT }, { "backend/seed.sql": "" });
    const pack = await loadPack(dir);
    expect(() => checkPackDialect(pack, "sqlite")).not.toThrow();
    let error: unknown;
    try {
      checkPackDialect(pack, "postgres");
    } catch (caught) {
      error = caught;
    }
    expect(isGuildError(error) && error.code).toBe("invalid_pack");
    expect((error as Error).message).toBe(`${join(dir, MANIFEST_FILE)}: tools.0.sql: record_note has no SQL for postgres`);
  });

  it("names the seed that is missing for an engine", async () => {
    const dir = writePack({ postgres: "backend/seed.sql" }, INSERT, { "backend/seed.sql": "" });
    const pack = await loadPack(dir);
    expect(() => checkPackDialect(pack, "postgres")).not.toThrow();
    expect(() => checkPackDialect(pack, "sqlite")).toThrow(`${join(dir, MANIFEST_FILE)}: backend.seed: no seed for sqlite`);
  });

  it("runs the built-in packs on both engines, sharing the claims' data between them", async () => {
    const claims = await loadPack(CLAIMS_DIR);
    for (const dialect of ["sqlite", "postgres"] as const) checkPackDialect(claims, dialect);
    expect(claims.seed.sqlite).toHaveLength(2);
    expect(claims.seed.postgres).toHaveLength(3);
    expect(claims.seed.sqlite?.[1]).toBe(claims.seed.postgres?.[1]);
    expect(claims.seed.sqlite?.[1]).toContain("INSERT INTO claims");
    const archive = await loadPack(join(import.meta.dirname, "..", "fixtures", "packs", "slow-archive"));
    for (const dialect of ["sqlite", "postgres"] as const) checkPackDialect(archive, dialect);
  });

  it("injects the test pack's instruction into the claims' rows, which both engines' seeds share", async () => {
    const injected = injectedClaimsPack();
    try {
      const pack = await loadPack(join(injected.root, "insurance-claims"));
      for (const dialect of ["sqlite", "postgres"] as const) expect(pack.seed[dialect]?.join("\n")).toContain(INJECTED_EMAIL_ORDER);
    } finally {
      injected.remove();
    }
  });
});
