import type { Approval, Decision, RunEvent, TokenDelta } from "./types.ts";

/** An error as REST bodies and socket acks carry it. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** The answer to a client's socket call: `ok` with its fields, or the error, as REST would give it. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/** What a client may send over Socket.IO; each takes an optional acknowledgement callback. */
export interface ClientToServerEvents {
  /** Replays every event after `afterSeq` (0 by default), then follows live; acks with the last seq replayed. */
  "run:subscribe": (payload: { runId: string; afterSeq?: number }, ack?: (reply: Ack<{ lastSeq: number }>) => void) => void;
  "run:unsubscribe": (payload: { runId: string }, ack?: (reply: Ack) => void) => void;
  /** Follows approvals of every run of the tenant; acks with the approvals pending now, a page at a time (`nextCursor` when there are more). */
  "inbox:subscribe": (
    payload: { limit?: number; cursor?: string },
    ack?: (reply: Ack<{ approvals: Approval[]; nextCursor?: string }>) => void,
  ) => void;
  "approval:decide": (payload: { approvalId: string; decision: Decision }, ack?: (reply: Ack<{ approval: Approval }>) => void) => void;
}

/** What the server sends over Socket.IO. */
export interface ServerToClientEvents {
  "run:event": (event: RunEvent) => void;
  /** Live only: never replayed; the finished message arrives as a `message` event. */
  "run:token": (token: TokenDelta) => void;
  "approval:requested": (approval: Approval) => void;
  "approval:resolved": (approval: Approval) => void;
  /** The policy escalated a pending approval: it waited past its deadline, or feedback rounds ran out. */
  "approval:escalated": (approval: Approval) => void;
}
