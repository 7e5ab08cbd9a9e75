import { GuildError } from "../errors/index.ts";

/** A model profile, `provider:name`, split; the name may itself contain colons (`openai:qwen2.5:3b`). */
export interface ModelProfile {
  provider: "offline" | "openai";
  name: string;
}

/**
 * Splits `provider:name`, refusing an unknown provider.
 * @example parseModelProfile("openai:qwen2.5:3b") // { provider: "openai", name: "qwen2.5:3b" }
 */
export function parseModelProfile(profile: string): ModelProfile {
  const at = profile.indexOf(":");
  const provider = at < 0 ? profile : profile.slice(0, at);
  const name = at < 0 ? "" : profile.slice(at + 1);
  if (provider === "offline") return { provider, name: "offline" };
  if (provider === "openai" && name.length > 0) return { provider, name };
  throw new GuildError("invalid_config", `unknown model '${profile}': use 'offline' or 'openai:<model>'`);
}

/** Whether a string is a model profile Guild can make a model from. */
export function isModelProfile(profile: string): boolean {
  try {
    parseModelProfile(profile);
    return true;
  } catch {
    return false;
  }
}
