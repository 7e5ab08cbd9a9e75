export { createMetrics, type GuildMetrics } from "./metrics.ts";
