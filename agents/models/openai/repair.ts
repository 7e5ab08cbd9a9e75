import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { GuildError } from "../../errors/index.ts";
import type { ModelFailureCause, Usage } from "../types.ts";
import { sumUsage } from "../usage.ts";
import type { Checked } from "./checks.ts";
import type { Reply } from "./stream.ts";

export interface RepairableCall<T> {
  messages: BaseMessage[];
  ask(messages: BaseMessage[]): Promise<Reply>;
  check(reply: Reply): Checked<T>;
  /** What to tell the model about its invalid answer, given why it is invalid. */
  correction(error: string): string;
  cause: Extract<ModelFailureCause, "invalid_plan" | "invalid_tool_call">;
  /** Heads the error when the repair fails too, e.g. "gpt-4o failed to plan: its plan did not validate". */
  what: string;
}

/** The invalid answer, as the model's own turn in the conversation it is asked to correct. */
function echo(reply: Reply): AIMessage {
  const calls = reply.toolCalls.map((c) => `${c.name}(${c.args})`).join(", ");
  return new AIMessage([reply.text, calls && `Tool calls: ${calls}`].filter(Boolean).join("\n") || "(no answer)");
}

/**
 * Asks the model, and when its answer does not validate, asks once more with the answer and the
 * validation error in the conversation. A second invalid answer is a `model_error` naming the
 * cause: never a crash, never an action taken on a guess.
 */
export async function answerWithRepair<T>(call: RepairableCall<T>): Promise<{ value: T; reply: Reply; usage: Usage | undefined }> {
  const first = await call.ask(call.messages);
  const checked = call.check(first);
  if (checked.ok) return { value: checked.value, reply: first, usage: first.usage };
  const again = await call.ask([...call.messages, echo(first), new HumanMessage(call.correction(checked.error))]);
  const usage = sumUsage(first.usage, again.usage);
  const rechecked = call.check(again);
  if (rechecked.ok) return { value: rechecked.value, reply: again, usage };
  throw new GuildError("model_error", `${call.what}, nor after one repair (${call.cause}): ${rechecked.error}`, {
    details: { cause: call.cause, attempts: 2, error: rechecked.error, firstError: checked.error },
  });
}
