import { describe, expect, it } from "vitest";
import { addUsage, priced } from "../../agents/models/index.ts";
import { addRunUsage, emptyRunUsage, type UsageTally } from "../../graphs/usage.ts";

describe("usage", () => {
  it("prices tokens per million, and keeps a cost in sums only where there is one", () => {
    const cheap = priced({ inputTokens: 2_000_000, outputTokens: 500_000 }, { inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(cheap).toEqual({ inputTokens: 2_000_000, outputTokens: 500_000, cost: 0.6 });
    expect(priced({ inputTokens: 1, outputTokens: 1 }, undefined)).toEqual({ inputTokens: 1, outputTokens: 1 });
    expect(addUsage(cheap, { inputTokens: 1, outputTokens: 2 })).toEqual({ inputTokens: 2_000_001, outputTokens: 500_002, cost: 0.6 });
    expect(addUsage({ inputTokens: 1, outputTokens: 2 }, { inputTokens: 3, outputTokens: 4 })).toEqual({ inputTokens: 4, outputTokens: 6 });
  });

  it("adds each model call to the run's total and to its supervisor's or specialist's share", () => {
    let total = emptyRunUsage();
    total = addRunUsage(total, { role: "supervisor", usage: { inputTokens: 100, outputTokens: 10 } });
    total = addRunUsage(total, { role: "specialist", id: "payments_officer", usage: { inputTokens: 50, outputTokens: 5, cost: 0.01 } });
    total = addRunUsage(total, { role: "specialist", id: "payments_officer", usage: { inputTokens: 60, outputTokens: 6 } });
    expect(total).toEqual({
      inputTokens: 210,
      outputTokens: 21,
      cost: 0.01,
      supervisor: { inputTokens: 100, outputTokens: 10 },
      bySpecialist: { payments_officer: { inputTokens: 110, outputTokens: 11, cost: 0.01 } },
    });
  });

  it("goes on from the totals of a checkpoint written before usage was kept per role", () => {
    const old = { inputTokens: 7, outputTokens: 3 } as UsageTally;
    expect(addRunUsage(old, { role: "specialist", id: "communications", usage: { inputTokens: 1, outputTokens: 1 } })).toEqual({
      inputTokens: 8,
      outputTokens: 4,
      supervisor: { inputTokens: 0, outputTokens: 0 },
      bySpecialist: { communications: { inputTokens: 1, outputTokens: 1 } },
    });
  });
});
