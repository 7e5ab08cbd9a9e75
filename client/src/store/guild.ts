import type { ModelSummary, PackSummary, Principal } from "../../../server/contract/index.ts";
import { api, ApiError } from "../api/rest.ts";
import { openSocket, type GuildSocket } from "../api/socket.ts";
import { Inbox } from "./inbox.ts";
import { Observable } from "./observable.ts";
import { RunFeeds } from "./run-feeds.ts";
import { RunsList } from "./runs.ts";

/** `GET /api/health`. */
export interface Health {
  status: "ok";
  model: ModelSummary;
  storage: { kind: string };
}

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "needs_key";

export interface ServerState {
  health?: Health;
  packs: readonly PackSummary[];
  /** Set when the server wants an API key this client does not have (401) or refused the one it has. */
  needsKey: boolean;
  error?: string;
}

/** Everything the client knows and keeps live: the connection, the server, the runs, the inbox. */
export interface Guild {
  socket: GuildSocket;
  connection: Observable<ConnectionState>;
  server: Observable<ServerState>;
  runs: RunsList;
  feeds: RunFeeds;
  inbox: Inbox;
  /** A short message for screen readers and the status line (a decision sent, a run started). */
  announcement: Observable<string>;
  /** The reviewer's name, sent with each decision for the audit trail (without keys only); remembered in this browser. */
  reviewer: Observable<string>;
  /** Who the server says this client is (`GET /api/me`); undefined until read. */
  me: Observable<Principal | undefined>;
}

/** Whether a principal holds a role (`*` holds every role). */
export function holds(me: Principal | undefined, role: string): boolean {
  return me !== undefined && (me.roles.includes(role) || me.roles.includes("*"));
}

const REVIEWER_KEY = "guild.reviewer";

/** Opens the socket and reads the server once; the stores keep themselves live from there. */
export function createGuild(): Guild {
  const socket = openSocket();
  const connection = new Observable<ConnectionState>("connecting");
  const server = new Observable<ServerState>({ packs: [], needsKey: false });
  const me = new Observable<Principal | undefined>(undefined);
  const runs = new RunsList();
  const inbox = new Inbox(socket, () => runs.changed());
  const feeds = new RunFeeds(socket, () => runs.changed());

  const needsKey = (): void => server.update((state) => ({ ...state, needsKey: true }));
  socket.on("connect", () => connection.set("connected"));
  socket.on("disconnect", () => connection.set("reconnecting"));
  socket.on("connect_error", (error) => {
    const code = (error as Error & { data?: { code?: string } }).data?.code;
    if (code === "unauthorized") {
      connection.set("needs_key");
      needsKey();
    } else connection.set("reconnecting");
  });
  // Whatever happened while the socket was away, the list is read again.
  socket.io.on("reconnect", () => runs.changed());

  void (async () => {
    try {
      const [health, { packs }, who] = await Promise.all([
        api<Health>("GET", "/api/health"),
        api<{ packs: PackSummary[] }>("GET", "/api/packs"),
        api<{ principal: Principal }>("GET", "/api/me"),
      ]);
      me.set(who.principal);
      server.update((state) => ({ ...state, health, packs }));
      await runs.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) needsKey();
      else server.update((state) => ({ ...state, error: (error as Error).message }));
    }
  })();

  const reviewer = new Observable(localStorage.getItem(REVIEWER_KEY) ?? "");
  reviewer.subscribe(() => localStorage.setItem(REVIEWER_KEY, reviewer.get()));

  return { socket, connection, server, runs, feeds, inbox, announcement: new Observable(""), reviewer, me };
}
