import type { ActRequest, ActResult, GuildModel, PlannedStep, ProposedCall, SynthesizeRequest } from "../../agents/models/index.ts";

/**
 * A GuildModel that follows a script: a fixed plan, and for each specialist turn the calls to
 * propose (then "done"). It records what it was asked, for assertions on what Guild sent.
 */
export class ScriptedModel implements GuildModel {
  readonly info = { provider: "offline" as const, name: "scripted" };
  readonly acts: ActRequest[] = [];

  constructor(
    private readonly steps: PlannedStep[],
    private readonly turns: ((request: ActRequest) => Omit<ProposedCall, "id"> & { id?: string })[][],
  ) {}

  async plan(): Promise<{ steps: PlannedStep[] }> {
    return { steps: this.steps };
  }

  async act(request: ActRequest): Promise<ActResult> {
    this.acts.push(request);
    const turn = this.turns[this.acts.length - 1];
    if (!turn) return { kind: "done", summary: request.history.map((h) => `${h.name} ${h.status}`).join("; "), citedPassageIds: [] };
    return { kind: "tool_calls", calls: turn.map((make, i) => ({ id: `${request.callIdPrefix}${i}`, ...make(request) })) };
  }

  async reformulate(request: { query: string }): Promise<{ query: string }> {
    return { query: request.query };
  }

  async synthesize(request: SynthesizeRequest): Promise<{ answer: string }> {
    return { answer: request.steps.map((s) => s.summary).join("\n") };
  }
}
