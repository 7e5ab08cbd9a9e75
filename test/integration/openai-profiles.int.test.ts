import { afterEach, describe, expect, it } from "vitest";
import { createModel, type SpecialistCard } from "../../agents/models/index.ts";
import { loadConfig } from "../../server/config.ts";
import { startScriptedOpenAI, type ScriptedOpenAI } from "../support/openai-server.ts";

let server: ScriptedOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const clerk: SpecialistCard = { id: "payments_officer", name: "Payments officer", description: "Pays claims.", tools: [] };

describe("model profiles from the environment", () => {
  it("send each role's requests to the model configured for it, and price its tokens", async () => {
    server = await startScriptedOpenAI(() => ({ content: "Done [1]." }));
    const config = loadConfig(
      {
        GUILD_MODEL: "openai:default-small",
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: "test-key",
        GUILD_MODEL_SUPERVISOR: "openai:gpt-4o",
        GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER: "openai:qwen2.5:3b",
        GUILD_MODEL_PRICES: "openai:gpt-4o=2.5/10",
      },
      "/nonexistent",
    );
    const act = {
      task: "Pay CLM-1001",
      instruction: "Pay it.",
      passages: [],
      facts: {},
      history: [],
      lessons: [],
      searches: [],
      callIdPrefix: "s1.t1.",
    };

    const supervisor = createModel("openai:pack-choice", config.models, { role: "supervisor" });
    const officer = createModel("openai:pack-choice", config.models, { role: "specialist", id: "payments_officer" });
    const letters = createModel("openai:pack-choice", config.models, { role: "specialist", id: "communications" });
    const fallback = createModel(undefined, config.models, { role: "specialist", id: "communications" });
    const answer = await supervisor.synthesize({ task: "Pay CLM-1001", steps: [] });
    await officer.act({ ...act, specialist: clerk });
    await letters.act({ ...act, specialist: { ...clerk, id: "communications" } });
    await fallback.reformulate({ query: "payout", task: "Pay CLM-1001", glossary: [] });

    expect(server.requests.map((r) => r.model)).toEqual(["gpt-4o", "qwen2.5:3b", "pack-choice", "default-small"]);
    const reported = server.usage[0]!;
    expect(answer.usage).toEqual({
      inputTokens: reported.prompt_tokens,
      outputTokens: reported.completion_tokens,
      cost: (reported.prompt_tokens * 2.5 + reported.completion_tokens * 10) / 1_000_000,
    });
  });
});
