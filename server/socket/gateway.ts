import type http from "node:http";
import type { Logger } from "pino";
import { Server, type Socket } from "socket.io";
import { Authenticator, checkLocalHost } from "../auth/index.ts";
import {
  DecideOverSocketSchema,
  SubscribeInboxSchema,
  SubscribeRunSchema,
  UnsubscribeRunSchema,
  type Ack,
  type ClientToServerEvents,
  type Principal,
  type ServerToClientEvents,
} from "../contract/index.ts";
import { GuildError } from "../../agents/errors/index.ts";
import { toClientError } from "../errors/index.ts";
import { parseInput, type Following, type Runtime } from "../runtime/index.ts";

/** What the server keeps on each socket: who it is, from its handshake. */
interface SocketData {
  principal: Principal;
}

type GuildSocket = Socket<ClientToServerEvents, ServerToClientEvents, never, SocketData>;
export type GuildSocketServer = Server<ClientToServerEvents, ServerToClientEvents, never, SocketData>;

/** How many runs one socket may follow at once, and how many subscriptions it may have under way (each replays a log). */
const MAX_FOLLOWED_RUNS = 100;
const MAX_SUBSCRIBING = 4;

/** The room of a tenant's approval inbox: no socket hears of another tenant's approvals. */
const inboxRoom = (tenant: string): string => `inbox:${tenant}`;

/** The room of a run's live tokens: sockets subscribed to the run. */
const runRoom = (runId: string): string => `run:${runId}`;

export interface GatewayOptions {
  auth: Authenticator;
  log: Logger;
  /** The largest message a client may send, in bytes. */
  maxMessageBytes: number;
}

/** Browsers send Origin: a page of another site must not drive a reviewer's Guild through their browser. */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Without API keys, only loopback names from the same origin (see checkLocalHost). With keys, a
 * socket must present one, which no other site's page has; a proxy may then rewrite Host freely.
 */
function admission(auth: Authenticator, req: http.IncomingMessage): string | undefined {
  if (auth.required) return undefined;
  try {
    checkLocalHost(req.headers.host);
  } catch (error) {
    return (error as Error).message;
  }
  return sameOrigin(req) ? undefined : "cross-origin connections are not allowed without API keys";
}

/**
 * The Socket.IO side of the contract: run subscriptions with replay from the event log, live
 * tokens, the approval inbox, and decisions with the same rules and errors as REST.
 */
export class SocketGateway {
  readonly io: GuildSocketServer;
  private readonly stopListening: (() => void)[];

  constructor(
    httpServer: http.Server,
    private readonly runtime: Runtime,
    private readonly options: GatewayOptions,
  ) {
    this.io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: options.maxMessageBytes,
      allowRequest: (req, callback) => {
        const refused = admission(options.auth, req);
        callback(refused ?? null, refused === undefined);
      },
    });
    this.io.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === "string" ? auth.token : Authenticator.bearer(socket.handshake.headers.authorization);
      options.auth.authenticate(token).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        (error: unknown) => {
          const { body } = toClientError(error, options.log);
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
    this.io.on("connection", (socket) => this.onConnection(socket));
    this.stopListening = [
      runtime.onToken((token) => this.io.to(runRoom(token.runId)).emit("run:token", token)),
      runtime.bus.on("approval", ({ type, approval, tenant }) => this.io.to(inboxRoom(tenant)).emit(`approval:${type}`, approval)),
    ];
  }

  /** Disconnects every client and stops following the runtime. */
  async close(): Promise<void> {
    this.stopListening.forEach((stop) => stop());
    await this.io.close();
  }

  private onConnection(socket: GuildSocket): void {
    // The runs this socket follows; events come through the runtime, each with its own cursor.
    const mine = new Map<string, Following>();
    const unfollow = (runId: string): void => {
      mine.get(runId)?.stop();
      mine.delete(runId);
      void socket.leave(runRoom(runId));
    };
    const { principal } = socket.data;
    const log = this.options.log.child({ socket: socket.id, principal: principal.id });
    log.debug("socket connected");

    let subscribing = 0;
    socket.on("run:subscribe", (...args) =>
      this.answer(args, async (payload) => {
        const { runId, afterSeq } = parseInput(SubscribeRunSchema, payload, "invalid run:subscribe");
        if (!mine.has(runId) && mine.size >= MAX_FOLLOWED_RUNS) {
          throw new GuildError("not_allowed", `a socket follows at most ${MAX_FOLLOWED_RUNS} runs at once; unsubscribe from one first`, {
            details: { limit: MAX_FOLLOWED_RUNS },
          });
        }
        if (subscribing >= MAX_SUBSCRIBING) {
          throw new GuildError(
            "not_allowed",
            `at most ${MAX_SUBSCRIBING} subscriptions of one socket are replayed at once; wait for their acknowledgements`,
            { details: { limit: MAX_SUBSCRIBING } },
          );
        }
        subscribing += 1;
        const following = await this.runtime
          .follow(runId, afterSeq ?? 0, (event) => socket.emit("run:event", event), principal)
          .finally(() => (subscribing -= 1));
        // Subscribing again replaces the earlier subscription, once the new one stands.
        mine.get(runId)?.stop();
        mine.set(runId, following);
        void socket.join(runRoom(runId));
        log.debug({ runId, afterSeq, lastSeq: following.lastSeq }, "subscribed");
        return { lastSeq: following.lastSeq };
      }),
    );
    socket.on("run:unsubscribe", (...args) =>
      this.answer(args, (payload) => {
        unfollow(parseInput(UnsubscribeRunSchema, payload, "invalid run:unsubscribe").runId);
        return {};
      }),
    );
    socket.on("inbox:subscribe", (...args) =>
      this.answer(args, async (payload) => {
        const page = parseInput(SubscribeInboxSchema, payload ?? {}, "invalid inbox:subscribe");
        void socket.join(inboxRoom(principal.tenant));
        return this.runtime.pageApprovals({ status: "pending", ...page }, principal);
      }),
    );
    socket.on("approval:decide", (...args) =>
      this.answer(args, async (payload) => {
        const { approvalId, decision } = parseInput(DecideOverSocketSchema, payload, "invalid approval:decide");
        const approval = await this.runtime.decide(approvalId, decision, { via: "socket", principal });
        log.info({ runId: approval.runId, approvalId, status: approval.status }, "approval decided over the socket");
        return { approval };
      }),
    );
    socket.on("disconnect", (reason) => {
      mine.forEach((following) => following.stop());
      mine.clear();
      log.debug({ reason }, "socket disconnected");
    });
  }

  /**
   * Runs a client's call and acknowledges with its result or its error, as REST would answer it.
   * A call sent without a payload has its acknowledgement first: it is answered all the same.
   */
  private answer<T extends object>(args: unknown[], call: (payload: unknown) => T | Promise<T>): void {
    const [first, second] = args;
    const [payload, ack] = typeof first === "function" ? [undefined, first] : [first, second];
    const reply = typeof ack === "function" ? (ack as (reply: Ack<T>) => void) : () => {};
    const answered = async (): Promise<Ack<T>> => {
      const result: T = await call(payload);
      return { ok: true, ...result };
    };
    Promise.resolve()
      .then(answered)
      .then(reply, (error: unknown) => reply({ ok: false, error: toClientError(error, this.options.log).body }));
  }
}
