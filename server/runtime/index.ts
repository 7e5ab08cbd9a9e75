export { Runtime } from "./runtime.ts";
export type { RuntimeOptions } from "./runtime-options.ts";
export type { Following } from "./run-subscription.ts";
export { parseInput } from "./validation.ts";
