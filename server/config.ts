import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { GuildError } from "../agents/errors/index.ts";
import { DurationSchema } from "../agents/text/duration.ts";
import { FAILPOINTS, type FailpointName } from "../agents/faults/index.ts";
import { DEFAULT_MCP_TIMEOUT_MS } from "../agents/mcp/config.ts";
// The models' light modules only: configuration is read by every command, even \`guild help\`.
import type { ModelSettings } from "../agents/models/factory.ts";
import { parseModelProfile } from "../agents/models/profile.ts";
import { DEFAULT_RETRY_POLICY } from "../agents/models/retry.ts";
import type { ModelPrices } from "../agents/models/usage.ts";
import { parseAuthFile, type PrincipalEntry } from "./auth/principals.ts";
import type { OidcSettings } from "./auth/oidc.ts";

/** Guild's configuration, parsed once at start-up. Nothing else reads the environment. */
export interface GuildConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `postgres://...`: keep everything in that database, shared by any number of processes; undefined for SQLite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** The default model profile, `provider:name`. */
  readonly model: string;
  readonly openaiApiKey: string | undefined;
  readonly openaiBaseUrl: string | undefined;
  /** What the model factory needs: the default, credentials, profiles per role, prices, timeouts and retries. */
  readonly models: Readonly<ModelSettings>;
  /** The embeddings model (`openai:<model>`) that makes retrieval hybrid; BM25 alone when undefined. */
  readonly embeddings: string | undefined;
  readonly apiKeys: readonly string[];
  /** OIDC bearer tokens (`GUILD_OIDC_ISSUER` and the rest); undefined without an issuer. */
  readonly oidc: Readonly<OidcSettings> | undefined;
  /** Webhooks: whether receivers on loopback and private networks are allowed (`GUILD_WEBHOOK_ALLOW_PRIVATE=1`). */
  readonly webhooks: Readonly<{ allowPrivate: boolean }>;
  /** The principals of `GUILD_AUTH_FILE` (keys with who they are), read once at start-up; empty without it. */
  readonly principals: readonly PrincipalEntry[];
  /** Extra folders of packs, besides the built-in ones. */
  readonly packDirs: readonly string[];
  /** How long a process owns a run it executes; another process takes over a run whose lease ran out. */
  readonly leaseMs: number;
  /** How many runs a process executes at once (more wait, queued); undefined: sized to the machine. */
  readonly maxActiveRuns: number | undefined;
  /** How long finished runs keep their events and checkpoints, and their audit trail; undefined: for ever. */
  readonly retention: Readonly<{ historyMs: number | undefined; auditMs: number | undefined }>;
  /** Crash tests only (`GUILD_FAILPOINT`): the failpoint at which the process kills itself. */
  readonly failpoint: FailpointName | undefined;
  /** Packs' MCP servers: how long a call may take, and the variables their `${VAR}`s are taken from. */
  readonly mcp: { readonly timeoutMs: number; readonly env: Readonly<Record<string, string | undefined>> };
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
  GUILD_DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a PostgreSQL URL: postgres://user:password@host:5432/database")
      .optional(),
  ),
  GUILD_MODEL: optionalText,
  GUILD_PACKS_DIRS: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  GUILD_MODEL_SUPERVISOR: optionalText,
  GUILD_MODEL_TIMEOUT_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(100).max(600_000).default(DEFAULT_RETRY_POLICY.timeoutMs)),
  GUILD_MODEL_MAX_RETRIES: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(10).default(DEFAULT_RETRY_POLICY.maxRetries)),
  GUILD_MODEL_PRICES: optionalText,
  GUILD_MODEL_VISION: optionalText,
  GUILD_MCP_TIMEOUT_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(100).max(600_000).default(DEFAULT_MCP_TIMEOUT_MS)),
  GUILD_EMBEDDINGS: optionalText,
  GUILD_API_KEYS: optionalText,
  GUILD_AUTH_FILE: optionalText,
  GUILD_OIDC_ISSUER: optionalText.pipe(z.url().optional()),
  GUILD_OIDC_AUDIENCE: optionalText,
  GUILD_OIDC_TENANT_CLAIM: z.preprocess(emptyAsUnset, z.string().trim().min(1).default("tenant")),
  GUILD_OIDC_ROLES_CLAIM: z.preprocess(emptyAsUnset, z.string().trim().min(1).default("roles")),
  GUILD_OIDC_JWKS_URL: optionalText.pipe(z.url().optional()),
  GUILD_WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUnset, z.enum(["0", "1"], { error: "must be 1 (allow) or 0" }).default("0")),
  GUILD_LEASE_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(200).max(600_000).default(15_000)),
  GUILD_MAX_ACTIVE_RUNS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(1000).optional()),
  GUILD_RETENTION: z.preprocess(emptyAsUnset, DurationSchema.optional()),
  GUILD_RETENTION_AUDIT: z.preprocess(emptyAsUnset, DurationSchema.optional()),
  GUILD_FAILPOINT: z.preprocess(emptyAsUnset, z.enum(FAILPOINTS).optional()),
  LOG_LEVEL: z.preprocess(emptyAsUnset, z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
});

/** Per-specialist profiles: `GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER` names the model of specialist `payments_officer`. */
const SPECIALIST_MODEL = /^GUILD_MODEL_SPECIALIST_([A-Z0-9_]+)$/;
const MODEL_VARIABLES = new Set([
  "GUILD_MODEL",
  "GUILD_MODEL_SUPERVISOR",
  "GUILD_MODEL_TIMEOUT_MS",
  "GUILD_MODEL_MAX_RETRIES",
  "GUILD_MODEL_PRICES",
  "GUILD_MODEL_VISION",
]);

function invalid(variable: string, message: string): GuildError {
  return new GuildError("invalid_config", `${variable}: ${message}`, { details: { variable } });
}

/** A model profile from a variable, refused with the variable's name when it is not one. */
function profileIn(variable: string, value: string): string {
  try {
    parseModelProfile(value);
    return value;
  } catch (error) {
    throw invalid(variable, (error as Error).message);
  }
}

/** `GUILD_MODEL_SPECIALIST_<ID>` variables, by specialist id; a misspelt `GUILD_MODEL_*` is refused rather than ignored. */
function specialistProfiles(env: Record<string, string | undefined>): Record<string, string> {
  const profiles: Record<string, string> = {};
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith("GUILD_MODEL_") || MODEL_VARIABLES.has(variable)) continue;
    const match = SPECIALIST_MODEL.exec(variable);
    if (!match) throw invalid(variable, "unknown model variable; a specialist's model is set with GUILD_MODEL_SPECIALIST_<SPECIALIST_ID>");
    const value = raw?.trim();
    if (value) profiles[match[1]!.toLowerCase()] = profileIn(variable, value);
  }
  return profiles;
}

/** `GUILD_MODEL_PRICES`: `profile=input/output` per million tokens, comma-separated, e.g. `openai:gpt-4o-mini=0.15/0.6`. */
function modelPrices(text: string | undefined): Record<string, ModelPrices> {
  const prices: Record<string, ModelPrices> = {};
  for (const entry of (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf("=");
    const [input, output, extra] = entry
      .slice(at + 1)
      .split("/")
      .map((p) => p.trim());
    const price = (p: string | undefined): number => (p && /^[0-9.eE+-]+$/.test(p) ? Number(p) : NaN);
    const [inputPerMTok, outputPerMTok] = [price(input), price(output)];
    if (at <= 0 || extra !== undefined || !(inputPerMTok >= 0) || !(outputPerMTok >= 0)) {
      throw invalid(
        "GUILD_MODEL_PRICES",
        `'${entry}' is not <profile>=<input>/<output>, prices per million tokens (e.g. openai:gpt-4o-mini=0.15/0.6)`,
      );
    }
    prices[profileIn("GUILD_MODEL_PRICES", entry.slice(0, at).trim())] = { inputPerMTok, outputPerMTok };
  }
  return prices;
}

/** `GUILD_MODEL_VISION`: the profiles whose models accept images, comma-separated (`openai:gpt-4o-mini,openai:qwen2.5vl:7b`). */
function visionProfiles(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => profileIn("GUILD_MODEL_VISION", p));
}

/** `GUILD_EMBEDDINGS`: an OpenAI-compatible embeddings model, which needs a server or a key. */
function embeddingsProfile(value: string, apiKey: string | undefined, baseUrl: string | undefined): string {
  const profile = profileIn("GUILD_EMBEDDINGS", value);
  if (!profile.startsWith("openai:"))
    throw invalid(
      "GUILD_EMBEDDINGS",
      `'${profile}' is not an embeddings model: use openai:<model> (e.g. openai:nomic-embed-text on Ollama)`,
    );
  if (!apiKey && !baseUrl)
    throw invalid(
      "GUILD_EMBEDDINGS",
      `${profile} needs OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL (for another OpenAI-compatible server)`,
    );
  return profile;
}

/** The principals of the auth file; a file that cannot be read or is wrong stops start-up, naming the field. */
function readAuthFile(file: string): PrincipalEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw invalid("GUILD_AUTH_FILE", `cannot read ${file}: ${(error as Error).message}`);
  }
  return parseAuthFile(text);
}

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
  const vars = withDotEnv(env, cwd);
  const parsed = EnvSchema.safeParse(vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new GuildError("invalid_config", `${variable}: ${issue.message}`, { details: { variable } });
  }
  const e = parsed.data;
  const model = profileIn("GUILD_MODEL", e.GUILD_MODEL ?? (e.OPENAI_API_KEY ? "openai:gpt-4o-mini" : "offline"));
  const supervisor = e.GUILD_MODEL_SUPERVISOR === undefined ? undefined : profileIn("GUILD_MODEL_SUPERVISOR", e.GUILD_MODEL_SUPERVISOR);
  const specialists = specialistProfiles(vars);
  // An openai model with neither a key nor a server would send a placeholder key to api.openai.com.
  if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    const chosen: [string, string | undefined][] = [
      ["GUILD_MODEL", model],
      ["GUILD_MODEL_SUPERVISOR", supervisor],
    ];
    for (const [id, profile] of Object.entries(specialists)) chosen.push([`GUILD_MODEL_SPECIALIST_${id.toUpperCase()}`, profile]);
    for (const [variable, profile] of chosen) {
      if (profile?.startsWith("openai:"))
        throw invalid(variable, `${profile} needs OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL (for another OpenAI-compatible server)`);
    }
  }
  const embeddings =
    e.GUILD_EMBEDDINGS === undefined ? undefined : embeddingsProfile(e.GUILD_EMBEDDINGS, e.OPENAI_API_KEY, e.OPENAI_BASE_URL);
  const models: ModelSettings = {
    defaultModel: model,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    overrides: Object.freeze({ supervisor, specialists: Object.freeze(specialists) }),
    prices: Object.freeze(modelPrices(e.GUILD_MODEL_PRICES)),
    retry: Object.freeze({ timeoutMs: e.GUILD_MODEL_TIMEOUT_MS, maxRetries: e.GUILD_MODEL_MAX_RETRIES }),
    vision: Object.freeze(visionProfiles(e.GUILD_MODEL_VISION)),
  };
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.GUILD_DATA_DIR),
    databaseUrl: e.GUILD_DATABASE_URL,
    model,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    models: Object.freeze(models),
    embeddings,
    apiKeys: Object.freeze(
      (e.GUILD_API_KEYS ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
    ),
    oidc:
      e.GUILD_OIDC_ISSUER === undefined
        ? undefined
        : Object.freeze({
            issuer: e.GUILD_OIDC_ISSUER,
            audience: e.GUILD_OIDC_AUDIENCE,
            tenantClaim: e.GUILD_OIDC_TENANT_CLAIM,
            rolesClaim: e.GUILD_OIDC_ROLES_CLAIM,
            jwksUrl: e.GUILD_OIDC_JWKS_URL,
          }),
    webhooks: Object.freeze({ allowPrivate: e.GUILD_WEBHOOK_ALLOW_PRIVATE === "1" }),
    principals: Object.freeze(e.GUILD_AUTH_FILE === undefined ? [] : readAuthFile(path.resolve(cwd, e.GUILD_AUTH_FILE))),
    packDirs: Object.freeze(
      (e.GUILD_PACKS_DIRS ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.resolve(cwd, d)),
    ),
    leaseMs: e.GUILD_LEASE_MS,
    maxActiveRuns: e.GUILD_MAX_ACTIVE_RUNS,
    retention: Object.freeze({ historyMs: e.GUILD_RETENTION, auditMs: e.GUILD_RETENTION_AUDIT }),
    failpoint: e.GUILD_FAILPOINT,
    // MCP servers name the variables they need (`${ERP_TOKEN}`); the pack says which, not Guild.
    mcp: Object.freeze({ timeoutMs: e.GUILD_MCP_TIMEOUT_MS, env: Object.freeze({ ...vars }) }),
    logLevel: e.LOG_LEVEL,
  });
}
