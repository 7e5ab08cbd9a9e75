import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { packVariant } from "../support/pack-variant.ts";
import { DEMO_TASK, freshStorage, paymentsFor, type TestStorage } from "../support/runtime.ts";

let data: TestStorage;
let env: Record<string, string>;

beforeEach(async () => {
  data = await freshStorage();
  env = data.env;
});
afterEach(() => data.remove());

describe("guild run", () => {
  it("--yes --json prints the run's events as NDJSON, in order, and exits 0", async () => {
    const result = await runCli(["run", DEMO_TASK, "--yes", "--json"], env);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe("run.created");
    expect(events.at(-1).type).toBe("run.completed");
    expect(events.filter((e) => e.type === "approval.resolved").map((e) => e.data.decision.reviewer)).toEqual(["cli --yes", "cli --yes"]);
    expect(await paymentsFor(data)).toHaveLength(1);
  });

  it("asks each approval at the prompt, takes edited arguments, and prints the answer with citations", async () => {
    // Edit the payment (keep claimId, amount 3000, keep payee), then approve the email.
    const result = await runCli(["run", DEMO_TASK], env, "x\ne\n\n3000\n\na\n");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("model offline (deterministic rules, no language model)");
    expect(result.stderr).toContain("Approval needed: Pay £3,600.00 to Eleanor Whitfield on claim CLM-1001  (issue_payment, apr_");
    expect(result.stderr).toContain("Amount (amount): £3,600.00");
    expect(result.stderr).toContain("Please answer one of");
    expect(result.stderr).toContain("Approval needed: Email eleanor.whitfield@example.co.uk about claim CLM-1001  (send_email, apr_");
    expect(result.stdout).toContain("Answer");
    expect(result.stdout).toContain("Citations");
    expect(result.stdout).toContain("home-policy-wording.md § 4.2 Escape of water");
    expect((await paymentsFor(data)).map((p) => p.amount)).toEqual([3000]);
  });

  it("asks for the final answer when the pack's policy says so, and prints the text the reviewer released", async () => {
    const variant = packVariant((m) => {
      m.id = "claims-reviewed";
      m.policy.answerApproval = true;
    });
    try {
      const released = "Paid £3,600.00 to Eleanor Whitfield under section 4.2; she has been emailed.";
      const result = await runCli(
        ["run", DEMO_TASK, "--pack", "claims-reviewed"],
        { ...env, GUILD_PACKS_DIRS: variant.root },
        `a\na\ne\n${released}\n`,
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("Approval needed: the final answer");
      expect(result.stdout).toContain(released);
    } finally {
      variant.remove();
    }
  });

  it("a rejected payment is reported as not made", async () => {
    const result = await runCli(["run", DEMO_TASK], env, "r\nwait for the loss adjuster\na\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/payment was not made/i);
    expect(await paymentsFor(data)).toEqual([]);
  });

  it("feedback and redirect are answered at the prompt too", async () => {
    // Feedback on the payment, approve the revised one, then redirect the email to the investigator.
    const result = await runCli(["run", DEMO_TASK], env, "f\nPay 3,100 please\na\nd\nclaims_investigator\nLook for fraud first\n");
    expect(result.code).toBe(0);
    expect((await paymentsFor(data)).map((p) => p.amount)).toEqual([3100]);
    expect(result.stderr).toContain("Plan (after redirect):");
  });

  it("exits 2 when the plan is rejected", async () => {
    const result = await runCli(["run", DEMO_TASK, "--plan-approval"], env, "r\n\n");
    expect(result.stderr).toContain("Approval needed: the plan");
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/plan was rejected/i);
    expect(await paymentsFor(data)).toEqual([]);
  });

  it.each([
    ["an empty task", ["run", "  "], {}, /task is empty/],
    ["an unknown pack", ["run", DEMO_TASK, "--pack", "nope"], {}, /unknown pack 'nope'/],
    ["an unknown option", ["run", DEMO_TASK, "--fast"], {}, /Unknown option/],
    ["an unknown command", ["fly"], {}, /unknown command 'fly'/],
    ["a bad model setting", ["run", DEMO_TASK], { GUILD_MODEL: "magic" }, /GUILD_MODEL/],
    ["a bad port", ["run", DEMO_TASK], { PORT: "http" }, /PORT/],
  ])("refuses %s with a clear message and exit 64", async (_, args, extra, message) => {
    const result = await runCli(args as string[], { ...env, ...(extra as Record<string, string>) });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(await paymentsFor(data)).toEqual([]);
  });
});
