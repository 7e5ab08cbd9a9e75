import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../server/cli/main.ts";
import { runCli } from "../support/cli.ts";
import { evalScript } from "../support/eval-script.ts";
import { startScriptedOpenAI, type ScriptedOpenAI } from "../support/openai-server.ts";
import { tempDataDir } from "../support/runtime.ts";

let data: ReturnType<typeof tempDataDir>;

beforeEach(() => {
  data = tempDataDir("guild-eval-test-");
});
afterEach(() => {
  data.remove();
});

/** Runs the command line in this process, collecting what it writes. */
async function inProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    ({
      write: (text: string) => {
        append(text);
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  const code = await main(args, { stdin: process.stdin, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) });
  return { code, stdout, stderr };
}

/** Writes an eval set into the test's folder. */
function writeSet(items: object[]): string {
  const file = path.join(data.dir, "set.jsonl");
  fs.writeFileSync(file, `${items.map((i) => JSON.stringify(i)).join("\n")}\n`);
  return file;
}

const SMALL_SET = [
  { id: "payout", question: "What would the payout be on CLM-1032?", kind: "backend", gold_docs: [], gold_facts: ["4,510"] },
  { id: "pet", question: "Does Harbour Mutual sell pet insurance?", kind: "unanswerable", gold_docs: [], gold_facts: [] },
  { id: "pay", question: "Pay the settlement on claim CLM-1028.", kind: "action", gold_docs: [], gold_facts: ["1,230"] },
];

describe("guild eval, offline", () => {
  it("runs each question in a throwaway data directory, never the user's, approving nothing", async () => {
    const userData = path.join(data.dir, "user-data");
    const out = path.join(data.dir, "report");
    const result = await runCli(
      ["eval", "--set", writeSet(SMALL_SET), "--json", "--out", out, "--min-facts", "1", "--max-wrong-effects", "0"],
      { GUILD_DATA_DIR: userData },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({
      questions: 3,
      factsRight: 1,
      wrongEffects: 0,
      unanswerable: 1,
      declined: 1,
      variant: "team",
      model: { provider: "offline" },
    });
    expect(report.items.map((i: { id: string; right: boolean }) => [i.id, i.right])).toEqual([
      ["payout", true],
      ["pet", true],
      ["pay", true],
    ]);
    // The action's payment was asked of a reviewer (the eval), who rejected it: proposed, counted, never made.
    expect(report.items[2].effects).toEqual([
      { tool: "issue_payment", args: { claimId: "CLM-1028", amount: 1230, payee: "Siobhan O'Connor" } },
    ]);
    expect(report.items[2].answer).toMatch(/payment was not made: the reviewer rejected it/);
    expect(fs.existsSync(userData)).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, "eval.json"), "utf8")).summary.questions).toBe(3);
    expect(fs.readFileSync(path.join(out, "eval.md"), "utf8")).toMatch(/^# guild eval: insurance-claims/);
  });

  it("exits 1 below a threshold and says which", async () => {
    const set = writeSet([
      { id: "q", question: "What would the payout be on CLM-1032?", kind: "backend", gold_docs: [], gold_facts: ["99,999"] },
    ]);
    const result = await runCli(["eval", "--set", set, "--min-facts", "0.5"], { GUILD_DATA_DIR: path.join(data.dir, "d") });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^guild eval · pack insurance-claims/);
    expect(result.stderr).toContain("guild eval: fully right 0.0% is below 50.0%");
  });

  it("refuses bad flags and a bad set with exit 64, naming the fault", async () => {
    const bad = path.join(data.dir, "bad.jsonl");
    fs.writeFileSync(bad, '{"id":"a","question":"x","kind":"single","gold_facts":["1"]}\n{"id":"b","question":"y","kind":"maybe"}\n');
    // Usage errors come before any run, so the command line is driven in-process here; the child process is tested above.
    for (const [args, message] of [
      [["eval", "--min-facts", "2"], "--min-facts: '2' is not a number from 0 to 1"],
      [["eval", "--max-wrong-effects", "1.5"], "--max-wrong-effects: '1.5' is not a whole number"],
      [["eval", "--baseline", "oracle"], "--baseline: 'oracle' is not a baseline"],
      [["eval", "--model", "llama"], "--model: unknown model 'llama'"],
      [["eval", "--pack", "nope"], "--pack: unknown pack 'nope'"],
      [["eval", "--set", bad], `${bad}:2: kind`],
      [["eval", "--set", path.join(data.dir, "missing.jsonl")], "cannot read the eval set"],
      [["eval", "--verbose"], "Unknown option '--verbose'"],
    ] as const) {
      const { code, stderr } = await inProcess(args);
      expect(code, args.join(" ")).toBe(64);
      expect(stderr, args.join(" ")).toContain(message);
    }
  });
});

describe("guild eval with an OpenAI-compatible model", () => {
  let server: ScriptedOpenAI;
  beforeEach(async () => {
    server = await startScriptedOpenAI(evalScript);
  });
  afterEach(async () => {
    await server.close();
  });

  it("runs the team and the generalist with the model named by --model, through the model factory and configuration", async () => {
    const result = await runCli(
      ["eval", "--set", writeSet(SMALL_SET), "--model", "openai:test-small", "--baseline", "generalist", "--json", "--min-facts", "1"],
      {
        GUILD_DATA_DIR: path.join(data.dir, "d"),
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: "test-key",
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({
      questions: 3,
      factsRight: 1,
      wrongEffects: 0,
      declined: 1,
      model: { provider: "openai", name: "test-small" },
    });
    expect(report.baseline).toMatchObject({
      variant: "generalist",
      questions: 3,
      factsRight: 1,
      model: { provider: "openai", name: "test-small" },
    });
    expect(report.summary.tokensPerQuestion).toBeGreaterThan(0);
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set(["test-small"]));
    // A question is never offered an effect tool; the action is, and its payment is proposed, then rejected by the eval.
    const actsFor = (question: string) =>
      server.requests.filter((r) => r.tools?.length && String(r.messages.at(-1)?.content ?? "").includes(question));
    expect(actsFor("What would the payout be on CLM-1032?").every((r) => !r.tools!.some((t) => t.function.name === "issue_payment"))).toBe(
      true,
    );
    expect(actsFor("Pay the settlement on claim CLM-1028.").some((r) => r.tools!.some((t) => t.function.name === "issue_payment"))).toBe(
      true,
    );
    expect(report.items[2].effects.map((e: { tool: string }) => e.tool)).toEqual(["issue_payment"]);
    expect(report.items[2].baseline.effects.map((e: { tool: string }) => e.tool)).toEqual(["issue_payment"]);
    // The generalist is one specialist holding every tool of the pack.
    const generalistPlan = server.requests.find((r) => JSON.stringify(r.response_format ?? {}).includes('"generalist"'));
    expect(generalistPlan).toBeDefined();
  });
});
