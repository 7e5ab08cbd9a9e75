import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isGuildError } from "../../agents/errors/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, loadPacks, type Pack } from "../../agents/packs/index.ts";

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

  it("has the four claims-desk specialists, eight tools and a dozen documents", () => {
    expect(pack.id).toBe("insurance-claims");
    expect(pack.specialists.map((s) => s.id)).toEqual([
      "coverage_analyst",
      "claims_investigator",
      "payments_officer",
      "communications",
    ]);
    expect(pack.tools.size).toBe(8);
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
    expect(queries.length).toBe(6);
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
      const tool = m.tools.find((t: { name: string }) => t.name === "issue_payment");
      tool.sql = tool.sql.replace(":payee", "'Eleanor Whitfield'");
    });
    await expectInvalid("tools.5.sql", "payee");
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

  it("fails when the back-end seed file is missing", async () => {
    rmSync(join(dir, "backend", "seed.sql"));
    await expectInvalid("backend.seed", "backend/seed.sql");
  });

  it.each([
    ["glossary", (m: any) => (m.glossary = "../../outside.md")],
    ["backend.seed", (m: any) => (m.backend.seed = "../outside.md")],
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
