import { afterEach, describe, expect, it } from "vitest";
import { createModel, type SpecialistCard, type ToolCard } from "../../agents/models/index.ts";
import { startScriptedOpenAI, type Script, type ScriptedOpenAI, type StreamDialect } from "../support/openai-server.ts";

/** What real OpenAI-compatible servers send and accept, beyond OpenAI's own shapes. */

let server: ScriptedOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const claimId: ToolCard["args"][string] = {
  type: "string",
  description: "A claim id such as CLM-1001.",
  pattern: "^CLM-[0-9]{4}$",
  optional: false,
  hints: [],
};
const lookup = (name: string): ToolCard => ({ name, description: `Looks up ${name}.`, kind: "query", returns: [], args: { claimId } });
const analyst: SpecialistCard = {
  id: "coverage_analyst",
  name: "Coverage analyst",
  description: "Checks the cover.",
  tools: [lookup("get_claim"), lookup("get_policy_for_claim")],
};
const act = {
  task: "Check the cover of CLM-1001",
  instruction: "Check the cover.",
  passages: [],
  facts: {},
  history: [],
  lessons: [],
  searches: [],
  callIdPrefix: "s1.t1.",
};

async function modelOn(script: Script, options: { dialect?: StreamDialect; model?: string } = {}) {
  server = await startScriptedOpenAI(script, options.dialect ? { dialect: options.dialect } : {});
  return createModel(`openai:${options.model ?? "qwen2.5:3b"}`, {
    defaultModel: "offline",
    openaiBaseUrl: server.url,
    openaiApiKey: "test-key",
    retry: { timeoutMs: 5_000, maxRetries: 1, baseDelayMs: 10, maxDelayMs: 100 },
  });
}

const both = {
  toolCalls: [
    { name: "get_claim", arguments: { claimId: "CLM-1001" } },
    { name: "get_policy_for_claim", arguments: { claimId: "CLM-1001" } },
  ],
};

describe("OpenAI-compatible servers as they really stream", () => {
  for (const dialect of ["openai", "ollama"] as const) {
    it(`keeps parallel tool calls apart when the server streams them ${dialect === "ollama" ? "all at index 0, told apart by id (Ollama)" : "by index (OpenAI)"}`, async () => {
      const model = await modelOn(() => both, { dialect });
      const result = await model.act({ ...act, specialist: analyst });
      expect(result.kind).toBe("tool_calls");
      expect(result.kind === "tool_calls" && result.calls.map((c) => [c.name, c.args])).toEqual([
        ["get_claim", { claimId: "CLM-1001" }],
        ["get_policy_for_claim", { claimId: "CLM-1001" }],
      ]);
      expect(server!.requests).toHaveLength(1);
    });
  }

  it("takes an answer whose finishing chunk has no delta, when the server reported usage after it", async () => {
    const model = await modelOn(() => ({ content: "Covered under clause 4.2 [1]." }), { dialect: "bare-finish" });
    const result = await model.act({ ...act, specialist: analyst });
    expect(result).toMatchObject({ kind: "done", summary: "Covered under clause 4.2 [1]." });
    expect(server!.requests).toHaveLength(1);
  });

  it("sends tool parameters without patterns, which grammar-based servers misread, and still holds arguments to them", async () => {
    const model = await modelOn([() => ({ toolCalls: [{ name: "get_claim", arguments: { claimId: "^CLM-1001$" } }] }), () => both]);
    const result = await model.act({ ...act, specialist: analyst });
    const sent = JSON.stringify(server!.requests[0]!.tools);
    expect(sent).not.toContain("pattern");
    expect(sent).not.toContain("$schema");
    expect(sent).toContain('"claimId"');
    // The first answer breaks the pattern Guild keeps: it is sent back once, and the repair is used.
    expect(server!.requests).toHaveLength(2);
    expect(result.kind === "tool_calls" && result.calls.map((c) => c.args.claimId)).toEqual(["CLM-1001", "CLM-1001"]);
  });

  it("streams text written beside an invalid tool call once, though the repair writes it again", async () => {
    const preface = "I will look up the claim and its policy.";
    const model = await modelOn([
      () => ({ content: preface, toolCalls: [{ name: "get_claim", arguments: '{"claimId": "CLM-10' }] }),
      () => ({ content: preface, ...both }),
    ]);
    const tokens: string[] = [];
    const result = await model.act({ ...act, specialist: analyst }, { onToken: (delta) => tokens.push(delta) });
    expect(result.kind).toBe("tool_calls");
    expect(tokens.join("")).toBe(preface);
  });

  it("leaves temperature to reasoning models, sets it to 0 for others, and never routes a model by its name to another API", async () => {
    for (const name of ["gpt-5-mini", "o3-mini", "qwen2.5-codex:7b", "gpt-5-chat-latest"]) {
      const model = await modelOn(() => ({ content: "query" }), { model: name });
      await model.reformulate({ query: "burst pipe", task: "t", glossary: [] });
      const request = server!.requests[0]!;
      expect({ name, temperature: request.temperature, path: server!.paths[0] }).toEqual({
        name,
        temperature: name.startsWith("o3") || name === "gpt-5-mini" ? undefined : 0,
        path: "POST /v1/chat/completions",
      });
      await server!.close();
      server = undefined;
    }
  });
});
