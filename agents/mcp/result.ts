import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { GuildError } from "../errors/index.ts";
import type { McpCallOutcome, ToolImage } from "./types.ts";

/** The most text of a result kept in the run's state and events; a server may send far more. */
const MAX_TEXT = 64_000;
/** The largest image passed on to a model (base64 characters, about 1.5 MB of image). */
const MAX_IMAGE = 2_000_000;

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}... (cut at ${MAX_TEXT} characters)` : text;
  }
}

/**
 * An MCP tool's answer as Guild keeps it: the structured content when the server sends one, else
 * its text (parsed when it is JSON), with images set apart for models that can look at them.
 * A result the server marks `isError` is a tool error carrying the server's own message.
 */
export function outcomeOf(toolName: string, result: CallToolResult): McpCallOutcome {
  const texts = result.content.filter((c) => c.type === "text").map((c) => (c as { text: string }).text);
  if (result.isError) {
    const message = texts.join(" ").trim() || "the tool reported an error without saying why";
    throw new GuildError("tool_error", `${toolName}: ${message.slice(0, 2000)}`, { details: { cause: "tool_reported_error" } });
  }
  const images: ToolImage[] = result.content
    .filter((c) => c.type === "image")
    .map((c) => c as { data: string; mimeType: string })
    .filter((c) => c.data.length <= MAX_IMAGE)
    .map((c) => ({ mimeType: c.mimeType, data: c.data }));
  let value: unknown;
  if (result.structuredContent !== undefined) value = result.structuredContent;
  else if (texts.length === 1) value = parsedOrText(texts[0]!);
  else if (texts.length > 1) value = parsedOrText(texts.join("\n"));
  else value = images.length > 0 ? { images: images.length } : null;
  return { result: value, images };
}
