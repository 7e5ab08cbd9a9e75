import { z } from "zod";
import type { AllowedDecisions, ApprovalCard, ApprovalKind, Decision } from "../vocabulary.ts";

export type { AllowedDecisions, ApprovalKind, Decision };

const reviewer = z.string().trim().min(1).max(200).optional();

/** A reviewer's answer to an approval, as REST, Socket.IO and the CLI accept it. */
export const DecisionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("approve"), reviewer }),
  z.strictObject({ type: z.literal("edit"), args: z.record(z.string(), z.unknown()), reviewer }),
  z.strictObject({ type: z.literal("reject"), message: z.string().max(4000).optional(), reviewer }),
  z.strictObject({ type: z.literal("respond"), message: z.string().trim().min(1).max(4000), reviewer }),
  z.strictObject({
    type: z.literal("redirect"),
    specialist: z.string().min(1),
    message: z.string().max(4000).optional(),
    reviewer,
  }),
]);

// The schema accepts exactly the vocabulary's decisions.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesDecision: Exactly<z.infer<typeof DecisionSchema>, Decision> = true;
void schemaMatchesDecision;

/**
 * What a node passes to `interrupt()`: the Agent Inbox shape (`action_request`, `config`,
 * `description`) so existing inbox UIs can read it, plus Guild's own fields under `guild`.
 */
export interface ApprovalRequest {
  action_request: { action: string; args: Record<string, unknown> };
  config: { allow_accept: boolean; allow_edit: boolean; allow_respond: boolean; allow_ignore: boolean };
  description: string;
  guild: ApprovalCard & {
    approvalId: string;
    kind: ApprovalKind;
    allowRedirect: boolean;
    callId?: string;
    /** How long the approval may wait, and what happens then (the runtime keeps the timer). */
    expiry?: ApprovalExpiry;
    /** Set when the approval is escalated as soon as it is asked (feedback rounds used up). */
    escalation?: { reason: string; to?: string };
  };
}

/** An approval's deadline policy: `afterMs` from when it is asked; then rejected, or escalated once. */
export interface ApprovalExpiry {
  afterMs: number;
  fallback: "reject" | "escalate";
  escalateTo?: string;
}

/** The decision types an approval request allows, in the contract's words. */
export function allowedDecisions(request: ApprovalRequest): AllowedDecisions {
  return {
    approve: request.config.allow_accept,
    edit: request.config.allow_edit,
    reject: request.config.allow_ignore,
    respond: request.config.allow_respond,
    redirect: request.guild.allowRedirect,
  };
}

/** Whether a payload read back from a checkpoint is one of Guild's approval requests. */
export function isApprovalRequest(value: unknown): value is ApprovalRequest {
  const v = value as Partial<ApprovalRequest> | null;
  return typeof v === "object" && v !== null && typeof v.guild?.approvalId === "string" && typeof v.action_request?.action === "string";
}
