import { z } from "zod";
import { DecisionSchema } from "../../graphs/index.ts";

export { DecisionSchema };

/** A new run, as REST and the CLI accept it. */
export const StartRunSchema = z.strictObject({
  task: z.string().trim().min(1, "task must not be empty").max(20_000, "task must be at most 20,000 characters"),
  pack: z.string().min(1).optional(),
  options: z.strictObject({ planApproval: z.boolean().optional() }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
