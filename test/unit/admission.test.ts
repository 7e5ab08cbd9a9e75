import { describe, expect, it } from "vitest";
import { Admission } from "../../server/runtime/admission.ts";
import { EventBatcher } from "../../server/runtime/event-batcher.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Admission", () => {
  it("admits up to its capacity at once and the rest first in, first out, resumed runs before new ones", async () => {
    const admission = new Admission(2);
    const order: string[] = [];
    const queuedAhead: Record<string, number> = {};
    const enter = (id: string, priority: "start" | "resume") =>
      admission
        .enter(id, priority, (ahead) => (queuedAhead[id] = ahead))
        .then((release) => {
          order.push(id);
          return release;
        });
    const a = await enter("a", "start");
    const b = await enter("b", "start");
    expect(admission.active).toBe(2);
    const waiting = [enter("c", "start"), enter("d", "start"), enter("e", "resume"), enter("f", "resume")];
    await tick();
    expect(admission.queued).toBe(4);
    expect(queuedAhead).toEqual({ c: 0, d: 1, e: 0, f: 1 });
    a();
    a(); // giving a slot back twice gives it back once
    await tick();
    expect(order).toEqual(["a", "b", "e"]);
    b();
    await tick();
    expect(order).toEqual(["a", "b", "e", "f"]);
    for (const release of await Promise.all(waiting.slice(2))) release();
    await tick();
    expect(order).toEqual(["a", "b", "e", "f", "c", "d"]);
    expect(admission.active).toBe(2);
  });

  it("refuses the runs still waiting when it closes", async () => {
    const admission = new Admission(1);
    const held = await admission.enter("a", "start");
    const waiting = admission.enter("b", "start");
    admission.close();
    await expect(waiting).rejects.toMatchObject({ code: "cancelled" });
    await expect(admission.enter("c", "resume")).rejects.toMatchObject({ code: "cancelled" });
    held();
    expect(admission.active).toBe(0);
  });
});

describe("EventBatcher", () => {
  it("writes what gathers during a write in the next one, in order, and drains", async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const batcher = new EventBatcher<number>(async (batch) => {
      writes.push(batch);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    batcher.push(1);
    batcher.push(2);
    batcher.push(3);
    await tick();
    release();
    await batcher.drain();
    expect(writes).toEqual([[1], [2, 3]]);
    batcher.push(4);
    await batcher.drain();
    expect(writes).toEqual([[1], [2, 3], [4]]);
  });

  it("stops at a failed write and throws it from drain", async () => {
    const batcher = new EventBatcher<number>(async () => {
      throw new Error("database gone");
    });
    batcher.push(1);
    batcher.push(2);
    await expect(batcher.drain()).rejects.toThrow("database gone");
  });
});
