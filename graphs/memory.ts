/**
 * Long-term memory namespaces: lessons reviewers taught, and summaries of finished runs, each
 * tenant's apart. The default tenant keeps the namespaces of before tenants; another's begin with
 * `@tenant`, which no pack id does, so that no search of one tenant's prefix finds another's.
 */
const scope = (tenant: string | undefined): string[] =>
  tenant === undefined || tenant === DEFAULT_TENANT ? ["guild"] : ["guild", `@${tenant}`];
export const lessonsNamespace = (packId: string, tenant?: string): string[] => [...scope(tenant), packId, "lessons"];
export const runsNamespace = (packId: string, tenant?: string): string[] => [...scope(tenant), packId, "runs"];

/** The tenant of data from before tenants, and of runs started without one. */
export const DEFAULT_TENANT = "default";
