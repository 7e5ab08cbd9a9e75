import path from "node:path";
import { GUILD_ROOT } from "../../agents/paths.ts";
import type { Logger } from "pino";
import type { GuildConfig } from "../config.ts";
import { openRuntime } from "../open-runtime.ts";
import { startServer } from "../start-server.ts";
import type { CommandIO } from "./io.ts";
import { describeSetup, SHUTDOWN_GRACE_MS, untilSignalled } from "./shutdown.ts";

/** Where `npm install` builds the web client. */
const CLIENT_DIST_DIR = path.join(GUILD_ROOT, "client", "dist");

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** `guild serve`: the HTTP server over the runtime, until SIGINT or SIGTERM. */
export async function serveCommand(config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  if (config.apiKeys.length === 0 && config.principals.length === 0 && !config.oidc && !LOOPBACK.has(config.host)) {
    io.stderr.write(
      `guild serve: refusing to bind ${config.host} without API keys; set GUILD_AUTH_FILE=<file>, GUILD_API_KEYS=<key>[,<key>...] or HOST=127.0.0.1\n`,
    );
    return 64;
  }
  const runtime = await openRuntime(config, log);
  const server = await startServer(runtime, {
    host: config.host,
    port: config.port,
    apiKeys: config.apiKeys,
    principals: config.principals,
    oidc: config.oidc,
    log,
    clientDir: CLIENT_DIST_DIR,
  });
  io.stdout.write(`Guild is listening on ${server.url} (${describeSetup(runtime.model, config)})\n`);

  const signal = await untilSignalled(log);
  log.info(
    { signal, graceMs: SHUTDOWN_GRACE_MS },
    "shutting down: no new connections; runs under way get a grace period, then resume from their last checkpoint on the next start",
  );
  // Connected clients keep following the runs while they wind down; then they are let go.
  server.stopAccepting();
  await runtime.drain({ graceMs: SHUTDOWN_GRACE_MS });
  await server.close();
  await runtime.close();
  log.info("stopped");
  return 0;
}
