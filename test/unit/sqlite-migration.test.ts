import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openRuntimeDatabase } from "../../server/runtime/storage/sqlite/schema.ts";
import { tempDataDir } from "../support/clients.ts";

describe("a data directory from before tenants", () => {
  it("gets the tenant and reviewer columns; its runs are the default tenant's", () => {
    const folder = tempDataDir();
    try {
      const old = new Database(path.join(folder.dir, "guild.sqlite"));
      old.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL, task TEXT NOT NULL, pack TEXT NOT NULL, plan_approval INTEGER NOT NULL,
        metadata TEXT, result TEXT, error TEXT, usage TEXT, model TEXT NOT NULL, owner TEXT, lease_until INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, approval_id TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL, event TEXT NOT NULL,
        decision TEXT, status TEXT NOT NULL, reviewer TEXT, via TEXT NOT NULL, args_before TEXT NOT NULL, args_after TEXT, message TEXT, redirect_to TEXT, at TEXT NOT NULL);
        INSERT INTO runs (id, status, task, pack, plan_approval, model, created_at, updated_at) VALUES ('run_old', 'completed', 't', 'p', 0, '{}', 'x', 'x');
        INSERT INTO audit (run_id, approval_id, kind, action, event, status, reviewer, via, args_before, at) VALUES ('run_old', 'a', 'plan', 'plan', 'decided', 'approved', 'ana', 'rest', '{}', 'x');`);
      old.close();
      const db = openRuntimeDatabase(folder.dir);
      expect(db.prepare("SELECT tenant, created_by FROM runs WHERE id = 'run_old'").get()).toEqual({ tenant: "default", created_by: null });
      expect(db.prepare("SELECT reviewer, reviewer_id, reviewer_verified FROM audit").get()).toEqual({
        reviewer: "ana",
        reviewer_id: null,
        reviewer_verified: null,
      });
      db.close();
    } finally {
      folder.remove();
    }
  });
});
