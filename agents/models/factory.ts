import { OfflineModel } from "./offline/index.ts";
import { GuildError } from "../errors/index.ts";
import type { Embedder } from "../knowledge/index.ts";
import { OpenAIEmbedder, OpenAIModel } from "./openai/index.ts";
import { parseModelProfile } from "./profile.ts";
import type { RetryPolicy } from "./retry.ts";
import type { GuildModel } from "./types.ts";
import type { ModelPrices } from "./usage.ts";

/** Model settings, parsed once from configuration. */
export interface ModelSettings {
  /** `provider:name`, e.g. `offline` or `openai:gpt-4o-mini`. */
  defaultModel: string;
  openaiApiKey?: string | undefined;
  openaiBaseUrl?: string | undefined;
  /** Profiles that win over the packs': for every supervisor, and per specialist id. */
  overrides?: {
    supervisor?: string | undefined;
    specialists?: Readonly<Record<string, string>>;
  };
  /** Prices per profile (`openai:gpt-4o-mini`), for the cost in usage. */
  prices?: Readonly<Record<string, ModelPrices>>;
  /** Timeouts and retries of model calls; the defaults where absent. */
  retry?: Partial<RetryPolicy>;
  /** Profiles whose models accept images in messages (`GUILD_MODEL_VISION`). */
  vision?: readonly string[];
}

/** Whom a model works for: a supervisor, or a specialist by id. */
export type ModelRole = { role: "supervisor" } | { role: "specialist"; id: string };

/**
 * The profile a role uses: the override from configuration, else the pack's profile, else the
 * configured default.
 */
export function profileFor(profile: string | undefined, settings: ModelSettings, role?: ModelRole): string {
  const override =
    role?.role === "supervisor"
      ? settings.overrides?.supervisor
      : role?.role === "specialist"
        ? settings.overrides?.specialists?.[role.id]
        : undefined;
  return override ?? profile ?? settings.defaultModel;
}

/**
 * Makes the model for a profile (a pack's or specialist's), or the configured default; for a role,
 * a profile configured for it wins.
 * @example createModel(undefined, { defaultModel: "offline" }).info // { provider: "offline", name: "offline" }
 * @example createModel("openai:qwen2.5:3b", settings, { role: "specialist", id: "payments_officer" })
 */
export function createModel(profile: string | undefined, settings: ModelSettings, role?: ModelRole): GuildModel {
  const chosen = profileFor(profile, settings, role);
  const { provider, name } = parseModelProfile(chosen);
  if (provider === "offline") return new OfflineModel();
  return new OpenAIModel({
    model: name,
    apiKey: settings.openaiApiKey,
    baseUrl: settings.openaiBaseUrl,
    retry: settings.retry,
    prices: settings.prices?.[chosen],
    acceptsImages: settings.vision?.includes(chosen) ?? false,
  });
}

/**
 * Makes the embeddings model of a profile (`openai:<model>`, as `GUILD_EMBEDDINGS` names it), with
 * the configured server, key, timeouts and retries.
 * @example createEmbedder("openai:nomic-embed-text", { defaultModel: "offline", openaiBaseUrl: "http://localhost:11434/v1" })
 */
export function createEmbedder(profile: string, settings: ModelSettings): Embedder {
  const { provider, name } = parseModelProfile(profile);
  if (provider !== "openai")
    throw new GuildError("invalid_config", `embeddings need an OpenAI-compatible model, 'openai:<model>', not '${profile}'`);
  return new OpenAIEmbedder({ model: name, apiKey: settings.openaiApiKey, baseUrl: settings.openaiBaseUrl, retry: settings.retry });
}
