export { FAILPOINTS, killAt, noFailpoint, type Failpoint, type FailpointName } from "./failpoint.ts";
export { isSqliteBusy, withRetry, type RetryOptions } from "./transient.ts";
export { isTransientPostgresError } from "./postgres-transient.ts";
