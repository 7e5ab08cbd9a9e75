import type { Logger } from "pino";
import type { GuildConfig } from "../config.ts";
import type { CommandIO } from "./run-command.ts";

/** `guild serve`: placeholder until the HTTP server lands. */
export async function serveCommand(_config: GuildConfig, _log: Logger, io: CommandIO): Promise<number> {
  io.stderr.write("guild serve: not available yet\n");
  return 1;
}
