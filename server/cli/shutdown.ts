import type { Logger } from "pino";

/** How long runs under way get at shutdown to reach a pause or their end; with the 2 s drain, within Docker's 10 s. */
export const SHUTDOWN_GRACE_MS = 7_000;

/**
 * Resolves at the first SIGINT or SIGTERM; a second one stops the process at once (what is under
 * way resumes from its last checkpoint on the next start, here or in another process).
 */
export async function untilSignalled(log: Logger): Promise<NodeJS.Signals> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const force = (): never => {
    log.warn("second signal: stopping at once");
    process.exit(1);
  };
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  return signal;
}

/** What a process says it uses: the model, and where it keeps everything (never a password). */
export function describeSetup(
  model: { provider: string; name: string },
  storage: { databaseUrl: string | undefined; dataDir: string },
): string {
  const modelText = model.provider === "offline" ? "offline (deterministic rules, no language model)" : `${model.provider}:${model.name}`;
  if (!storage.databaseUrl) return `model ${modelText}, data ${storage.dataDir}`;
  const url = new URL(storage.databaseUrl);
  return `model ${modelText}, Postgres ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
