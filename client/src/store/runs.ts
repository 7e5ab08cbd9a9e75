import type { Run } from "../../../server/contract/index.ts";
import { api } from "../api/rest.ts";
import { Observable } from "./observable.ts";

export interface RunsState {
  runs: readonly Run[];
  loaded: boolean;
  error?: string;
}

/** How many runs the list shows, newest first. */
const LIST_LIMIT = 50;
/** Runs nobody here follows change too (another reviewer, a REST client): read the list now and then. */
const POLL_MS = 10_000;
/** Changes often come in bursts (a run's events): one read after the burst is enough. */
const SETTLE_MS = 250;

/** The run list. There is no runs-wide socket event: it is read again after approval and run events, and on an interval. */
export class RunsList {
  readonly state = new Observable<RunsState>({ runs: [], loaded: false });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor() {
    setInterval(() => void this.refresh(), POLL_MS);
  }

  /** Reads the list again soon, once for a burst of changes. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), SETTLE_MS);
  }

  /** Reads the list now; a call during a read makes one more read after it. */
  async refresh(): Promise<void> {
    if (this.reading !== undefined) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        const { runs } = await api<{ runs: Run[] }>("GET", `/api/runs?limit=${LIST_LIMIT}`);
        this.state.set({ runs, loaded: true });
      } catch (error) {
        this.state.update((state) => ({ ...state, error: (error as Error).message }));
      }
    })();
    await this.reading;
    this.reading = undefined;
    if (this.again) {
      this.again = false;
      await this.refresh();
    }
  }
}
