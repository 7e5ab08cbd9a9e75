import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isGuildError } from "../../agents/errors/index.ts";
import { loadConfig } from "../../server/config.ts";

describe("loadConfig", () => {
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), "guild-config-"));
  });

  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Loads a configuration that must be refused, and returns the error. */
  function refusal(env: NodeJS.ProcessEnv): Error {
    try {
      loadConfig(env, cwd);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`expected ${JSON.stringify(env)} to be refused`);
  }

  function expectInvalidConfig(env: NodeJS.ProcessEnv, variable: string): void {
    const error = refusal(env);
    expect(isGuildError(error), String(error)).toBe(true);
    if (!isGuildError(error)) return;
    expect(error.code).toBe("invalid_config");
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.details).toEqual({ variable });
  }

  it("runs offline on localhost:3000 with data under ./data by default", () => {
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", dataDir: join(cwd, "data"), model: "offline" });
    expect(config.openaiApiKey).toBeUndefined();
    expect(config.apiKeys).toEqual([]);
    expect(config.packDirs).toEqual([]);
  });

  it("uses a small OpenAI model when an OpenAI key is set", () => {
    const config = loadConfig({ OPENAI_API_KEY: "sk-test" }, cwd);
    expect(config.model).toBe("openai:gpt-4o-mini");
    expect(config.openaiApiKey).toBe("sk-test");
  });

  it("keeps a model name that itself holds a colon", () => {
    expect(loadConfig({ GUILD_MODEL: "openai:qwen2.5:3b" }, cwd).model).toBe("openai:qwen2.5:3b");
  });

  it("lets GUILD_MODEL choose offline even with an OpenAI key", () => {
    expect(loadConfig({ GUILD_MODEL: "offline", OPENAI_API_KEY: "sk-test" }, cwd).model).toBe("offline");
  });

  it.each(["abc", "70000", "-1", "3000.5"])("refuses PORT=%s, naming PORT", (port) => {
    expectInvalidConfig({ PORT: port }, "PORT");
  });

  it("refuses an unknown model provider, naming GUILD_MODEL", () => {
    expectInvalidConfig({ GUILD_MODEL: "foo:bar" }, "GUILD_MODEL");
    expect(refusal({ GUILD_MODEL: "foo:bar" }).message).toContain("foo:bar");
  });

  it("reads .env in the working folder, and the environment wins over it", () => {
    writeFileSync(join(cwd, ".env"), "PORT=4000\nHOST=0.0.0.0\nGUILD_MODEL=openai:llama3.2:1b\n");
    const config = loadConfig({ PORT: "5000" }, cwd);
    expect(config.port).toBe(5000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.model).toBe("openai:llama3.2:1b");
  });

  it("reports a bad value from .env like one from the environment", () => {
    writeFileSync(join(cwd, ".env"), "PORT=eighty\n");
    expectInvalidConfig({}, "PORT");
  });

  it("parses GUILD_API_KEYS as a comma list, ignoring blanks", () => {
    expect(loadConfig({ GUILD_API_KEYS: " key-one, key-two,,key-three " }, cwd).apiKeys).toEqual(["key-one", "key-two", "key-three"]);
  });

  it("resolves GUILD_DATA_DIR against the working folder", () => {
    expect(loadConfig({ GUILD_DATA_DIR: "var/guild" }, cwd).dataDir).toBe(join(cwd, "var", "guild"));
  });

  it("cannot be changed after it is loaded", () => {
    const config = loadConfig({ GUILD_API_KEYS: "key-one" }, cwd);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.apiKeys)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.apiKeys as string[]).push("key-two")).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });

  it("treats an empty PORT in .env as unset", () => {
    writeFileSync(join(cwd, ".env"), "PORT=\n");
    expect(loadConfig({}, cwd).port).toBe(3000);
  });
});
