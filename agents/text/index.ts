export { formatMoney } from "./money.ts";
export { DurationSchema } from "./duration.ts";
