import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PACKS_DIR } from "../../agents/packs/index.ts";
import { eventsOfType, type RunEvent } from "../../server/contract/index.ts";
import { useScriptedRuntime } from "../support/openai-runtime.ts";
import { offeredTools, structuredOutputName, textOf, type ChatCompletionRequest, type ScriptedReply } from "../support/openai-server.ts";

const TASK = "Look at the AOI image of the main defect on lot LOT-24108 and say what it shows.";
const IMAGE = fs.readFileSync(path.join(BUILTIN_PACKS_DIR, "manufacturing-qc", "mcp", "images", "IMG-24108-0102.png")).toString("base64");

/** The image parts of a request's messages, as the server received them. */
function imageParts(request: ChatCompletionRequest): { type: string; image_url: { url: string } }[] {
  return request.messages.flatMap((m) =>
    Array.isArray(m.content) ? m.content.filter((p: { type?: string }) => p.type === "image_url") : [],
  );
}

/**
 * A multimodal model: the inspection analyst reads the lot's AOI summary, asks for the archived
 * image of its main defect when that tool is offered, and describes what it sees.
 */
function visionScript(request: ChatCompletionRequest): ScriptedReply {
  if (structuredOutputName(request) === "plan") return { structured: { steps: [{ specialist: "inspection_analyst", instruction: TASK }] } };
  const system = textOf(request, "system");
  if (system.startsWith("Rewrite the search query")) return { content: "AOI image porosity reference image" };
  if (system.startsWith("Write the final answer"))
    return { content: "The AOI image of IMG-24108-0102 shows round pores: porosity at boss B2." };
  const user = textOf(request, "user");
  if (!user.includes("- lot_defect_summary(")) return { toolCalls: [{ name: "lot_defect_summary", arguments: { lot_id: "LOT-24108" } }] };
  if (offeredTools(request).includes("vision__inspect_image") && !user.includes("- vision__inspect_image(")) {
    return { toolCalls: [{ name: "vision__inspect_image", arguments: { image_ref: "IMG-24108-0102" } }] };
  }
  return {
    content:
      imageParts(request).length > 0
        ? "The image shows several round dark pores: porosity [1]."
        : "No image to look at; the AOI records say porosity [1].",
  };
}

const scripted = useScriptedRuntime();

describe("a multimodal model looks at a part's image through the pack's MCP image archive", () => {
  it("offers inspect_image to a model that accepts images and sends it the image as an image_url part", async () => {
    const { server, runtime } = await scripted.open(visionScript, { vision: ["openai:test-small"] });
    const events: RunEvent[] = [];
    const stop = runtime.onEvent((e) => events.push(e));
    const run = await runtime.waitForRun((await runtime.startRun({ task: TASK, pack: "manufacturing-qc" })).id);
    stop();

    expect(run.error).toBeUndefined();
    expect(run.status).toBe("completed");
    const analyst = server.requests.filter((r) => offeredTools(r).includes("lot_defect_summary"));
    expect(offeredTools(analyst[0]!)).toContain("vision__inspect_image");
    const withImage = analyst.filter((r) => imageParts(r).length > 0);
    expect(withImage).toHaveLength(1);
    expect(imageParts(withImage[0]!)).toEqual([{ type: "image_url", image_url: { url: `data:image/png;base64,${IMAGE}` } }]);
    expect(textOf(withImage[0]!, "user")).toContain("Images from tool results, in order: vision/inspect_image");

    const result = eventsOfType(events, "tool.result").find((e) => e.data.tool === "vision/inspect_image")!;
    expect(result.data).toMatchObject({
      server: "vision",
      result: { image_ref: "IMG-24108-0102", aoi_defect_code: "DC-POR", zone: "sealing face" },
      images: [{ mimeType: "image/png", bytes: Buffer.from(IMAGE, "base64").length }],
    });
    // The event log names the image; it does not carry it.
    expect(JSON.stringify(events)).not.toContain(IMAGE.slice(0, 200));
    expect(eventsOfType(events, "message").find((e) => e.data.specialist === "inspection_analyst")!.data.text).toBe(
      "The image shows several round dark pores: porosity [1].",
    );
  });

  it("neither offers the tool nor starts the image archive for a model that does not accept images", async () => {
    const { server, runtime } = await scripted.open(visionScript);
    const run = await runtime.waitForRun((await runtime.startRun({ task: TASK, pack: "manufacturing-qc" })).id);
    expect(run.status).toBe("completed");
    const analyst = server.requests.filter((r) => offeredTools(r).includes("lot_defect_summary"));
    expect(analyst.length).toBeGreaterThan(0);
    expect(analyst.every((r) => !offeredTools(r).includes("vision__inspect_image") && imageParts(r).length === 0)).toBe(true);
    expect(
      runtime
        .listPacks()
        .find((p) => p.id === "manufacturing-qc")!
        .mcpServers.find((s) => s.name === "vision")!.state,
    ).toBe("idle");
  });
});
