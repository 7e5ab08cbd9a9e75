import type { Approval, Decision } from "../../../server/contract/index.ts";
import { api, ApiError } from "../api/rest.ts";
import { ACK_TIMEOUT_MS, acked, type GuildSocket } from "../api/socket.ts";
import { Observable } from "./observable.ts";

/** An approval this client showed as pending that someone else decided (or that expired). */
export interface DecidedElsewhere {
  approval: Approval;
  /** What the reviewer tried, when they tried and lost the race. */
  attempted?: Decision["type"];
}

export interface InboxState {
  /** Every pending approval across runs, oldest first. */
  pending: readonly Approval[];
  /** Cards that stay on screen to say why they can no longer be decided, until dismissed. */
  decidedElsewhere: Readonly<Record<string, DecidedElsewhere>>;
  /** Whether the pending list has been read from the server at least once. */
  loaded: boolean;
}

/** The outcome of a decision: sent, or lost to another reviewer (the card then says so). */
export type DecideOutcome = { ok: true; approval: Approval } | { ok: false; conflict: Approval };

const byCreation = (a: Approval, b: Approval): number => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * The approval inbox: what is pending across runs, kept live by `inbox:subscribe` (whose
 * acknowledgement lists everything pending, on every connect) and `approval:*` events.
 */
export class Inbox {
  readonly state = new Observable<InboxState>({ pending: [], decidedElsewhere: {}, loaded: false });
  /**
   * Approvals this client is deciding or has decided: their `approval:resolved` is no news, and it
   * may arrive before the decision's own answer. Losing the race is reported by that answer (409).
   */
  private readonly decidedHere = new Set<string>();

  constructor(
    private readonly socket: GuildSocket,
    private readonly onChange: () => void,
  ) {
    socket.on("connect", () => void this.subscribe());
    socket.on("approval:requested", (approval) => this.requested(approval));
    socket.on("approval:resolved", (approval) => this.resolved(approval));
    socket.on("approval:escalated", (approval) => this.escalated(approval));
  }

  private async subscribe(): Promise<void> {
    const ack = await acked(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("inbox:subscribe", {}));
    if (!ack.ok) return;
    this.state.update((state) => ({ ...state, pending: [...ack.approvals].sort(byCreation), loaded: true }));
    this.onChange();
  }

  private requested(approval: Approval): void {
    this.state.update((state) =>
      state.pending.some((a) => a.id === approval.id) ? state : { ...state, pending: [...state.pending, approval].sort(byCreation) },
    );
    this.onChange();
  }

  /** Still pending, now with its escalation (and maybe a new deadline). */
  private escalated(approval: Approval): void {
    this.state.update((state) => ({ ...state, pending: state.pending.map((a) => (a.id === approval.id ? approval : a)) }));
  }

  private resolved(approval: Approval): void {
    this.state.update((state) => {
      const wasPending = state.pending.some((a) => a.id === approval.id);
      const pending = state.pending.filter((a) => a.id !== approval.id);
      if (!wasPending || this.decidedHere.has(approval.id)) return { ...state, pending };
      return { ...state, pending, decidedElsewhere: { ...state.decidedElsewhere, [approval.id]: { approval } } };
    });
    this.onChange();
  }

  /**
   * Sends a decision over REST. Resolves with the decided approval, or, when another reviewer
   * decided first (409), with the approval as they left it; rejects with the ApiError otherwise
   * (a 400 names the field at fault).
   */
  async decide(approval: Approval, decision: Decision): Promise<DecideOutcome> {
    this.decidedHere.add(approval.id);
    try {
      const { approval: decided } = await api<{ approval: Approval }>(
        "POST",
        `/api/approvals/${encodeURIComponent(approval.id)}/decision`,
        decision,
      );
      this.state.update((state) => ({ ...state, pending: state.pending.filter((a) => a.id !== decided.id) }));
      this.onChange();
      return { ok: true, approval: decided };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) {
        this.decidedHere.delete(approval.id);
        throw error;
      }
      const { approval: current } = await api<{ approval: Approval }>("GET", `/api/approvals/${encodeURIComponent(approval.id)}`);
      this.state.update((state) => ({
        ...state,
        pending: state.pending.filter((a) => a.id !== current.id),
        decidedElsewhere: { ...state.decidedElsewhere, [current.id]: { approval: current, attempted: decision.type } },
      }));
      this.onChange();
      return { ok: false, conflict: current };
    }
  }

  /** Takes a card that was decided elsewhere off the screen. */
  dismiss(approvalId: string): void {
    this.state.update(({ decidedElsewhere: { [approvalId]: _, ...rest }, ...state }) => ({ ...state, decidedElsewhere: rest }));
  }
}
