import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { GuildConfig } from "../config.ts";
import { createApp } from "../http/app.ts";
import { openRuntime } from "../open-runtime.ts";
import type { CommandIO } from "./run-command.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** `guild serve`: the HTTP server over the runtime, until SIGINT or SIGTERM. */
export async function serveCommand(config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  if (config.apiKeys.length === 0 && !LOOPBACK.has(config.host)) {
    io.stderr.write(`guild serve: refusing to bind ${config.host} without API keys; set GUILD_API_KEYS=<key>[,<key>...] or HOST=127.0.0.1\n`);
    return 64;
  }
  const runtime = await openRuntime(config, log);
  const server = createApp(runtime, log).listen(config.port, config.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  io.stdout.write(`Guild is listening on http://${host}:${port} (model ${runtime.model.provider}:${runtime.model.name}, data ${config.dataDir})\n`);

  const signal = await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  log.info({ signal }, "shutting down");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await runtime.close();
  return 0;
}
