import type { RunEvent, RunEventType } from "./types.ts";

/** The events of one type, in their order, with that type's `data`. */
export function eventsOfType<T extends RunEventType>(events: readonly RunEvent[], type: T): RunEvent<T>[] {
  return events.filter((event): event is RunEvent<T> => event.type === type);
}
