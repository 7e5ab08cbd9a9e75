import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDataDir } from "./clients.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The MCP server the tests run (test/fixtures/mcp/test-server.mjs): stdio by default, HTTP with `--http`. */
export const TEST_MCP_SERVER = path.join(ROOT, "test", "fixtures", "mcp", "test-server.mjs");

/** The folder holding `parts-desk`, a pack with its own stdio MCP server, for GUILD_PACKS_DIRS. */
export const MCP_FIXTURE_PACKS = path.join(ROOT, "test", "fixtures", "mcp-packs");

/** The test server over stdio, as a pack declares it. */
export const stdioTestServer = (extra: Record<string, unknown> = {}) => ({ command: "node", args: [TEST_MCP_SERVER], ...extra });

export interface McpLabPack {
  /** The packs folder, for `packDirs` or GUILD_PACKS_DIRS. */
  root: string;
  /** The reservations the test server stored (its LEDGER file), one per line. */
  ledger(): { key: string; reservation_id: string; part_id: string; quantity: number }[];
  remove(): void;
}

/**
 * Writes the `mcp-lab` pack, whose one specialist (`stock_clerk`) uses the given MCP tools of
 * the given servers, with `mcpTools` as the pack's policy of them. The test server keeps its
 * reservations in a LEDGER file of the pack's folder.
 * @example const lab = mcpLabPack({ servers: { inv: stdioTestServer() }, tools: ["inv/lookup_part"] });
 */
export function mcpLabPack(options: {
  servers: Record<string, Record<string, unknown>>;
  tools: string[];
  mcpTools?: Record<string, unknown>;
}): McpLabPack {
  const { dir: root, remove } = tempDataDir("guild-mcp-pack-");
  const dir = path.join(root, "mcp-lab");
  fs.mkdirSync(path.join(dir, "knowledge"), { recursive: true });
  fs.mkdirSync(path.join(dir, "backend"));
  const ledger = path.join(dir, "ledger.jsonl");
  const servers: Record<string, unknown> = {};
  for (const [name, server] of Object.entries(options.servers)) {
    servers[name] = "command" in server ? { ...server, env: { LEDGER: ledger, ...(server.env as object | undefined) } } : server;
  }
  const manifest = {
    id: "mcp-lab",
    name: "MCP lab (test pack)",
    description: "A stock desk whose clerk uses the tools of MCP servers.",
    backend: { seed: "backend/seed.sql" },
    mcpServers: servers,
    ...(options.mcpTools ? { mcpTools: options.mcpTools } : {}),
    specialists: [
      {
        id: "stock_clerk",
        name: "Stock clerk",
        description:
          "Looks up parts in the inventory and reserves stock of a part for an order. Ask it to check stock, look up a part or reserve stock.",
        documents: ["stock.md"],
        tools: options.tools,
      },
    ],
  };
  fs.writeFileSync(path.join(dir, "pack.json"), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(
    path.join(dir, "knowledge", "stock.md"),
    "# Stock\n\n## Reservations\n\nReserve stock only for a confirmed order; more than 10 units needs the stores manager.\n",
  );
  fs.writeFileSync(path.join(dir, "backend", "seed.sql"), "CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL);\n");
  return {
    root,
    ledger: () =>
      fs.existsSync(ledger)
        ? fs
            .readFileSync(ledger, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
    remove,
  };
}

/** The test server over Streamable HTTP in a child process; `TOKEN` makes it demand `Authorization: Bearer <TOKEN>`. */
export async function startHttpTestServer(
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [TEST_MCP_SERVER, "--http"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`the HTTP test server exited (${code}) before listening`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return { url, child, stop };
}
