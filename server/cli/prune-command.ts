import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import { DurationSchema } from "../../agents/text/duration.ts";
import type { GuildConfig } from "../config.ts";
import { openRuntime } from "../open-runtime.ts";
import type { CommandIO } from "./io.ts";

/**
 * `guild prune [--older-than 30d] [--audit-older-than 365d]`: deletes now the events and
 * checkpoints of runs finished longer ago than that (GUILD_RETENTION by default) and the webhook
 * deliveries settled that were made before then, and the audit trail past the audit's retention
 * when one is given (GUILD_RETENTION_AUDIT).
 */
export async function pruneCommand(args: readonly string[], config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { "older-than": { type: "string" }, "audit-older-than": { type: "string" } } });
  const duration = (flag: string, text: string | undefined, fallback: number | undefined): number | undefined => {
    if (text === undefined) return fallback;
    const parsed = DurationSchema.safeParse(text);
    if (!parsed.success)
      throw new GuildError("invalid_input", `--${flag}: ${parsed.error.issues[0]!.message}`, { details: { field: flag } });
    return parsed.data;
  };
  const historyMs = duration("older-than", values["older-than"], config.retention.historyMs);
  const auditMs = duration("audit-older-than", values["audit-older-than"], config.retention.auditMs);
  if (historyMs === undefined && auditMs === undefined) {
    io.stderr.write("guild prune: nothing to prune: give --older-than (e.g. 30d) or set GUILD_RETENTION\n");
    return 64;
  }
  const runtime = await openRuntime({ ...config, retention: {} as GuildConfig["retention"] }, log);
  try {
    const pruned = await runtime.prune({ historyMs, auditMs });
    io.stdout.write(
      `Pruned ${pruned.runs} finished run${pruned.runs === 1 ? "" : "s"}: ${pruned.events} events and their checkpoints deleted; ${pruned.audit} audit entries deleted; ${pruned.deliveries} webhook deliveries deleted\n`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}
