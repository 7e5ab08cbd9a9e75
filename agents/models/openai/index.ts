export { OpenAIModel } from "./model.ts";
export { OpenAIEmbedder } from "./embedder.ts";
