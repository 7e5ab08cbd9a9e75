export { OpenAIModel, type OpenAIModelOptions } from "./model.ts";
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from "./embedder.ts";
