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
    expect(loadConfig({ GUILD_MODEL: "openai:qwen2.5:3b", OPENAI_BASE_URL: "http://localhost:11434/v1" }, cwd).model).toBe(
      "openai:qwen2.5:3b",
    );
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
    writeFileSync(
      join(cwd, ".env"),
      "PORT=4000\nHOST=0.0.0.0\nGUILD_MODEL=openai:llama3.2:1b\nOPENAI_BASE_URL=http://localhost:11434/v1\n",
    );
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

  it("gives the model factory the default model, its credentials, and a 60 s timeout with 3 retries", () => {
    expect(loadConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://localhost:11434/v1" }, cwd).models).toEqual({
      defaultModel: "openai:gpt-4o-mini",
      openaiApiKey: "sk-test",
      openaiBaseUrl: "http://localhost:11434/v1",
      overrides: { supervisor: undefined, specialists: {} },
      prices: {},
      retry: { timeoutMs: 60_000, maxRetries: 3 },
      vision: [],
    });
  });

  it("takes the models that accept images from GUILD_MODEL_VISION, and MCP call deadlines from GUILD_MCP_TIMEOUT_MS", () => {
    const config = loadConfig(
      {
        OPENAI_BASE_URL: "http://localhost:11434/v1",
        GUILD_MODEL_VISION: "openai:qwen2.5vl:7b, openai:gpt-4o",
        GUILD_MCP_TIMEOUT_MS: "5000",
        ERP_TOKEN: "t0k",
      },
      cwd,
    );
    expect(config.models.vision).toEqual(["openai:qwen2.5vl:7b", "openai:gpt-4o"]);
    expect(config.mcp.timeoutMs).toBe(5000);
    expect(config.mcp.env.ERP_TOKEN).toBe("t0k");
    expect(loadConfig({}, cwd).mcp.timeoutMs).toBe(30_000);
    expect(() => loadConfig({ GUILD_MODEL_VISION: "gpt-4o" }, cwd)).toThrow(/GUILD_MODEL_VISION/);
    expect(() => loadConfig({ GUILD_MCP_TIMEOUT_MS: "soon" }, cwd)).toThrow(/GUILD_MCP_TIMEOUT_MS/);
  });

  it("takes a model for every supervisor and one per specialist from GUILD_MODEL_SUPERVISOR and GUILD_MODEL_SPECIALIST_<ID>", () => {
    const config = loadConfig(
      {
        GUILD_MODEL: "openai:qwen2.5:3b",
        OPENAI_API_KEY: "sk-test",
        GUILD_MODEL_SUPERVISOR: "openai:gpt-4o",
        GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER: "openai:llama3.2:1b",
        GUILD_MODEL_SPECIALIST_COMMUNICATIONS: " ",
      },
      cwd,
    );
    expect(config.models.overrides).toEqual({ supervisor: "openai:gpt-4o", specialists: { payments_officer: "openai:llama3.2:1b" } });
    expect(Object.isFrozen(config.models)).toBe(true);
    expect(Object.isFrozen(config.models.overrides!.specialists)).toBe(true);
  });

  it("refuses a model override that is not a profile, or a misspelt model variable, naming it", () => {
    expectInvalidConfig({ GUILD_MODEL_SUPERVISOR: "gpt-4o" }, "GUILD_MODEL_SUPERVISOR");
    // An openai model with nowhere to send it: no key for OpenAI, no other server.
    expectInvalidConfig({ GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER: "openai:qwen2.5:3b" }, "GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER");
    expectInvalidConfig({ GUILD_MODEL: "openai:qwen2.5:3b" }, "GUILD_MODEL");
    expectInvalidConfig({ GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER: "ollama:qwen" }, "GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER");
    expectInvalidConfig({ GUILD_MODEL_PAYMENTS_OFFICER: "openai:qwen" }, "GUILD_MODEL_PAYMENTS_OFFICER");
    expect(refusal({ GUILD_MODEL_PAYMENTS_OFFICER: "openai:qwen" }).message).toContain("GUILD_MODEL_SPECIALIST_<SPECIALIST_ID>");
  });

  it("reads the model timeout and retries, within bounds", () => {
    expect(loadConfig({ GUILD_MODEL_TIMEOUT_MS: "5000", GUILD_MODEL_MAX_RETRIES: "0" }, cwd).models.retry).toEqual({
      timeoutMs: 5_000,
      maxRetries: 0,
    });
    expectInvalidConfig({ GUILD_MODEL_TIMEOUT_MS: "soon" }, "GUILD_MODEL_TIMEOUT_MS");
    expectInvalidConfig({ GUILD_MODEL_TIMEOUT_MS: "10" }, "GUILD_MODEL_TIMEOUT_MS");
    expectInvalidConfig({ GUILD_MODEL_MAX_RETRIES: "11" }, "GUILD_MODEL_MAX_RETRIES");
  });

  it("reads GUILD_EMBEDDINGS as an OpenAI-compatible embeddings model, which needs a server or a key", () => {
    expect(loadConfig({}, cwd).embeddings).toBeUndefined();
    expect(
      loadConfig({ GUILD_EMBEDDINGS: " openai:nomic-embed-text ", OPENAI_BASE_URL: "http://localhost:11434/v1" }, cwd).embeddings,
    ).toBe("openai:nomic-embed-text");
    expectInvalidConfig({ GUILD_EMBEDDINGS: "offline", OPENAI_API_KEY: "sk-test" }, "GUILD_EMBEDDINGS");
    expectInvalidConfig({ GUILD_EMBEDDINGS: "nomic-embed-text", OPENAI_API_KEY: "sk-test" }, "GUILD_EMBEDDINGS");
    expectInvalidConfig({ GUILD_EMBEDDINGS: "openai:nomic-embed-text" }, "GUILD_EMBEDDINGS");
    expect(refusal({ GUILD_EMBEDDINGS: "openai:nomic-embed-text" }).message).toContain(
      "needs OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL",
    );
  });

  it("reads model prices per million tokens as profile=input/output", () => {
    const config = loadConfig({ GUILD_MODEL_PRICES: "openai:gpt-4o-mini=0.15/0.6, openai:qwen2.5:3b=0/0" }, cwd);
    expect(config.models.prices).toEqual({
      "openai:gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      "openai:qwen2.5:3b": { inputPerMTok: 0, outputPerMTok: 0 },
    });
    expect(loadConfig({ GUILD_MODEL_PRICES: "openai:gpt-4o = .5 / 1e1" }, cwd).models.prices).toEqual({
      "openai:gpt-4o": { inputPerMTok: 0.5, outputPerMTok: 10 },
    });
    expectInvalidConfig({ GUILD_MODEL_PRICES: "openai:gpt-4o-mini=cheap" }, "GUILD_MODEL_PRICES");
    expectInvalidConfig({ GUILD_MODEL_PRICES: "openai:gpt-4o-mini=1/2/3" }, "GUILD_MODEL_PRICES");
    expectInvalidConfig({ GUILD_MODEL_PRICES: "openai:gpt-4o-mini=-1/2" }, "GUILD_MODEL_PRICES");
    expectInvalidConfig({ GUILD_MODEL_PRICES: "gpt-4o-mini=0.15/0.6" }, "GUILD_MODEL_PRICES");
  });

  it("treats an empty PORT in .env as unset", () => {
    writeFileSync(join(cwd, ".env"), "PORT=\n");
    expect(loadConfig({}, cwd).port).toBe(3000);
  });
});
