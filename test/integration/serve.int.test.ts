import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../support/cli.ts";
import { tempDataDir } from "../support/runtime.ts";

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

describe("guild serve", () => {
  it("serves health and packs on the port it prints, and stops cleanly on SIGTERM", async () => {
    const child = spawnCli(["serve"], { GUILD_DATA_DIR: data.dir, PORT: "0" });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on("close", (code) => reject(new Error(`serve exited ${code}`)));
    });
    try {
      const health = await (await fetch(`${url}/api/health`)).json();
      expect(health).toEqual({ status: "ok", model: { provider: "offline", name: "offline" }, storage: { kind: "sqlite" } });
      const { packs } = (await (await fetch(`${url}/api/packs`)).json()) as { packs: any[] };
      expect(packs.map((p: { id: string }) => p.id)).toEqual(["insurance-claims"]);
      expect(packs[0].specialists[2].tools).toContainEqual(expect.objectContaining({ name: "issue_payment", requiresApproval: true }));
      const missing = await fetch(`${url}/api/nothing-here`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "close");
    expect(code).toBe(0);
  });

  it("refuses to bind a non-loopback address without API keys, and says how to set them", async () => {
    const result = await runCli(["serve"], { GUILD_DATA_DIR: data.dir, HOST: "0.0.0.0", PORT: "0" });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("GUILD_API_KEYS");
  });
});
