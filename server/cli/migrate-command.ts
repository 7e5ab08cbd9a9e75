import { pino } from "pino";
import type { GuildConfig } from "../config.ts";
import { migrateStorage } from "../runtime/storage/index.ts";
import type { CommandIO } from "./io.ts";

/**
 * `guild migrate`: brings the storage's schema up to this version of Guild and exits. Servers and
 * workers also migrate at start-up (under an advisory lock, so processes starting together
 * migrate once); this is for deploying the schema change before the new processes.
 */
export async function migrateCommand(config: GuildConfig, io: CommandIO): Promise<number> {
  const log = pino({ level: "silent" });
  const { kind, applied } = await migrateStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  if (kind === "sqlite") io.stdout.write(`SQLite under ${config.dataDir}: up to date\n`);
  else
    io.stdout.write(
      applied.length > 0 ? `Postgres: applied migrations ${applied.join(", ")}\n` : "Postgres: up to date, nothing to apply\n",
    );
  return 0;
}
