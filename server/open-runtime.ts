import type { Logger } from "pino";
import { killAt } from "../agents/faults/index.ts";
import { createEmbedder } from "../agents/models/index.ts";
import { BUILTIN_PACKS_DIR } from "../agents/packs/index.ts";
import type { GuildConfig } from "./config.ts";
import { Runtime } from "./runtime/index.ts";

/** Opens the runtime the configuration describes: its data directory, packs and models. */
export function openRuntime(config: GuildConfig, logger: Logger): Promise<Runtime> {
  return Runtime.open({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    models: config.models,
    packDirs: [BUILTIN_PACKS_DIR, ...config.packDirs],
    logger,
    leaseMs: config.leaseMs,
    ...(config.maxActiveRuns ? { maxActiveRuns: config.maxActiveRuns } : {}),
    retention: config.retention,
    mcp: config.mcp,
    webhooks: config.webhooks,
    ...(config.failpoint ? { failpoint: killAt(config.failpoint) } : {}),
    ...(config.embeddings ? { embedder: createEmbedder(config.embeddings, config.models) } : {}),
  });
}
