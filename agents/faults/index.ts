export { FAILPOINTS, killAt, noFailpoint, type Failpoint, type FailpointName } from "./failpoint.ts";
