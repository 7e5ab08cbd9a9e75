import { describe, expect, it } from "vitest";
import { createModel, isModelProfile, profileFor, type ModelSettings } from "../../agents/models/index.ts";
import { PackManifestSchema } from "../../agents/packs/manifest.ts";

const settings: ModelSettings = {
  defaultModel: "openai:gpt-4o-mini",
  overrides: { supervisor: "openai:gpt-4o", specialists: { payments_officer: "openai:qwen2.5:3b" } },
};

describe("model profiles", () => {
  it("picks a role's model: the configured override, else the pack's profile, else the default", () => {
    expect(profileFor("openai:llama3.2:1b", settings, { role: "supervisor" })).toBe("openai:gpt-4o");
    expect(profileFor("openai:llama3.2:1b", settings, { role: "specialist", id: "payments_officer" })).toBe("openai:qwen2.5:3b");
    expect(profileFor("openai:llama3.2:1b", settings, { role: "specialist", id: "communications" })).toBe("openai:llama3.2:1b");
    expect(profileFor(undefined, settings, { role: "specialist", id: "communications" })).toBe("openai:gpt-4o-mini");
    expect(profileFor("offline", settings)).toBe("offline");
  });

  it("makes the model the role's profile names", () => {
    expect(createModel(undefined, settings, { role: "specialist", id: "payments_officer" }).info).toEqual({
      provider: "openai",
      name: "qwen2.5:3b",
    });
    expect(createModel("offline", { defaultModel: "openai:gpt-4o-mini" }).info).toEqual({ provider: "offline", name: "offline" });
  });

  it("refuses a pack whose model profiles are not profiles", () => {
    expect(isModelProfile("openai:qwen2.5:3b")).toBe(true);
    expect(isModelProfile("qwen2.5:3b")).toBe(false);
    const manifest = {
      id: "tiny",
      name: "Tiny",
      description: "A pack",
      backend: { seed: "seed.sql" },
      supervisor: { model: "gpt-4o" },
      specialists: [{ id: "clerk", name: "Clerk", description: "Files the papers.", documents: ["a.md"], model: "ollama:qwen" }],
    };
    const parsed = PackManifestSchema.safeParse(manifest);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["supervisor.model", "a model profile is 'offline' or 'openai:<model>'"],
      ["specialists.0.model", "a model profile is 'offline' or 'openai:<model>'"],
    ]);
  });
});
