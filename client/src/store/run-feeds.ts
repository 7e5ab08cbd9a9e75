import type { Run, RunEvent, TokenDelta } from "../../../server/contract/index.ts";
import { api } from "../api/rest.ts";
import { ACK_TIMEOUT_MS, acked, type GuildSocket } from "../api/socket.ts";
import { Observable } from "./observable.ts";

/** What a model is writing now: live token deltas, never replayed. */
export interface Writing {
  node: string;
  specialist?: string;
  text: string;
}

/** One followed run: its events (each seq once, in order), the run as REST last gave it, live text. */
export interface RunFeed {
  events: readonly RunEvent[];
  lastSeq: number;
  run?: Run;
  writing?: Writing;
  error?: string;
}

const EMPTY_FEED: RunFeed = { events: [], lastSeq: 0 };

/** Event types after which the text being written is finished. */
const ENDS_WRITING = new Set(["message", "node.completed", "run.completed", "run.failed", "run.cancelled"]);

/** How long to wait after an event before reading the run again (status, answer, usage). */
const RUN_REFRESH_DELAY_MS = 150;
const RETRY_DELAY_MS = 2_000;

/**
 * The runs this client follows, over `run:subscribe`. Each feed keeps the last seq it holds; on
 * every (re)connect it subscribes again from there, so nothing is missed or repeated. The seq is
 * also checked on arrival: a repeat is dropped, and a gap is filled from the event log over REST.
 */
export class RunFeeds {
  readonly feeds = new Observable<Readonly<Record<string, RunFeed>>>({});
  private readonly followers = new Map<string, number>();
  /** Events that arrived ahead of a gap, by run, until the gap is filled. */
  private readonly ahead = new Map<string, Map<number, RunEvent>>();
  private readonly filling = new Set<string>();
  private readonly refreshes = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly socket: GuildSocket,
    private readonly onEvent: (event: RunEvent) => void,
  ) {
    socket.on("run:event", (event) => this.receive(event.runId, [event]));
    socket.on("run:token", (token) => this.token(token));
    socket.on("connect", () => this.followers.forEach((_, runId) => void this.subscribe(runId)));
  }

  feed(runId: string): RunFeed {
    return this.feeds.get()[runId] ?? EMPTY_FEED;
  }

  /** Follows a run until the returned function is called; several followers share one subscription. */
  follow(runId: string): () => void {
    const count = this.followers.get(runId) ?? 0;
    this.followers.set(runId, count + 1);
    if (count === 0) {
      this.patch(runId, (feed) => feed);
      if (this.socket.connected) void this.subscribe(runId);
      void this.refreshRun(runId);
    }
    return () => {
      const left = (this.followers.get(runId) ?? 1) - 1;
      if (left > 0) return void this.followers.set(runId, left);
      this.followers.delete(runId);
      // The feed stays, with its last seq: following the run again asks only for what came after.
      if (this.socket.connected) this.socket.emit("run:unsubscribe", { runId });
    };
  }

  private async subscribe(runId: string): Promise<void> {
    const ack = await acked(
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("run:subscribe", { runId, afterSeq: this.feed(runId).lastSeq }),
    );
    if (!this.followers.has(runId)) return;
    if (!ack.ok) {
      this.patch(runId, (feed) => ({ ...feed, error: ack.error.message }));
      // A run that does not exist stays that way; anything else is worth another try.
      if (ack.error.code !== "not_found")
        setTimeout(() => this.followers.has(runId) && this.socket.connected && void this.subscribe(runId), RETRY_DELAY_MS);
      return;
    }
    this.patch(runId, ({ error: _, ...feed }) => feed);
    // The replay arrives before its acknowledgement; anything short of lastSeq was lost on the way.
    if (ack.lastSeq > this.feed(runId).lastSeq) void this.fill(runId);
  }

  /** Takes events of a run in any order, with repeats; keeps each seq once and in order. */
  private receive(runId: string, incoming: readonly RunEvent[]): void {
    if (!this.followers.has(runId)) return;
    const feed = this.feed(runId);
    const ahead = this.ahead.get(runId) ?? new Map<number, RunEvent>();
    for (const event of incoming) if (event.seq > feed.lastSeq) ahead.set(event.seq, event);
    const fresh: RunEvent[] = [];
    for (let next = feed.lastSeq + 1; ahead.has(next); next += 1) {
      fresh.push(ahead.get(next)!);
      ahead.delete(next);
    }
    this.ahead.set(runId, ahead);
    if (fresh.length > 0) {
      this.patch(runId, (current) => ({
        ...current,
        events: [...current.events, ...fresh],
        lastSeq: fresh.at(-1)!.seq,
        ...(fresh.some((e) => ENDS_WRITING.has(e.type)) ? { writing: undefined } : {}),
      }));
      fresh.forEach((event) => this.onEvent(event));
      this.scheduleRunRefresh(runId);
    }
    if (ahead.size > 0) void this.fill(runId);
  }

  /** Reads what the feed misses from the event log. */
  private async fill(runId: string): Promise<void> {
    if (this.filling.has(runId)) return;
    this.filling.add(runId);
    try {
      const { events } = await api<{ events: RunEvent[] }>(
        "GET",
        `/api/runs/${encodeURIComponent(runId)}/events?after=${this.feed(runId).lastSeq}`,
      );
      this.filling.delete(runId);
      this.receive(runId, events);
    } catch {
      this.filling.delete(runId);
    }
  }

  private token(token: TokenDelta): void {
    if (!this.followers.has(token.runId)) return;
    this.patch(token.runId, (feed) => {
      const same = feed.writing && feed.writing.node === token.node && feed.writing.specialist === token.specialist;
      const text = same ? feed.writing!.text + token.delta : token.delta;
      return { ...feed, writing: { node: token.node, ...(token.specialist ? { specialist: token.specialist } : {}), text } };
    });
  }

  private scheduleRunRefresh(runId: string): void {
    clearTimeout(this.refreshes.get(runId));
    this.refreshes.set(
      runId,
      setTimeout(() => void this.refreshRun(runId), RUN_REFRESH_DELAY_MS),
    );
  }

  /** Reads the run itself again: its status, answer, usage and pending approvals. */
  async refreshRun(runId: string): Promise<void> {
    try {
      const { run } = await api<{ run: Run }>("GET", `/api/runs/${encodeURIComponent(runId)}`);
      this.patch(runId, (feed) => ({ ...feed, run }));
    } catch (error) {
      this.patch(runId, (feed) => ({ ...feed, error: (error as Error).message }));
    }
  }

  private patch(runId: string, change: (feed: RunFeed) => RunFeed): void {
    this.feeds.update((feeds) => ({ ...feeds, [runId]: change(feeds[runId] ?? EMPTY_FEED) }));
  }
}
