export { ApiKeys } from "./api-keys.ts";
export { checkLocalHost } from "./local-host.ts";
