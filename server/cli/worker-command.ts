import type { Logger } from "pino";
import type { GuildConfig } from "../config.ts";
import { openRuntime } from "../open-runtime.ts";
import type { CommandIO } from "./io.ts";
import { describeSetup, SHUTDOWN_GRACE_MS, untilSignalled } from "./shutdown.ts";

/**
 * `guild worker`: executes runs without serving HTTP, until SIGINT or SIGTERM. On Postgres it
 * takes over runs whose process died, resumes runs decided elsewhere and applies deadlines, beside
 * any number of `guild serve` processes on the same database.
 */
export async function workerCommand(config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  if (!config.databaseUrl) {
    io.stderr.write(
      "guild worker: note: without GUILD_DATABASE_URL the worker shares the SQLite files under GUILD_DATA_DIR, on this machine only\n",
    );
  }
  const runtime = await openRuntime(config, log);
  io.stdout.write(`Guild worker is executing runs (${describeSetup(runtime.model, config)})\n`);
  const signal = await untilSignalled(log);
  log.info(
    { signal, graceMs: SHUTDOWN_GRACE_MS },
    "shutting down: runs under way get a grace period, then resume from their last checkpoint elsewhere or on the next start",
  );
  await runtime.drain({ graceMs: SHUTDOWN_GRACE_MS });
  await runtime.close();
  log.info("stopped");
  return 0;
}
