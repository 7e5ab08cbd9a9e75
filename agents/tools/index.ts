export { toolArgsSchema } from "./schema.ts";
