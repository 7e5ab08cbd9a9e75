import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Authenticator, oidcVerifier, principalsOfKeys, type OidcSettings, type PrincipalEntry } from "./auth/index.ts";
import { answerClientError, createApp } from "./http/index.ts";
import { createMetrics } from "./metrics/index.ts";
import type { Runtime } from "./runtime/index.ts";
import { SocketGateway, type GuildSocketServer } from "./socket/index.ts";

export interface ServerOptions {
  host: string;
  port: number;
  /** `GUILD_API_KEYS`: each key a principal with every role, in the default tenant. */
  apiKeys: readonly string[];
  /** `GUILD_AUTH_FILE`'s principals. */
  principals?: readonly PrincipalEntry[];
  /** OIDC bearer tokens, verified against the issuer's keys. */
  oidc?: OidcSettings | undefined;
  log: Logger;
  /** The built web client, served at `/`. */
  clientDir?: string;
  /** How long shutdown waits for requests in flight before closing their connections. */
  drainMs?: number;
}

export interface GuildServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  io: GuildSocketServer;
  /** Takes no new connections; clients already connected keep being served. */
  stopAccepting(): void;
  /** Stops accepting, disconnects sockets, lets requests in flight finish; the runtime stays open. */
  close(): Promise<void>;
}

/** The largest socket message a client may send, like the REST body limit. */
const MAX_SOCKET_MESSAGE_BYTES = 256 * 1024;

/** Serves the REST API, Socket.IO and the web client on one HTTP server over a runtime. */
export async function startServer(runtime: Runtime, options: ServerOptions): Promise<GuildServer> {
  const auth = new Authenticator(
    [...principalsOfKeys(options.apiKeys), ...(options.principals ?? [])],
    options.oidc ? oidcVerifier(options.oidc) : undefined,
  );
  const metrics = createMetrics(runtime);
  const app = createApp(runtime, { log: options.log, auth, metrics, ...(options.clientDir ? { clientDir: options.clientDir } : {}) });
  const server = http.createServer(app);
  // Idle keep-alive connections are kept longer than clients and proxies keep theirs (commonly
  // 60 s), so the server never closes one just as a client sends on it (the client would get
  // ECONNRESET, more often while a long step holds the event loop). Shutdown closes them at once.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on("clientError", answerClientError);
  const gateway = new SocketGateway(server, runtime, { auth, log: options.log, maxMessageBytes: MAX_SOCKET_MESSAGE_BYTES });
  server.listen(options.port, options.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;

  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const stopAccepting = (): void => {
    if (server.listening) server.close();
  };
  let closing: Promise<void> | undefined;
  // Shutdown closes each connection as its response ends, rather than keeping it idle for the
  // keep-alive time: responses begun before shutdown are marked when it starts, later ones here.
  const inFlight = new Set<http.ServerResponse>();
  const closeAfter = (response: http.ServerResponse): void => {
    if (!response.headersSent) response.setHeader("connection", "close");
    response.once("finish", () => setImmediate(() => server.closeIdleConnections()));
  };
  server.prependListener("request", (_request, response: http.ServerResponse) => {
    if (closing !== undefined) return closeAfter(response);
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
  });
  const close = async (): Promise<void> => {
    stopAccepting();
    metrics.close();
    inFlight.forEach(closeAfter);
    // Socket.IO's close resolves only once the HTTP server has closed, so it runs beside the drain.
    const gatewayClosed = gateway.close();
    server.closeIdleConnections();
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), options.drainMs ?? 2_000).unref()),
    ]);
    if (!drained) {
      options.log.warn("requests still in flight at shutdown; closing their connections");
      server.closeAllConnections();
    }
    await Promise.all([closed, gatewayClosed]);
  };
  return { url: `http://${host}:${port}`, io: gateway.io, stopAccepting, close: () => (closing ??= close()) };
}
