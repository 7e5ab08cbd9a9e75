import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventsOfType, type Ack, type Approval, type Decision, type Run, type RunEvent } from "../../server/contract/index.ts";
import { serve } from "../support/cli.ts";
import { connectSocket, DEMO_TASK, request, until, type ApiAnswer, type Client } from "../support/clients.ts";
import { readLedger, resolutionsOf, unapprovedEffects } from "../support/ledger.ts";
import { paymentsFor } from "../support/runtime.ts";
import { call } from "../support/server.ts";
import { holdApproval } from "../support/locks.ts";
import { freshStorage, type TestStorage } from "../support/storage.ts";

type Served = Awaited<ReturnType<typeof serve>>;

let data: TestStorage;
let servers: Served[] = [];
let sockets: Client[] = [];
beforeEach(async () => {
  data = await freshStorage("guild-race-");
});
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await Promise.all(
    servers.splice(0).map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, "close");
      child.kill("SIGTERM");
      await closed;
    }),
  );
  await data.remove();
});

const CONTENDERS = 50;

/** Each contender decides differently and signs with its index, so the outcome names the winner. */
function decisionOf(i: number): Decision {
  const reviewer = `reviewer-${i}`;
  switch (i % 3) {
    case 0:
      return { type: "approve", reviewer };
    case 1:
      return { type: "edit", args: { claimId: "CLM-1001", amount: 1000 + i, payee: "Eleanor Whitfield" }, reviewer };
    default:
      return { type: "reject", message: `not now (${i})`, reviewer };
  }
}

interface Outcome {
  won: boolean;
  conflict: boolean;
  approval?: Approval;
}

describe("one approval, many deciders", () => {
  it(`settles ${CONTENDERS} different decisions sent at once over REST and sockets to two processes: one wins, the rest conflict, and the effect is the winner's`, async () => {
    // Two server processes on one storage, so that the decisions are truly decided in parallel.
    servers = await Promise.all([serve(data.env), serve(data.env)]);
    const [a, b] = servers as [Served, Served];
    const runId = ((await request(a.url, "POST", "/api/runs", { task: DEMO_TASK })).body as { run: Run }).run.id;
    const payment = await until(
      "the payment approval",
      async () => ((await request(a.url, "GET", `/api/runs/${runId}`)).body as { run: Run }).run.pendingApprovals[0],
    );
    expect(payment.action.name).toBe("issue_payment");
    sockets = await Promise.all([connectSocket(a.url), connectSocket(b.url)]);
    const [socketA, socketB] = sockets as [Client, Client];

    const decisionPath = `/api/approvals/${payment.id}/decision`;
    const viaRest = (url: string, decision: Decision): Promise<Outcome> =>
      request(url, "POST", decisionPath, decision).then((answer: ApiAnswer) => ({
        won: answer.status === 200,
        conflict: answer.status === 409 && answer.body.error.code === "conflict",
        approval: answer.body.approval,
      }));
    const viaSocket = (client: Client, decision: Decision): Promise<Outcome> =>
      call<{ approval: Approval }>(client, "approval:decide", { approvalId: payment.id, decision }).then(
        (ack: Ack<{ approval: Approval }>) =>
          ack.ok ? { won: true, conflict: false, approval: ack.approval } : { won: false, conflict: ack.error.code === "conflict" },
      );
    // Four ways in, taken in turn: REST to A, REST to B, socket to A, socket to B; with three kinds of
    // decision, every pairing of way and decision is among the contenders.
    const send = (i: number): Promise<Outcome> => {
      const decision = decisionOf(i);
      return [
        () => viaRest(a.url, decision),
        () => viaRest(b.url, decision),
        () => viaSocket(socketA, decision),
        () => viaSocket(socketB, decision),
      ][i % 4]!();
    };

    // The approval is locked for writing while the decisions arrive, as a slow commit elsewhere would
    // hold it: each process reads the approval as pending and then waits to write, so both first
    // decisions are in flight together and only the compare-and-set of the write can keep one out.
    const lock = await holdApproval(data, payment.id);
    let outcomes: Outcome[];
    try {
      // Sent in a shuffled order, so that any way in and any kind of decision may win.
      const order = Array.from({ length: CONTENDERS }, (_, i) => i).sort(() => Math.random() - 0.5);
      const answers: Outcome[] = [];
      const sent = Promise.all(order.map(async (i) => (answers[i] = await send(i)))).then(() => answers);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await lock.release();
      outcomes = await sent;
    } finally {
      await lock.release();
    }

    const winners = outcomes.flatMap((o, i) => (o.won ? [i] : []));
    expect(
      winners.map((i) => `${i}: ${decisionOf(i).type}`),
      "the contenders whose decision won",
    ).toHaveLength(1);
    expect(outcomes.filter((o) => o.conflict)).toHaveLength(CONTENDERS - 1);
    const winner = winners[0]!;
    const winning = decisionOf(winner);
    const decided = outcomes[winner]!.approval!;
    expect(decided.decision).toMatchObject(winning);
    const stored = ((await request(b.url, "GET", `/api/approvals/${payment.id}`)).body as { approval: Approval }).approval;
    expect(stored).toMatchObject({ status: decided.status, decision: decided.decision });

    // The run goes on from the winning decision, in whichever process took it; the email is approved.
    const finished = await until(
      "the run to end",
      async () => {
        const run = ((await request(a.url, "GET", `/api/runs/${runId}`)).body as { run: Run }).run;
        for (const approval of run.pendingApprovals)
          if (approval.action.name === "send_email")
            await request(a.url, "POST", `/api/approvals/${approval.id}/decision`, { type: "approve" });
        return ["completed", "failed", "cancelled"].includes(run.status) && run;
      },
      30_000,
    );
    expect(finished.status).toBe("completed");

    const events = ((await request(a.url, "GET", `/api/runs/${runId}/events`)).body as { events: RunEvent[] }).events;
    expect(resolutionsOf(events).get(payment.id)).toBe(1);
    expect(eventsOfType(events, "approval.resolved").find((e) => e.data.approvalId === payment.id)!.data.decision).toEqual(
      decided.decision,
    );
    const expected = winning.type === "approve" ? [3600] : winning.type === "edit" ? [winning.args.amount] : [];
    expect((await paymentsFor(data)).map((p) => p.amount)).toEqual(expected);
    const ledger = await readLedger(data);
    expect(ledger.effects.filter((e) => e.tool === "issue_payment")).toHaveLength(expected.length);
    expect(unapprovedEffects(ledger)).toEqual([]);
  });
});
