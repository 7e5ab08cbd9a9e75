export { OfflineModel } from "./offline/index.ts";
export { specialistCard, toolCard } from "./cards.ts";
export { createEmbedder, createModel, profileFor, type ModelSettings, type ModelRole } from "./factory.ts";
export { parseModelProfile, isModelProfile, type ModelProfile } from "./profile.ts";
export {
  DEFAULT_RETRY_POLICY,
  withRetries,
  backoffDelay,
  nextDelay,
  type RetryPolicy,
  type Attempt,
  type AttemptFailure,
} from "./retry.ts";
export { addUsage, sumUsage, priced, type ModelPrices } from "./usage.ts";
export { tokenRelay } from "./token-relay.ts";
export type {
  GuildModel,
  ModelInfo,
  ModelCallOptions,
  ModelFailureCause,
  Usage,
  ToolCard,
  SpecialistCard,
  PlannedStep,
  PlanRequest,
  PartEvidence,
  SpecialistEvidence,
  StepEvidence,
  ProposedCall,
  ToolExchange,
  ActRequest,
  ActResult,
  ReformulateRequest,
  StepReport,
  SynthesizeRequest,
} from "./types.ts";
