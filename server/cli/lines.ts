import readline from "node:readline";

/**
 * Answers read line by line from an input stream. Lines that arrive before they are asked for
 * are kept, so piped answers are never lost between two prompts.
 */
export class LineReader {
  private readonly queue: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private readonly rl: readline.Interface;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    this.rl = readline.createInterface({ input, terminal: false });
    this.rl.on("line", (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.queue.push(line);
    });
    this.rl.on("close", () => {
      this.ended = true;
      for (const next of this.waiting.splice(0)) next(undefined);
    });
  }

  /** Writes the prompt and resolves with the next line, or undefined when the input has ended. */
  ask(prompt: string): Promise<string | undefined> {
    this.output.write(prompt);
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.rl.close();
  }
}
