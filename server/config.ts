import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { GuildError } from "../agents/errors/index.ts";
import { parseModelProfile } from "../agents/models/index.ts";

/** Guild's configuration, parsed once at start-up. Nothing else reads the environment. */
export interface GuildConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The default model profile, `provider:name`. */
  readonly model: string;
  readonly openaiApiKey: string | undefined;
  readonly openaiBaseUrl: string | undefined;
  readonly apiKeys: readonly string[];
  /** Extra folders of packs, besides the built-in ones. */
  readonly packDirs: readonly string[];
  /** How long a process owns a run it executes; another process takes over a run whose lease ran out. */
  readonly leaseMs: number;
  /** Undefined when not set: each command picks its own (the CLI stays quiet, the server logs info). */
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent" | undefined;
}

// `PORT=` in a .env file means "not set", not 0.
const emptyAsUnset = (value: unknown): unknown => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalText = z.preprocess((v) => emptyAsUnset(typeof v === "string" ? v.trim() : v), z.string().optional());

const EnvSchema = z.object({
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  GUILD_DATA_DIR: z.string().trim().min(1).default("./data"),
  GUILD_MODEL: optionalText,
  GUILD_PACKS_DIRS: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  GUILD_API_KEYS: optionalText,
  GUILD_LEASE_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(200).max(600_000).default(15_000)),
  LOG_LEVEL: z.preprocess(emptyAsUnset, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
});

/** Reads `.env` in `cwd` when present; variables already set in the environment win. */
function withDotEnv(env: NodeJS.ProcessEnv, cwd: string): Record<string, string | undefined> {
  const file = path.join(cwd, ".env");
  if (!fs.existsSync(file)) return env;
  return { ...parseEnv(fs.readFileSync(file, "utf8")), ...env };
}

/**
 * Parses the configuration from the environment (and `.env`); a bad value throws an
 * `invalid_config` error that names the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GuildConfig {
  const parsed = EnvSchema.safeParse(withDotEnv(env, cwd));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new GuildError("invalid_config", `${variable}: ${issue.message}`, { details: { variable } });
  }
  const e = parsed.data;
  const model = e.GUILD_MODEL ?? (e.OPENAI_API_KEY ? "openai:gpt-4o-mini" : "offline");
  try {
    parseModelProfile(model);
  } catch (error) {
    throw new GuildError("invalid_config", `GUILD_MODEL: ${(error as Error).message}`, { details: { variable: "GUILD_MODEL" } });
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.GUILD_DATA_DIR),
    model,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    apiKeys: Object.freeze((e.GUILD_API_KEYS ?? "").split(",").map((k) => k.trim()).filter(Boolean)),
    packDirs: Object.freeze((e.GUILD_PACKS_DIRS ?? "").split(path.delimiter).filter(Boolean).map((d) => path.resolve(cwd, d))),
    leaseMs: e.GUILD_LEASE_MS,
    logLevel: e.LOG_LEVEL,
  });
}
