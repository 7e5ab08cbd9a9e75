export { createApp, type AppOptions } from "./app.ts";
export { answerClientError } from "./client-errors.ts";
