export { OpenAIModel, type OpenAIModelOptions } from "./model.ts";
