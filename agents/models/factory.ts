import { GuildError } from "../errors/index.ts";
import { OfflineModel } from "./offline/index.ts";
import { OpenAIModel } from "./openai/index.ts";
import type { GuildModel } from "./types.ts";

/** Model settings, parsed once from configuration. */
export interface ModelSettings {
  /** `provider:name`, e.g. `offline` or `openai:gpt-4o-mini`. */
  defaultModel: string;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
}

/** Splits `provider:name`; the name may itself contain colons (`openai:qwen2.5:3b`). */
export function parseModelProfile(profile: string): { provider: "offline" | "openai"; name: string } {
  const at = profile.indexOf(":");
  const provider = at < 0 ? profile : profile.slice(0, at);
  const name = at < 0 ? "" : profile.slice(at + 1);
  if (provider === "offline") return { provider, name: "offline" };
  if (provider === "openai" && name.length > 0) return { provider, name };
  throw new GuildError("invalid_config", `unknown model '${profile}': use 'offline' or 'openai:<model>'`);
}

/**
 * Makes the model for a profile (a pack's or specialist's), or the configured default.
 * @example createModel(undefined, { defaultModel: "offline" }).info // { provider: "offline", name: "offline" }
 */
export function createModel(profile: string | undefined, settings: ModelSettings): GuildModel {
  const { provider, name } = parseModelProfile(profile ?? settings.defaultModel);
  if (provider === "offline") return new OfflineModel();
  return new OpenAIModel({ model: name, apiKey: settings.openaiApiKey, baseUrl: settings.openaiBaseUrl });
}
