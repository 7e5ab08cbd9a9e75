export { Runtime, type RuntimeOptions, type StartRunOptions } from "./runtime.ts";
export type { Following } from "./run-subscription.ts";
export { RuntimeBus } from "./bus.ts";
export { parseInput } from "./validation.ts";
export { approvalView, runView, packView } from "./views.ts";
