import type { RunnableConfig } from "@langchain/core/runnables";
import type { ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple, PendingWrite } from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import { isTransientPostgresError, withRetry, type RetryOptions } from "../../../../agents/faults/index.ts";

/**
 * LangGraph's `PostgresSaver`, with reads and writes retried after a transient failure (a dropped
 * connection, a failover) instead of failing the run. Each is an upsert or a read, so a retry
 * after a write that did land changes nothing.
 */
export class RetryingPostgresSaver extends PostgresSaver {
  constructor(
    pool: pg.Pool,
    schema: string,
    private readonly retry: RetryOptions = {},
  ) {
    super(pool, undefined, { schema });
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.retried(() => super.getTuple(config));
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.retried(() => super.put(config, checkpoint, metadata, newVersions));
  }

  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    return this.retried(() => super.putWrites(config, writes, taskId));
  }

  private retried<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetry(attempt, isTransientPostgresError, this.retry);
  }
}
