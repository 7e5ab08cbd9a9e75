import { BaseChannel } from "@langchain/langgraph";

/** How a `ReplacedValue` is stored: always an object, so a checkpoint holds it even when it is undefined. */
interface Stored<T> {
  replaced: true;
  value?: T;
}

const isStored = <T>(checkpoint: unknown): checkpoint is Stored<T> =>
  typeof checkpoint === "object" && checkpoint !== null && (checkpoint as { replaced?: unknown }).replaced === true;

/**
 * A state channel that holds the last value written, `undefined` included ("no plan feedback",
 * "no active step").
 *
 * LangGraph's reducer channel (`BinaryOperatorAggregate`) leaves a channel holding `undefined` out
 * of the checkpoint; reading a checkpoint where a written channel has no value, LangGraph 1.7
 * rebuilds it by walking back through every earlier checkpoint of the run (a read per step). This
 * channel stores `{ replaced: true, value }` instead, so every checkpoint holds what the next step
 * needs and is read on its own.
 */
export class ReplacedValue<T> extends BaseChannel<T, T, Stored<T>> {
  lc_graph_name = "ReplacedValue";
  private value: T;

  constructor(private readonly initial: () => T) {
    super();
    this.value = initial();
  }

  /** Also reads a checkpoint written before this channel, which held the value itself. */
  fromCheckpoint(checkpoint?: Stored<T> | T): this {
    const channel = new ReplacedValue<T>(this.initial);
    if (checkpoint !== undefined) channel.value = isStored<T>(checkpoint) ? (checkpoint.value as T) : (checkpoint as T);
    return channel as this;
  }

  update(values: T[]): boolean {
    if (values.length === 0) return false;
    this.value = values[values.length - 1]!;
    return true;
  }

  get(): T {
    return this.value;
  }

  checkpoint(): Stored<T> {
    return { replaced: true, value: this.value };
  }

  override isAvailable(): boolean {
    return true;
  }
}
