import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddingCache, embedKnowledge, normalized } from "../../agents/knowledge/index.ts";
import { createEmbedder } from "../../agents/models/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack } from "../../agents/packs/index.ts";
import { runCli } from "../support/cli.ts";
import { startScriptedEmbeddings, type ScriptedEmbeddings } from "../support/embeddings-server.ts";
import { tempDataDir } from "../support/runtime.ts";

let server: ScriptedEmbeddings;
let data: ReturnType<typeof tempDataDir>;

beforeEach(async () => {
  server = await startScriptedEmbeddings();
  data = tempDataDir("guild-hybrid-");
});
afterEach(async () => {
  await server.close();
  data.remove();
});

const settings = () => ({
  defaultModel: "offline",
  openaiBaseUrl: server.url,
  openaiApiKey: "test-key",
  retry: { timeoutMs: 5_000, maxRetries: 2, baseDelayMs: 10, maxDelayMs: 100 },
});
const claimsPack = () => loadPack(path.join(BUILTIN_PACKS_DIR, "insurance-claims"));
const knowledgeOf = (pack: Pack) => pack.specialists.map((s) => s.knowledge);

describe("the OpenAI-compatible embedder", () => {
  it("sends the model and the texts, and gives one vector per text in order", async () => {
    // A model name no other test uses: vectors are remembered per embedder for the whole process.
    const embedder = createEmbedder("openai:test-embed-order", settings());
    const vectors = await embedder.embed(["burst pipe", "stolen car"]);
    expect(server.requests).toEqual([{ model: "test-embed-order", input: ["burst pipe", "stolen car"], encoding_format: "float" }]);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]![0]).toBeGreaterThan(0); // the water concept
    expect(vectors[1]![1]).toBeGreaterThan(0); // the theft concept
  });

  it("retries a server error, and fails with model_error naming the status of a refusal", async () => {
    const embedder = createEmbedder("openai:test-embed-faults", settings());
    server.failNext(1, 503);
    expect(await embedder.embed(["flood"])).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    server.failNext(1, 400);
    await expect(embedder.embed(["flood"])).rejects.toMatchObject({
      code: "model_error",
      message: expect.stringContaining("(400)"),
      details: { cause: "refused" },
    });
  });

  it("is refused for an offline profile", () => {
    expect(() => createEmbedder("offline", settings())).toThrow(/openai:<model>/);
  });
});

describe("hybrid retrieval", () => {
  it("embeds each passage once at load, caches the vectors on disk by content hash, and finds by meaning what no word matches", async () => {
    const pack = await claimsPack();
    const embedder = createEmbedder("openai:test-embed-hybrid", settings());
    const cacheDir = path.join(data.dir, "embeddings");
    const query = "a deluge gushed everywhere";
    const coverage = pack.specialists.find((s) => s.id === "coverage_analyst")!.knowledge;
    expect(coverage.retrieval).toBe("bm25");
    expect(await coverage.search(query)).toEqual([]);

    const report = await embedKnowledge(knowledgeOf(pack), embedder, cacheDir);
    const chunks = new Set(knowledgeOf(pack).flatMap((k) => k.chunks.map((c) => c.id)));
    // A document shared by specialists is one text: embedded once.
    expect(report).toEqual({ embedded: chunks.size, cached: 0 });
    expect(server.inputs()).toHaveLength(chunks.size);
    expect(server.requests.every((r) => Array.isArray(r.input) && r.input.length <= 64)).toBe(true);
    expect(coverage.retrieval).toBe("hybrid");
    const [top] = await coverage.search(query);
    expect(top!.source).toMatch(/Escape of water/i);

    // The cache holds every vector under its content hash; another process reads it instead of asking again.
    const cache = new EmbeddingCache(cacheDir, embedder.id);
    expect(cache.size).toBe(chunks.size);
    expect(fs.readdirSync(cacheDir)).toEqual(["openai_test-embed-hybrid.json"]);

    // In this process, the same passages are never asked for again, whatever the cache directory.
    const again = await embedKnowledge(knowledgeOf(await claimsPack()), embedder, path.join(data.dir, "other"));
    expect(again.embedded).toBe(0);
    expect(server.inputs()).toHaveLength(chunks.size + 1); // + the query
  });

  it("reads vectors back from the cache file as they were written", () => {
    const cache = new EmbeddingCache(data.dir, "openai:x");
    const vector = normalized([3, 4]);
    cache.set("abc", vector);
    cache.save();
    expect(Array.from(new EmbeddingCache(data.dir, "openai:x").get("abc")!)).toEqual(Array.from(vector));
    expect(new EmbeddingCache(data.dir, "openai:y").get("abc")).toBeUndefined();
  });
});

describe("GUILD_EMBEDDINGS", () => {
  // Offline chat model, OpenAI-compatible embeddings: with a key set, the default model would be openai:gpt-4o-mini.
  const env = () => ({
    GUILD_MODEL: "offline",
    GUILD_EMBEDDINGS: "openai:test-embed",
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "test-key",
    GUILD_DATA_DIR: path.join(data.dir, "d"),
  });

  it("makes guild run embed the passages once: the next process reads them from the data directory", async () => {
    const first = await runCli(["run", "What is the standard excess on a home policy?", "--json"], env());
    expect(first.code, first.stderr).toBe(0);
    const embedded = server.inputs().length;
    expect(embedded).toBeGreaterThan(50);
    expect(fs.existsSync(path.join(data.dir, "d", "embeddings", "openai_test-embed.json"))).toBe(true);
    const second = await runCli(["run", "What is the standard excess on a home policy?", "--json"], env());
    expect(second.code, second.stderr).toBe(0);
    // Only the queries are embedded now.
    expect(server.inputs().length - embedded).toBeLessThan(10);
    const answer = second.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .find((e) => e.type === "run.completed");
    expect(answer.data.answer).toMatch(/£250/);
  });

  it("makes guild eval report the team with BM25 alone and with hybrid retrieval", async () => {
    const set = path.join(data.dir, "set.jsonl");
    fs.writeFileSync(
      set,
      `${JSON.stringify({ id: "s", question: "What is the standard excess on a home policy?", kind: "single", gold_docs: ["home-policy-wording.md"], gold_facts: ["250"] })}\n`,
    );
    const result = await runCli(["eval", "--set", set, "--json"], env());
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ retrieval: "hybrid", questions: 1, factsRight: 1 });
    expect(report.bm25).toMatchObject({ retrieval: "bm25", variant: "team", questions: 1 });
  });
});
