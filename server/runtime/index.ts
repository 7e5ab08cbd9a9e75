export { Runtime, type RuntimeOptions } from "./runtime.ts";
export type { Following } from "./run-subscription.ts";
export { parseInput } from "./validation.ts";
