import type { RunEvent, RunEventType } from "./types.ts";

/** Whether an event is of a type; narrows its `data` to that type's. */
export function isEventOf<T extends RunEventType>(event: RunEvent, type: T): event is RunEvent<T> {
  return event.type === type;
}

/** The events of one type, in their order, with that type's `data`. */
export function eventsOfType<T extends RunEventType>(events: readonly RunEvent[], type: T): RunEvent<T>[] {
  return events.filter((event): event is RunEvent<T> => event.type === type);
}
