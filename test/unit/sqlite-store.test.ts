import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  InvalidNamespaceError,
  type GetOperation,
  type ListNamespacesOperation,
  type PutOperation,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteConnection } from "../../server/runtime/storage/sqlite/connection.ts";
import { SqliteStore } from "../../server/runtime/storage/sqlite/memory-store.ts";

describe("SqliteStore", () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let store: SqliteStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "guild-store-"));
    file = join(dir, "guild.db");
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    store = new SqliteStore(new SqliteConnection(db));
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts and gets an item with Date timestamps", async () => {
    await store.put(["users", "u1"], "prefs", { theme: "dark", size: 3 });
    const item = await store.get(["users", "u1"], "prefs");
    expect(item).toMatchObject({ namespace: ["users", "u1"], key: "prefs", value: { theme: "dark", size: 3 } });
    expect(item?.createdAt).toBeInstanceOf(Date);
    expect(item?.updatedAt).toBeInstanceOf(Date);
    expect(item?.createdAt.getTime()).toBe(item?.updatedAt.getTime());
    expect(await store.get(["users", "u1"], "missing")).toBeNull();
    expect(await store.get(["users", "u2"], "prefs")).toBeNull();
  });

  it("keeps createdAt and advances updatedAt on update", async () => {
    await store.put(["users", "u1"], "prefs", { theme: "dark" });
    const first = await store.get(["users", "u1"], "prefs");
    await store.put(["users", "u1"], "prefs", { theme: "light" });
    const second = await store.get(["users", "u1"], "prefs");
    expect(second?.value).toEqual({ theme: "light" });
    expect(second?.createdAt.getTime()).toBe(first?.createdAt.getTime());
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
  });

  it("deletes with delete() and with a null put", async () => {
    await store.put(["docs"], "a", { n: 1 });
    await store.put(["docs"], "b", { n: 2 });
    await store.delete(["docs"], "a");
    await store.batch([{ namespace: ["docs"], key: "b", value: null }]);
    expect(await store.get(["docs"], "a")).toBeNull();
    expect(await store.get(["docs"], "b")).toBeNull();
    expect(await store.search(["docs"])).toEqual([]);
    expect(await store.listNamespaces()).toEqual([]);
  });

  it("matches namespace prefixes label by label, not as text", async () => {
    await store.put(["a", "b"], "k1", { n: 1 });
    await store.put(["a", "b", "c"], "k2", { n: 2 });
    await store.put(["a", "bc"], "k3", { n: 3 });
    await store.put(["a"], "k4", { n: 4 });

    const keysUnder = async (prefix: string[]) => (await store.search(prefix)).map((item) => item.key).sort();
    expect(await keysUnder(["a", "b"])).toEqual(["k1", "k2"]);
    expect(await keysUnder(["a", "bc"])).toEqual(["k3"]);
    expect(await keysUnder(["a"])).toEqual(["k1", "k2", "k3", "k4"]);
    expect(await keysUnder([])).toEqual(["k1", "k2", "k3", "k4"]);
    expect(await keysUnder(["a", "b", "c", "d"])).toEqual([]);
  });

  it("filters on top-level fields by equality and by operators", async () => {
    await store.put(["claims"], "c1", { status: "open", amount: 100, tags: ["auto"] });
    await store.put(["claims"], "c2", { status: "closed", amount: 250, tags: ["home"] });
    await store.put(["claims"], "c3", { status: "open", amount: 900, tags: ["auto", "total"] });

    const keys = async (filter: Record<string, unknown>) => (await store.search(["claims"], { filter })).map((item) => item.key).sort();
    expect(await keys({ status: "open" })).toEqual(["c1", "c3"]);
    expect(await keys({ status: "open", amount: 100 })).toEqual(["c1"]);
    expect(await keys({ amount: { $gt: 100 } })).toEqual(["c2", "c3"]);
    expect(await keys({ amount: { $gte: 100, $lt: 900 } })).toEqual(["c1", "c2"]);
    expect(await keys({ amount: { $lte: 250 }, status: { $ne: "closed" } })).toEqual(["c1"]);
    expect(await keys({ status: { $eq: "closed" } })).toEqual(["c2"]);
    expect(await keys({ tags: ["auto"] })).toEqual(["c1"]);
    expect(await keys({ missing: "x" })).toEqual([]);
  });

  it("ranks a query by word overlap, drops items without overlap and sets score", async () => {
    await store.put(["memories"], "m1", { text: "The police report was missing from the claim" });
    await store.put(["memories"], "m2", { text: "Water damage claims need a plumber invoice" });
    await store.put(["memories"], "m3", { text: "Always ask for the police report on theft claims" });
    await store.put(["memories"], "m4", { text: "Unrelated note about lunch" });

    const hits = await store.search(["memories"], { query: "Police REPORT for theft" });
    expect(hits.map((item) => item.key)).toEqual(["m3", "m1"]);
    expect(hits[0]?.score).toBe(1);
    expect(hits[1]?.score).toBeCloseTo(2 / 3);

    // Equal scores: the most recently updated first.
    const tied = await store.search(["memories"], { query: "police report" });
    expect(tied.map((item) => item.key)).toEqual(["m3", "m1"]);
    await store.put(["memories"], "m1", { text: "The police report was missing from the claim" });
    const retied = await store.search(["memories"], { query: "police report" });
    expect(retied.map((item) => item.key)).toEqual(["m1", "m3"]);

    expect(await store.search(["memories"], { query: "zebra" })).toEqual([]);
  });

  it("orders by updatedAt without a query and pages with limit and offset", async () => {
    for (let i = 0; i < 15; i += 1) await store.put(["log"], `k${i}`, { i });
    const firstPage = await store.search(["log"]);
    expect(firstPage).toHaveLength(10);
    expect(firstPage[0]?.key).toBe("k14");
    expect(firstPage[0]?.score).toBeUndefined();
    const page = await store.search(["log"], { limit: 3, offset: 2 });
    expect(page.map((item) => item.key)).toEqual(["k12", "k11", "k10"]);
    const filtered = await store.search(["log"], { filter: { i: { $lt: 5 } }, limit: 2, offset: 1 });
    expect(filtered.map((item) => item.key)).toEqual(["k3", "k2"]);
  });

  it("lists namespaces by prefix, suffix, wildcard and maxDepth", async () => {
    await store.put(["users", "u1", "memories"], "k", { n: 1 });
    await store.put(["users", "u1", "prefs"], "k", { n: 1 });
    await store.put(["users", "u2", "memories"], "k", { n: 1 });
    await store.put(["teams", "t1", "memories", "v1"], "k", { n: 1 });
    await store.put(["teams", "t1"], "k", { n: 1 });

    expect(await store.listNamespaces()).toEqual([
      ["teams", "t1"],
      ["teams", "t1", "memories", "v1"],
      ["users", "u1", "memories"],
      ["users", "u1", "prefs"],
      ["users", "u2", "memories"],
    ]);
    expect(await store.listNamespaces({ prefix: ["users"] })).toEqual([
      ["users", "u1", "memories"],
      ["users", "u1", "prefs"],
      ["users", "u2", "memories"],
    ]);
    expect(await store.listNamespaces({ suffix: ["memories"] })).toEqual([
      ["users", "u1", "memories"],
      ["users", "u2", "memories"],
    ]);
    expect(await store.listNamespaces({ prefix: ["*", "t1"] })).toEqual([
      ["teams", "t1"],
      ["teams", "t1", "memories", "v1"],
    ]);
    expect(await store.listNamespaces({ suffix: ["*", "memories"] })).toEqual([
      ["users", "u1", "memories"],
      ["users", "u2", "memories"],
    ]);
    expect(await store.listNamespaces({ prefix: ["users"], suffix: ["prefs"] })).toEqual([["users", "u1", "prefs"]]);
    expect(await store.listNamespaces({ maxDepth: 2 })).toEqual([
      ["teams", "t1"],
      ["users", "u1"],
      ["users", "u2"],
    ]);
    expect(await store.listNamespaces({ prefix: ["users"], maxDepth: 1 })).toEqual([["users"]]);
    expect(await store.listNamespaces({ limit: 2, offset: 1 })).toEqual([
      ["teams", "t1", "memories", "v1"],
      ["users", "u1", "memories"],
    ]);
  });

  it("keeps what one process saved for the next one to read", async () => {
    await store.put(["memories", "claims"], "m1", { text: "check the police report" });
    const saved = await store.get(["memories", "claims"], "m1");
    db.close();

    db = new Database(file);
    const reopened = new SqliteStore(new SqliteConnection(db));
    const item = await reopened.get(["memories", "claims"], "m1");
    expect(item).toEqual(saved);
    expect((await reopened.search(["memories"], { query: "police" })).map((hit) => hit.key)).toEqual(["m1"]);

    await reopened.put(["memories", "claims"], "m1", { text: "updated" });
    const updated = await reopened.get(["memories", "claims"], "m1");
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(saved!.updatedAt.getTime());
    expect(updated?.createdAt.getTime()).toBe(saved?.createdAt.getTime());
  });

  it("shares a database with other tables of the runtime", async () => {
    db.exec("CREATE TABLE runs (id TEXT PRIMARY KEY)");
    db.prepare("INSERT INTO runs (id) VALUES (?)").run("r1");
    await store.put(["docs"], "a", { n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM runs").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT namespace, key, value FROM store_items").all()).toEqual([{ namespace: "docs", key: "a", value: '{"n":1}' }]);
  });

  it("returns batch results in operation order, reading before the batch's puts", async () => {
    await store.put(["docs"], "a", { v: "old" });
    const operations: [GetOperation, PutOperation, SearchOperation, PutOperation, ListNamespacesOperation, PutOperation, GetOperation] = [
      { namespace: ["docs"], key: "a" },
      { namespace: ["docs"], key: "a", value: { v: "new" } },
      { namespacePrefix: ["docs"], limit: 10, offset: 0 },
      { namespace: ["docs"], key: "b", value: { v: "first" } },
      { matchConditions: [{ matchType: "prefix", path: ["docs"] }], limit: 10, offset: 0 },
      { namespace: ["docs"], key: "b", value: { v: "last" } },
      { namespace: ["docs"], key: "missing" },
    ];
    const results = await store.batch(operations);
    expect(results).toHaveLength(7);
    expect(results[0]?.value).toEqual({ v: "old" });
    expect(results[1]).toBeUndefined();
    expect(results[2].map((item) => item.key)).toEqual(["a"]);
    expect(results[3]).toBeUndefined();
    expect(results[4]).toEqual([["docs"]]);
    expect(results[6]).toBeNull();
    expect((await store.get(["docs"], "a"))?.value).toEqual({ v: "new" });
    expect((await store.get(["docs"], "b"))?.value).toEqual({ v: "last" });
  });

  it("applies a batch's puts all or nothing", async () => {
    await expect(
      store.batch([
        { namespace: ["docs"], key: "a", value: { n: 1 } },
        { namespace: ["bad:label"], key: "b", value: { n: 2 } },
      ]),
    ).rejects.toBeInstanceOf(InvalidNamespaceError);
    expect(await store.get(["docs"], "a")).toBeNull();
  });

  it("rejects invalid namespaces", async () => {
    await expect(store.put([], "k", { n: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(["a.b"], "k", { n: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(["a", ""], "k", { n: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(["langgraph"], "k", { n: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.search(["a:b"])).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.get(["a.b"], "k")).rejects.toBeInstanceOf(InvalidNamespaceError);
  });
});
