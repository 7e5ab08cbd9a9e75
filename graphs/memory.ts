/** Long-term memory namespaces: lessons reviewers taught, and summaries of finished runs. */
export const lessonsNamespace = (packId: string): string[] => ["guild", packId, "lessons"];
export const runsNamespace = (packId: string): string[] => ["guild", packId, "runs"];
