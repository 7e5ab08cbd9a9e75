export { OfflineModel } from "./offline/index.ts";
export { specialistCard, toolCard } from "./cards.ts";
export { createEmbedder, createModel, profileFor, type ModelSettings, type ModelRole } from "./factory.ts";
export { parseModelProfile, isModelProfile } from "./profile.ts";
export {
  withRetries,
  backoffDelay,
  nextDelay,
  type RetryPolicy,
  type AttemptFailure,
} from "./retry.ts";
export { addUsage, sumUsage, priced } from "./usage.ts";
export { tokenRelay } from "./token-relay.ts";
export type {
  GuildModel,
  ModelInfo,
  Usage,
  ToolCard,
  SpecialistCard,
  PlannedStep,
  PartEvidence,
  SpecialistEvidence,
  StepEvidence,
  ProposedCall,
  ToolExchange,
  ActRequest,
  ActResult,
  StepReport,
  SynthesizeRequest,
} from "./types.ts";
