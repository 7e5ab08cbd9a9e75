export { OfflineModel } from "./offline/index.ts";
export { specialistCard } from "./cards.ts";
export { createModel, parseModelProfile, type ModelSettings } from "./factory.ts";
export type {
  GuildModel,
  ModelInfo,
  ModelCallOptions,
  Usage,
  ToolCard,
  SpecialistCard,
  PlannedStep,
  PlanRequest,
  ProposedCall,
  ToolExchange,
  ActRequest,
  ActResult,
  ReformulateRequest,
  StepReport,
  SynthesizeRequest,
} from "./types.ts";
