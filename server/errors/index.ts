export { toClientError } from "./client-error.ts";
