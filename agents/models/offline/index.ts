import type {
  ActRequest,
  ActResult,
  GuildModel,
  ModelCallOptions,
  ModelInfo,
  PlannedStep,
  PlanRequest,
  ReformulateRequest,
  SynthesizeRequest,
} from "../types.ts";
import { expandQuery } from "../../knowledge/index.ts";
import { actOffline } from "./actor.ts";
import { planOffline } from "./planner.ts";
import { synthesizeOffline } from "./writer.ts";

/**
 * The deterministic model Guild runs with when no model is configured: no network, same input,
 * same output. It plans by matching the task against specialists' descriptions, picks tools by
 * their descriptions and the identifiers in the task, and answers extractively with citations.
 */
export class OfflineModel implements GuildModel {
  readonly info: ModelInfo = { provider: "offline", name: "offline" };

  async plan(request: PlanRequest): Promise<{ steps: PlannedStep[] }> {
    return { steps: planOffline(request) };
  }

  async act(request: ActRequest): Promise<ActResult> {
    return actOffline(request);
  }

  async reformulate(request: ReformulateRequest): Promise<{ query: string }> {
    return { query: expandQuery(request.query, { task: request.task, glossary: request.glossary }) };
  }

  async synthesize(request: SynthesizeRequest, options: ModelCallOptions = {}): Promise<{ answer: string }> {
    const answer = synthesizeOffline(request);
    // Stream by lines so followers see the answer forming, as they would with a real model.
    if (options.onToken) for (const line of answer.split(/(?<=\n)/)) options.onToken(line);
    return { answer };
  }
}
