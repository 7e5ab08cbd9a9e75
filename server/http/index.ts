export { createApp } from "./app.ts";
export { answerClientError } from "./client-errors.ts";
