import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import type { Failpoint, RetryOptions } from "../../agents/faults/index.ts";
import type { Embedder } from "../../agents/knowledge/index.ts";
import type { ModelSettings } from "../../agents/models/index.ts";
import type { Pack } from "../../agents/packs/index.ts";
import type { Principal } from "../contract/index.ts";
import type { McpSettings, ModelFactory } from "./engine.ts";
import type { RetentionPolicy } from "./retention.ts";
import type { WebhookSettings } from "./webhooks/index.ts";

export interface RuntimeOptions {
  /** Where the embedded (SQLite) databases live. */
  dataDir: string;
  /** `postgres://...`: keep everything in that database instead, shared by any number of processes. */
  databaseUrl?: string | undefined;
  models: ModelSettings;
  /** Makes models in place of the configured providers (embedding, scripted tests). */
  modelFactory?: ModelFactory;
  /** Folders of packs; the built-in packs by default. */
  packDirs?: readonly string[];
  logger?: Logger;
  /** How long a process owns a run it executes before another may take it over. */
  leaseMs?: number;
  /** How many runs this process executes at once (more wait, queued); `defaultMaxActiveRuns()` by default. */
  maxActiveRuns?: number;
  /** How often to look for runs that need an owner (0: only at open); the lease or 5 s by default, whichever is shorter. */
  sweepMs?: number;
  /**
   * How often to look for events stored by other processes sharing the storage (0: never); 250 ms
   * on SQLite, 1 s on Postgres (where other processes signal, and this is the safety net).
   */
  feedPollMs?: number;
  /** How often to apply the policy to approvals past their deadline (0: only at open). */
  approvalCheckMs?: number;
  /** Crash tests only: where to kill the process (see agents/faults). */
  failpoint?: Failpoint;
  /** How long finished runs keep their events, checkpoints and audit trail (see retention.ts); for ever by default. */
  retention?: RetentionPolicy;
  /** How long storage waits out a busy database or a dropped connection (tests shorten it). */
  storageRetry?: Omit<RetryOptions, "onRetry">;
  /** Packs' MCP servers: the environment their `${VAR}`s come from, and the default call deadline. */
  mcp?: Omit<McpSettings, "log">;
  /** Embeds the packs' passages at open, which makes retrieval hybrid (BM25 alone without it). */
  embedder?: Embedder;
  /** Where passage vectors are cached by content hash; `<dataDir>/embeddings` by default. */
  embeddingsCacheDir?: string;
  /** How webhooks are sent (retries, deadlines, private receivers). */
  webhooks?: WebhookSettings;
}

/** Options of a new run that are not part of the run itself. */
export interface StartRunOptions {
  /** A client's key for the request: the same key gives back the run it created (within the principal's tenant). */
  idempotencyKey?: string;
  /** Who starts it: the run is its tenant's. The loopback development principal by default. */
  principal?: Principal;
}

/**
 * Runs executing at once per process, by default. A run of a language model waits on the model
 * most of the time: four per core, at least 4 and at most 32. The offline model works on the CPU:
 * one per core, since more at once only makes each one slower (and a reviewer waits longer for
 * what follows a decision).
 */
export function defaultMaxActiveRuns(models: ModelSettings): number {
  const profiles = [models.defaultModel, models.overrides?.supervisor, ...Object.values(models.overrides?.specialists ?? {})];
  const cpuBound = profiles.every((profile) => profile === undefined || profile === "offline");
  return cpuBound ? Math.max(1, availableParallelism()) : Math.min(32, Math.max(4, availableParallelism() * 4));
}

/** A model configured for a specialist no loaded pack has is a typo: refuse it rather than ignore it. */
export function checkModelOverrides(models: ModelSettings, packs: readonly Pack[]): void {
  const known = new Set(packs.flatMap((p) => p.specialists.map((s) => s.id)));
  for (const id of Object.keys(models.overrides?.specialists ?? {})) {
    if (known.has(id)) continue;
    const variable = `GUILD_MODEL_SPECIALIST_${id.toUpperCase()}`;
    throw new GuildError("invalid_config", `${variable}: no specialist '${id}' in the loaded packs; they have ${[...known].join(", ")}`, {
      details: { variable },
    });
  }
}
