import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { GuildConfig } from "../config.ts";
import { openRuntime } from "../open-runtime.ts";
import { startServer } from "../start-server.ts";
import type { CommandIO } from "./run-command.ts";

/** Where `npm install` builds the web client. */
const CLIENT_DIST_DIR = fileURLToPath(new URL("../../client/dist", import.meta.url));

/** How long runs under way get at shutdown to reach a pause or their end; with the 2 s drain, within Docker's 10 s. */
const SHUTDOWN_GRACE_MS = 7_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** `guild serve`: the HTTP server over the runtime, until SIGINT or SIGTERM. */
export async function serveCommand(config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  if (config.apiKeys.length === 0 && !LOOPBACK.has(config.host)) {
    io.stderr.write(`guild serve: refusing to bind ${config.host} without API keys; set GUILD_API_KEYS=<key>[,<key>...] or HOST=127.0.0.1\n`);
    return 64;
  }
  const runtime = await openRuntime(config, log);
  const server = await startServer(runtime, { host: config.host, port: config.port, apiKeys: config.apiKeys, log, clientDir: CLIENT_DIST_DIR });
  const model = runtime.model.provider === "offline" ? "offline (deterministic rules, no language model)" : `${runtime.model.provider}:${runtime.model.name}`;
  io.stdout.write(`Guild is listening on ${server.url} (model ${model}, data ${config.dataDir})\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  // A second signal means now: what is under way resumes from its last checkpoint on the next start.
  const force = (): never => {
    log.warn("second signal: stopping at once");
    process.exit(1);
  };
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  log.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, "shutting down: no new connections; runs under way get a grace period, then resume from their last checkpoint on the next start");
  // Connected clients keep following the runs while they wind down; then they are let go.
  server.stopAccepting();
  await runtime.drain({ graceMs: SHUTDOWN_GRACE_MS });
  await server.close();
  await runtime.close();
  log.info("stopped");
  return 0;
}
