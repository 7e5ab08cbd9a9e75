import type { RunnableConfig } from "@langchain/core/runnables";
import type { Checkpoint, CheckpointListOptions, CheckpointMetadata, CheckpointTuple, PendingWrite } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { SqliteConnection } from "./connection.ts";

/**
 * LangGraph's `SqliteSaver` on the runtime's shared connection: each call waits its turn on the
 * connection (so it never lands inside another piece of work's transaction) and is retried after
 * a timer while another process holds the database's lock, instead of failing the run.
 */
export class SharedConnectionSaver extends SqliteSaver {
  constructor(private readonly connection: SqliteConnection) {
    super(connection.db);
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.connection.run(() => super.getTuple(config));
  }

  override async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const tuples = await this.connection.run(async () => {
      const all: CheckpointTuple[] = [];
      for await (const tuple of super.list(config, options)) all.push(tuple);
      return all;
    });
    yield* tuples;
  }

  override put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    return this.connection.run(() => super.put(config, checkpoint, metadata));
  }

  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    return this.connection.run(() => super.putWrites(config, writes, taskId));
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.connection.run(() => super.deleteThread(threadId));
  }
}
