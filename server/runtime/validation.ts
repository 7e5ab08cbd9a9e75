import type { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";

/** A zod failure as Guild's invalid_input error, naming the first field at fault. */
export function zodFailure(what: string, error: z.ZodError): GuildError {
  const issue = error.issues[0]!;
  const field = issue.path.join(".") || "(body)";
  return new GuildError("invalid_input", `${what}: ${field}: ${issue.message}`, {
    details: { field, issues: error.issues.map((i) => ({ field: i.path.join("."), message: i.message })) },
  });
}
