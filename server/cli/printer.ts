import ora, { type Ora } from "ora";
import type { RunEvent, TokenDelta } from "../contract/index.ts";
import { style } from "./style.ts";

function brief(value: unknown, max = 160): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Shows a run's progress on the terminal (stderr): which specialist works on what, with a spinner
 * while it works, and a line for each retrieval, tool call and memory step.
 */
export class ProgressPrinter {
  private readonly spinner: Ora;
  private readonly names: Map<string, string>;
  /** What the model writing now has written so far, for the spinner's live preview. */
  private writing = { key: "", text: "" };

  constructor(
    specialists: readonly { id: string; name: string }[],
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.names = new Map(specialists.map((s) => [s.id, s.name]));
    // A terminal that reports no width (a pty nobody sized) would make the spinner redraw forever.
    const sized = stream.isTTY === true && (stream.columns ?? 0) > 0;
    this.spinner = ora({ stream, isEnabled: sized, discardStdin: false });
  }

  private name(id: unknown): string {
    return this.names.get(String(id)) ?? String(id);
  }

  /** Prints a line above the spinner. */
  line(text: string): void {
    const spinning = this.spinner.isSpinning;
    if (spinning) this.spinner.clear();
    this.stream.write(`${text}\n`);
    if (spinning) this.spinner.render();
  }

  /** Stops the spinner, e.g. before asking a question. */
  pause(): void {
    if (this.spinner.isSpinning) this.spinner.stop();
  }

  private work(text: string): void {
    this.spinner.text = text;
    if (!this.spinner.isSpinning) this.spinner.start();
  }

  /** Shows a model's text as it streams, as a one-line preview beside the spinner (terminals only). */
  token(token: TokenDelta): void {
    if (!this.spinner.isEnabled) return;
    const key = `${token.node}:${token.specialist ?? ""}`;
    this.writing = key === this.writing.key ? { key, text: this.writing.text + token.delta } : { key, text: token.delta };
    const who = token.specialist ? this.name(token.specialist) : "Supervisor";
    const tail = this.writing.text.replace(/\s+/g, " ").trim().slice(-70);
    this.work(`${who} is writing: ${style.dim(tail)}`);
  }

  show(event: RunEvent): void {
    switch (event.type) {
      case "run.queued": {
        const { ahead } = event.data;
        this.work(`Queued: ${ahead === 0 ? "next to start" : `${ahead} run${ahead === 1 ? "" : "s"} ahead`}`);
        break;
      }
      case "run.started":
        this.work("Starting");
        break;
      case "memory.recalled": {
        const { count, items } = event.data;
        if (count > 0)
          this.line(style.dim(`  recalled ${count} memor${count === 1 ? "y" : "ies"}: ${brief(items.map((i) => i.text).join(" | "))}`));
        break;
      }
      case "node.started": {
        const d = event.data;
        if (d.node === "supervisor.plan") this.work("Supervisor is planning");
        else if (d.node === "specialist") {
          this.line(`${style.bold(this.name(d.specialist))}: ${d.instruction}`);
          this.work(`${this.name(d.specialist)} is working`);
        } else this.work("Supervisor is writing the answer");
        break;
      }
      case "plan.proposed":
        this.line(style.bold(event.data.reason === "redirect" ? "Plan (after redirect):" : "Plan:"));
        event.data.steps.forEach((s, i) =>
          this.line(`  ${i + 1}. ${this.name(s.specialist)}: ${s.instruction}${s.status !== "pending" ? style.dim(` (${s.status})`) : ""}`),
        );
        break;
      case "retrieval.done": {
        const d = event.data;
        const sources = d.passages.map((p) => p.source);
        const [first, last] = [d.attempts[0]?.query ?? "", d.attempts.at(-1)?.query ?? ""];
        const added = last.startsWith(first) ? last.slice(first.length).trim() : last;
        const again = d.reformulated ? style.yellow(` (weak results, searched again adding "${brief(added, 80)}")`) : "";
        // A search of the whole pack after the specialist's own documents answered weakly.
        const wide =
          d.scope === "pack"
            ? style.yellow(
                ` of the whole pack (${this.name(d.specialist)}'s own documents answered weakly${d.fallback?.kept ? "" : "; kept its own"})`,
              )
            : "";
        this.line(style.dim(`  searched ${sources.length} passages${wide}${again}: ${brief(sources.join("; "), 140)}`));
        break;
      }
      case "tool.called":
        this.work(`${this.name(event.data.specialist)}: ${event.data.tool}`);
        break;
      case "tool.result": {
        const d = event.data;
        this.line(
          d.error
            ? style.red(`  ✗ ${d.tool}: ${d.error}`)
            : `  ${style.green("✓")} ${d.tool} → ${brief(d.result)}${d.replayed ? style.dim(" (already done)") : ""}`,
        );
        break;
      }
      case "message":
        this.writing = { key: "", text: "" };
        if (event.data.specialist)
          this.line(style.dim(`  ${this.name(event.data.specialist)}: ${brief(event.data.text.replace(/\s+/g, " "), 200)}`));
        break;
      case "approval.resolved": {
        const d = event.data;
        this.line(
          style.dim(
            `  approval ${d.approvalId}: ${d.status}${d.reviewer ? ` by ${d.reviewer}` : ""}${d.reason === "deadline" ? " (nobody decided in time: rejected by policy)" : ""}`,
          ),
        );
        break;
      }
      case "approval.escalated": {
        const d = event.data;
        this.line(style.yellow(`  approval ${d.approvalId} escalated${d.to ? ` to ${d.to}` : ""}: ${d.reason}`));
        break;
      }
      case "memory.saved": {
        const { items, lessons } = event.data;
        this.line(
          style.dim(`  saved ${items.length} memor${items.length === 1 ? "y" : "ies"} (${lessons} lesson${lessons === 1 ? "" : "s"})`),
        );
        break;
      }
      case "run.completed":
      case "run.failed":
      case "run.cancelled":
        this.pause();
        break;
    }
  }
}
