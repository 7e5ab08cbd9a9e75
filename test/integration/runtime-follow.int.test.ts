import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunEvent } from "../../server/contract/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { DEMO_TASK, openRuntime, freshStorage, type TestStorage } from "../support/runtime.ts";

let data: TestStorage;
let runtimes: Runtime[] = [];
beforeEach(async () => {
  data = await freshStorage();
});
afterEach(async () => {
  for (const runtime of runtimes) await runtime.close();
  runtimes = [];
  await data.remove();
});

/** A runtime that learns of other processes' events only when it stores one of its own (no timer). */
async function anotherProcess(): Promise<Runtime> {
  const runtime = await openRuntime(data, { feedPollMs: 0 });
  runtimes.push(runtime);
  return runtime;
}

/** Makes `runtime` store an event, so that its feed catches up with everything stored before. */
async function commitLocally(runtime: Runtime): Promise<void> {
  await runtime.waitForRun((await runtime.startRun({ task: "Look up claim CLM-1005 and check the fraud indicators." })).id);
}

describe("following a run's events", () => {
  it("sends each event once to a follower whose replay already read events its feed tells later", async () => {
    const [here, elsewhere] = [await anotherProcess(), await anotherProcess()];
    const run = await elsewhere.startRun({ task: DEMO_TASK });
    const paused = await elsewhere.waitForRun(run.id);
    expect(paused.status).toBe("awaiting_approval");

    // The replay reads what the other process stored; this process's feed has told none of it yet.
    const received: RunEvent[] = [];
    const following = await here.follow(run.id, 0, (event) => received.push(event));
    expect(following.lastSeq).toBe((await elsewhere.listEvents(run.id)).length);
    await commitLocally(here);
    expect(received).toEqual(await elsewhere.listEvents(run.id));

    // Live: the other process goes on; what it stores arrives here once, in order.
    await elsewhere.decide(paused.pendingApprovals[0]!.id, { type: "approve" });
    await elsewhere.waitForRun(run.id);
    await commitLocally(here);
    expect(received).toEqual(await elsewhere.listEvents(run.id));
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));

    following.stop();
    await elsewhere.cancel(run.id);
    await commitLocally(here);
    expect(received.at(-1)!.type).toBe("approval.requested");
  });

  it("refuses to follow from a seq the run's log has not reached, or a run that does not exist", async () => {
    const here = await anotherProcess();
    const run = await here.waitForRun((await here.startRun({ task: DEMO_TASK })).id);
    const last = (await here.listEvents(run.id)).length;
    await expect(here.follow(run.id, last + 1, () => {})).rejects.toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "afterSeq", lastSeq: last } }),
    );
    await expect(here.follow("run_nope", 0, () => {})).rejects.toThrow(expect.objectContaining({ code: "not_found" }));
  });
});
