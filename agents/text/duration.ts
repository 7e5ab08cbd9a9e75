import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration: `90s`, `15m`, `4h`, `30d` (or `500ms`), as milliseconds. */
export const DurationSchema = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]*(ms|s|m|h|d)$/, "a duration is a whole number with a unit: ms, s, m, h or d (e.g. 4h)")
  .transform((text) => {
    const [, amount, unit] = /^([0-9]+)([a-z]+)$/.exec(text)!;
    return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  });
