import type { Approval, Decision, DecisionType, PackSummary } from "../contract/index.ts";
import type { LineReader } from "./lines.ts";
import { style } from "./style.ts";

type Say = (text: string) => void;

/** The key and label of each decision, in the order the prompt offers them. */
const KEYS: Record<DecisionType, { key: string; label: string }> = {
  approve: { key: "a", label: "[a]pprove" },
  edit: { key: "e", label: "[e]dit" },
  reject: { key: "r", label: "[r]eject" },
  respond: { key: "f", label: "send [f]eedback" },
  redirect: { key: "d", label: "re[d]irect" },
};
const CHOICES = (Object.keys(KEYS) as DecisionType[]).map((type) => ({ type, ...KEYS[type] }));

/** Shows an approval readably: what, why, and the proposed arguments. */
export function describeApproval(approval: Approval): string {
  const lines = [
    style.bold(
      `Approval needed: ${approval.kind === "plan" ? "the plan" : approval.kind === "answer" ? "the final answer" : (approval.title ?? approval.action.name)}`,
    ) + style.dim(`  (${approval.title ? `${approval.action.name}, ` : ""}${approval.id})`),
    ...(approval.violations ?? []).map((violation) => style.red(`BREAKS A RULE OF THE PACK: ${violation}`)),
    approval.highRisk ? style.red(`HIGH RISK: ${approval.highRisk}`) : "",
    approval.escalation
      ? style.red(`ESCALATED${approval.escalation.to ? ` to ${approval.escalation.to}` : ""}: ${approval.escalation.reason}`)
      : "",
    approval.description,
    approval.context?.length ? approval.context.map((c) => `${style.dim(`${c.label}:`)} ${c.value}`).join(style.dim(" · ")) : "",
  ];
  if (approval.kind === "answer") {
    lines.push(String(approval.action.args.answer).replace(/^/gm, "  "));
  } else if (approval.kind === "plan") {
    const steps = (approval.action.args as { steps?: { specialist: string; instruction: string }[] }).steps ?? [];
    steps.forEach((s, i) => lines.push(`  ${i + 1}. ${style.cyan(s.specialist)}: ${s.instruction}`));
  } else {
    for (const [key, value] of Object.entries(approval.action.args)) {
      // As the pack labels and formats it, with the name an edit asks for.
      const shown = approval.shown?.[key];
      const text = shown?.value ?? (typeof value === "string" ? value : JSON.stringify(value));
      const name = shown && shown.label !== key ? `${shown.label} (${key})` : key;
      lines.push(`  ${style.cyan(name)}: ${text.includes("\n") ? `\n${text.replace(/^/gm, "      ")}` : text}`);
    }
  }
  return lines.filter(Boolean).join("\n");
}

function coerceLike(previous: unknown, text: string): unknown {
  if (typeof previous === "number") {
    const n = Number(text.replace(/[£,\s]/g, ""));
    return Number.isFinite(n) ? n : text;
  }
  if (typeof previous === "boolean") return /^(y|yes|true|1)$/i.test(text);
  return text;
}

async function editArgs(
  approval: Approval,
  reader: LineReader,
  pack: PackSummary | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (approval.kind === "plan") {
    const steps = (approval.action.args as { steps: { specialist: string; instruction: string }[] }).steps;
    const known = pack?.specialists.map((s) => s.id).join(", ") ?? "";
    const line = await reader.ask(
      `Specialists in order, comma-separated (reassign, remove or reorder; known: ${known})\n[${steps.map((s) => s.specialist).join(",")}] > `,
    );
    if (line === undefined) return undefined;
    if (line.trim() === "") return { steps };
    const order = line
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const remaining = [...steps];
    return {
      steps: order.map((specialist) => {
        const at = remaining.findIndex((s) => s.specialist === specialist);
        const step = at >= 0 ? remaining.splice(at, 1)[0]! : steps[0]!;
        return { specialist, instruction: step.instruction };
      }),
    };
  }
  if (approval.kind === "answer") {
    const line = await reader.ask("The answer to release, on one line (empty keeps the draft) > ");
    if (line === undefined) return undefined;
    return { answer: line.trim() === "" ? approval.action.args.answer : line.trim() };
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(approval.action.args)) {
    const shown = typeof value === "string" && value.length > 60 ? `${value.slice(0, 57).replace(/\n/g, " ")}...` : String(value);
    const line = await reader.ask(`${key} [${shown}] > `);
    if (line === undefined) return undefined;
    args[key] = line.trim() === "" ? value : coerceLike(value, line.trim());
  }
  return args;
}

/**
 * Asks a reviewer at the terminal for a decision on an approval; only the decision types the
 * approval allows are offered. Resolves undefined when the input ends.
 */
export async function askDecision(
  approval: Approval,
  reader: LineReader,
  say: Say,
  pack: PackSummary | undefined,
): Promise<Decision | undefined> {
  const offered = CHOICES.filter((c) => approval.allowed[c.type]);
  for (;;) {
    const line = await reader.ask(`${offered.map((c) => c.label).join("  ")} > `);
    if (line === undefined) return undefined;
    const choice = offered.find((c) => c.key === line.trim().toLowerCase() || c.type === line.trim().toLowerCase());
    if (!choice) {
      say(style.yellow(`Please answer one of: ${offered.map((c) => c.key).join(", ")}`));
      continue;
    }
    switch (choice.type) {
      case "approve":
        return { type: "approve" };
      case "reject": {
        const message = await reader.ask("Reason (optional) > ");
        return message?.trim() ? { type: "reject", message: message.trim() } : { type: "reject" };
      }
      case "respond": {
        const message = (await reader.ask("Feedback for the specialist > "))?.trim();
        if (message === undefined) return undefined;
        if (!message) {
          say(style.yellow("Feedback must not be empty."));
          continue;
        }
        return { type: "respond", message };
      }
      case "edit": {
        const args = await editArgs(approval, reader, pack);
        return args ? { type: "edit", args } : undefined;
      }
      case "redirect": {
        const others = pack?.specialists.filter((s) => s.id !== approval.specialist) ?? [];
        others.forEach((s, i) => say(`  ${i + 1}. ${s.id}: ${s.name}`));
        const pick = (await reader.ask("Redirect to (number or id) > "))?.trim();
        if (pick === undefined) return undefined;
        const target = others[Number(pick) - 1]?.id ?? others.find((s) => s.id === pick)?.id;
        if (!target) {
          say(style.yellow(`No specialist '${pick}'.`));
          continue;
        }
        const message = (await reader.ask("Instruction for them (optional) > "))?.trim();
        return message ? { type: "redirect", specialist: target, message } : { type: "redirect", specialist: target };
      }
    }
  }
}
