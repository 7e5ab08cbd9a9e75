import { pino } from "pino";
import { afterEach, beforeEach } from "vitest";
import type { OidcSettings, PrincipalEntry } from "../../server/auth/index.ts";
import type { Ack, Approval, ClientToServerEvents, RunEvent } from "../../server/contract/index.ts";
import type { Runtime, RuntimeOptions } from "../../server/runtime/index.ts";
import { startServer, type GuildServer } from "../../server/start-server.ts";
import { connectSocket, request, until, type ApiAnswer, type Client } from "./clients.ts";
import { freshStorage, openRuntime, type TestStorage } from "./runtime.ts";

export { request, until, type ApiAnswer, type Client } from "./clients.ts";

export interface TestServer {
  url: string;
  dir: string;
  /** Where the server keeps everything, on the engine under test. */
  storage: TestStorage;
  runtime: Runtime;
  server: GuildServer;
  /** A JSON request to the API; `body` may be a string to send as is. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** A connected socket.io client; closed with the server. */
  socket(options?: { token?: string }): Promise<Client>;
}

export interface TestServerOptions {
  apiKeys?: string[];
  /** An auth file's principals (see server/auth). */
  principals?: PrincipalEntry[];
  /** OIDC bearer tokens (read when each test's server starts, so a `beforeAll` may set it). */
  oidc?: OidcSettings;
  /** The key the `api` helper sends by default. */
  key?: string;
  runtime?: Partial<RuntimeOptions>;
  /** The built web client to serve at `/` (the browser tests). */
  clientDir?: string;
}

/** Starts a real server on port 0 over a fresh data directory, for each test of the file. */
export function useServer(options: TestServerOptions = {}): TestServer {
  const context = {} as TestServer;
  const clients: Client[] = [];
  beforeEach(async () => {
    const storage = await freshStorage();
    const runtime = await openRuntime(storage, options.runtime);
    const server = await startServer(runtime, {
      host: "127.0.0.1",
      port: 0,
      apiKeys: options.apiKeys ?? [],
      principals: options.principals ?? [],
      oidc: options.oidc,
      log: pino({ level: "silent" }),
      ...(options.clientDir ? { clientDir: options.clientDir } : {}),
    });
    Object.assign(context, {
      url: server.url,
      dir: storage.dataDir,
      storage,
      runtime,
      server,
      api: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        request(server.url, method, path, body, { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...headers }),
      socket: async (socketOptions: { token?: string } = {}) => {
        const client = await connectSocket(server.url, socketOptions.token ?? options.key);
        clients.push(client);
        return client;
      },
    });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    await context.server.close();
    await context.runtime.close();
    await context.storage.remove();
  });
  return context;
}

/** Calls a socket event and resolves with its acknowledgement. */
export function call<T extends object = object>(client: Client, event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<T>> {
  return (client.timeout(10_000) as any).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Collects every `run:event` a client receives. */
export function collectEvents(client: Client): RunEvent[] {
  const events: RunEvent[] = [];
  client.on("run:event", (event) => events.push(event));
  return events;
}

/** Runs posted at once are admitted a few at a time (GUILD_MAX_ACTIVE_RUNS): the last waits its turn. */
const PENDING_WAIT_MS = 60_000;

/** The pending approvals of a run, over REST, once there are some or the run has ended. */
export async function pendingOf(t: Pick<TestServer, "api">, runId: string): Promise<{ status: string; approvals: Approval[] }> {
  return until(
    `run ${runId} to pause or end`,
    async () => {
      const { body } = await t.api("GET", `/api/runs/${runId}`);
      const run = body.run;
      if (run.status === "awaiting_approval" && run.pendingApprovals.length > 0)
        return { status: run.status, approvals: run.pendingApprovals as Approval[] };
      if (["completed", "failed", "cancelled"].includes(run.status)) return { status: run.status as string, approvals: [] };
      return undefined;
    },
    PENDING_WAIT_MS,
  );
}
