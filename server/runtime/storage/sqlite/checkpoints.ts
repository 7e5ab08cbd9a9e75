import type { CheckpointMaintenance } from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/**
 * Housekeeping of LangGraph's SqliteSaver tables (`checkpoints`, `writes`) on the shared
 * connection. Checkpoint ids are time-ordered, so the greatest is the last.
 */
export function sqliteCheckpointMaintenance(connection: SqliteConnection): CheckpointMaintenance {
  const { db } = connection;
  const prepared = () => ({
    last: db
      .prepare<[string], string | undefined>("SELECT max(checkpoint_id) FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ''")
      .pluck(),
    olderWrites: db.prepare("DELETE FROM writes WHERE thread_id = ? AND checkpoint_id <> ?"),
    older: db.prepare("DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id <> ?"),
    detach: db.prepare("UPDATE checkpoints SET parent_checkpoint_id = NULL WHERE thread_id = ?"),
    allWrites: db.prepare("DELETE FROM writes WHERE thread_id = ?"),
    all: db.prepare("DELETE FROM checkpoints WHERE thread_id = ?"),
  });
  // The saver creates its tables on first use; statements are prepared once they exist.
  let statements: ReturnType<typeof prepared> | undefined;
  const ready = () => (statements ??= prepared());
  const tablesExist = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'writes'").get() !== undefined;
  return {
    compact: (threadId) =>
      connection.transaction(async () => {
        if (!tablesExist()) return;
        const s = ready();
        const last = s.last.get(threadId);
        if (!last) return;
        s.olderWrites.run(threadId, last);
        s.older.run(threadId, last);
        s.detach.run(threadId);
      }),
    remove: (threadId) =>
      connection.transaction(async () => {
        if (!tablesExist()) return;
        const s = ready();
        s.allWrites.run(threadId);
        s.all.run(threadId);
      }),
  };
}
