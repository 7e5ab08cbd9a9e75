import type pg from "pg";
import type { CheckpointMaintenance } from "../types.ts";

/**
 * Housekeeping of LangGraph's PostgresSaver tables in `schema`: `checkpoints`, the channel values
 * they point to (`checkpoint_blobs`, by channel and version) and pending writes
 * (`checkpoint_writes`). Checkpoint ids are time-ordered, so the greatest is the last.
 */
export function postgresCheckpointMaintenance(pool: pg.Pool, schema: string): CheckpointMaintenance {
  const inTransaction = async (statements: (client: pg.PoolClient) => Promise<void>): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await statements(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    compact: (threadId) =>
      inTransaction(async (client) => {
        const { rows } = await client.query<{ checkpoint_id: string }>(
          `SELECT checkpoint_id FROM "${schema}".checkpoints WHERE thread_id = $1 AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1`,
          [threadId],
        );
        const last = rows[0]?.checkpoint_id;
        if (!last) return;
        await client.query(`DELETE FROM "${schema}".checkpoint_writes WHERE thread_id = $1 AND checkpoint_id <> $2`, [threadId, last]);
        await client.query(`DELETE FROM "${schema}".checkpoints WHERE thread_id = $1 AND checkpoint_id <> $2`, [threadId, last]);
        // Values no checkpoint points to any more: every version but the last checkpoint's.
        await client.query(
          `DELETE FROM "${schema}".checkpoint_blobs b WHERE b.thread_id = $1 AND NOT EXISTS (
             SELECT 1 FROM "${schema}".checkpoints c, jsonb_each_text(c.checkpoint -> 'channel_versions') v
             WHERE c.thread_id = $1 AND c.checkpoint_id = $2 AND v.key = b.channel AND v.value = b.version)`,
          [threadId, last],
        );
        await client.query(`UPDATE "${schema}".checkpoints SET parent_checkpoint_id = NULL WHERE thread_id = $1`, [threadId]);
      }),
    remove: (threadId) =>
      inTransaction(async (client) => {
        for (const table of ["checkpoint_writes", "checkpoint_blobs", "checkpoints"])
          await client.query(`DELETE FROM "${schema}".${table} WHERE thread_id = $1`, [threadId]);
      }),
  };
}
