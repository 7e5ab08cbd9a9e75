export { Runtime, type RuntimeOptions } from "./runtime.ts";
export { RuntimeBus } from "./bus.ts";
export { STATUS_OF_DECISION, approvalView, runView, packView } from "./views.ts";
