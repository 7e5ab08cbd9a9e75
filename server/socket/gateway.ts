import type http from "node:http";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
import { ApiKeys, checkLocalHost } from "../auth/index.ts";
import {
  DecideOverSocketSchema,
  SubscribeInboxSchema,
  SubscribeRunSchema,
  UnsubscribeRunSchema,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "../contract/index.ts";
import { toClientError } from "../errors/index.ts";
import { zodFailure, type Runtime } from "../runtime/index.ts";
import { RunSubscription } from "./run-subscription.ts";

type GuildSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
export type GuildSocketServer = Server<ClientToServerEvents, ServerToClientEvents>;

const INBOX = "inbox";

/** A run subscription and the socket it sends to. */
type Follower = RunSubscription & { socket: GuildSocket };

export interface GatewayOptions {
  apiKeys: ApiKeys;
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
function admission(apiKeys: ApiKeys, req: http.IncomingMessage): string | undefined {
  if (apiKeys.required) return undefined;
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
  /** Subscriptions by run, for delivering live events and tokens. */
  private readonly followers = new Map<string, Set<Follower>>();
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
        const refused = admission(options.apiKeys, req);
        callback(refused ?? null, refused === undefined);
      },
    });
    this.io.use((socket, next) => {
      try {
        const auth = socket.handshake.auth as { token?: unknown } | undefined;
        options.apiKeys.check(typeof auth?.token === "string" ? auth.token : ApiKeys.bearer(socket.handshake.headers.authorization));
        next();
      } catch (error) {
        const { body } = toClientError(error, options.log);
        next(Object.assign(new Error(body.message), { data: body }));
      }
    });
    this.io.on("connection", (socket) => this.onConnection(socket));
    this.stopListening = [
      runtime.onEvent((event) => this.followers.get(event.runId)?.forEach((s) => s.deliver(event))),
      runtime.onToken((token) => this.followers.get(token.runId)?.forEach((s) => s.socket.emit("run:token", token))),
      runtime.bus.on("approval", ({ type, approval }) => this.io.to(INBOX).emit(type === "requested" ? "approval:requested" : "approval:resolved", approval)),
    ];
  }

  /** Disconnects every client and stops following the runtime. */
  async close(): Promise<void> {
    this.stopListening.forEach((stop) => stop());
    await this.io.close();
  }

  private onConnection(socket: GuildSocket): void {
    const mine = new Map<string, Follower>();
    const log = this.options.log.child({ socket: socket.id });
    log.debug("socket connected");

    socket.on("run:subscribe", (...args) =>
      this.answer(args, (payload) => {
        const { runId, afterSeq } = parse(SubscribeRunSchema, payload, "invalid run:subscribe");
        const lastSeq = this.runtime.lastSeq(this.runtime.getRun(runId).id);
        if ((afterSeq ?? 0) > lastSeq) {
          throw new GuildError("invalid_input", `invalid run:subscribe: afterSeq: the run's log ends at seq ${lastSeq}`, { details: { field: "afterSeq", lastSeq } });
        }
        this.unfollow(mine.get(runId));
        const subscription = Object.assign(new RunSubscription(this.runtime, runId, afterSeq ?? 0, (event) => socket.emit("run:event", event)), { socket });
        // Replaying and joining happen in one turn of the event loop, so no live event falls between.
        subscription.replay();
        mine.set(runId, subscription);
        this.follow(subscription);
        log.debug({ runId, afterSeq, lastSeq: subscription.lastSeq }, "subscribed");
        return { lastSeq: subscription.lastSeq };
      }),
    );
    socket.on("run:unsubscribe", (...args) =>
      this.answer(args, (payload) => {
        const { runId } = parse(UnsubscribeRunSchema, payload, "invalid run:unsubscribe");
        this.unfollow(mine.get(runId));
        mine.delete(runId);
        return {};
      }),
    );
    socket.on("inbox:subscribe", (...args) =>
      this.answer(args, (payload) => {
        parse(SubscribeInboxSchema, payload ?? {}, "invalid inbox:subscribe");
        void socket.join(INBOX);
        return { approvals: this.runtime.listApprovals({ status: "pending" }) };
      }),
    );
    socket.on("approval:decide", (...args) =>
      this.answer(args, async (payload) => {
        const { approvalId, decision } = parse(DecideOverSocketSchema, payload, "invalid approval:decide");
        const approval = await this.runtime.decide(approvalId, decision);
        log.info({ runId: approval.runId, approvalId, status: approval.status }, "approval decided over the socket");
        return { approval };
      }),
    );
    socket.on("disconnect", (reason) => {
      mine.forEach((s) => this.unfollow(s));
      mine.clear();
      log.debug({ reason }, "socket disconnected");
    });
  }

  private follow(subscription: Follower): void {
    let set = this.followers.get(subscription.runId);
    if (!set) this.followers.set(subscription.runId, (set = new Set()));
    set.add(subscription);
  }

  private unfollow(subscription: Follower | undefined): void {
    if (!subscription) return;
    const set = this.followers.get(subscription.runId);
    set?.delete(subscription);
    if (set?.size === 0) this.followers.delete(subscription.runId);
  }

  /**
   * Runs a client's call and acknowledges with its result or its error, as REST would answer it.
   * A call sent without a payload has its acknowledgement first: it is answered all the same.
   */
  private answer<T extends object>(args: unknown[], call: (payload: unknown) => T | Promise<T>): void {
    const [first, second] = args;
    const [payload, ack] = typeof first === "function" ? [undefined, first] : [first, second];
    const reply = typeof ack === "function" ? (ack as (reply: Ack<T>) => void) : () => {};
    Promise.resolve()
      .then(() => call(payload))
      .then(
        (result) => reply({ ok: true, ...result }),
        (error: unknown) => reply({ ok: false, error: toClientError(error, this.options.log).body }),
      );
  }
}

function parse<S extends z.ZodType>(schema: S, payload: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw zodFailure(what, parsed.error);
  return parsed.data;
}
