import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isGuildError } from "../../agents/errors/index.ts";
import { argsFromInputSchema, compileMcpTool, expandVariables, outcomeOf, type McpTool } from "../../agents/mcp/index.ts";
import { loadPack } from "../../agents/packs/index.ts";
import { mcpLabPack, stdioTestServer } from "../support/mcp.ts";

const PART_ID = { type: "string", pattern: "^P-[0-9]{3}$", description: "The part id." };
const reserve = {
  name: "reserve_stock",
  description: "Reserve stock of a part.",
  inputSchema: {
    type: "object",
    properties: { part_id: PART_ID, quantity: { type: "integer", minimum: 1 } },
    required: ["part_id", "quantity"],
  },
};

describe("MCP tools as Guild tools", () => {
  it("reads a server's input schema as argument declarations: types, required, enums, anchored patterns and limits", () => {
    const converted = argsFromInputSchema(
      {
        type: "object",
        properties: {
          part_id: PART_ID,
          note: { type: ["string", "null"], maxLength: 200 },
          unit: { enum: ["mm", "in"] },
          loose: { type: "string", pattern: "[0-9]+" },
          tags: { type: "array", items: { type: "string" } },
          weight: { type: "number", minimum: 0, maximum: 10, description: "Weight in kg." },
        },
        required: ["part_id", "unit"],
      },
      { part_id: ["part_id", "item"] },
    );
    expect(converted).toEqual({
      args: {
        part_id: { type: "string", description: "The part id.", pattern: "^P-[0-9]{3}$", optional: false, hints: ["part_id", "item"] },
        note: { type: "string", description: "The note.", maxLength: 200, optional: true, hints: [] },
        unit: { type: "string", description: "The unit.", enum: ["mm", "in"], optional: false, hints: [] },
        // Unanchored: JSON Schema matches it anywhere, Guild would match it in full. The server checks it.
        loose: { type: "string", description: "The loose.", optional: true, hints: [] },
        weight: { type: "number", description: "Weight in kg.", minimum: 0, maximum: 10, optional: true, hints: [] },
      },
    });
  });

  it("refuses a tool with a required argument Guild cannot pass, saying which", () => {
    expect(argsFromInputSchema({ type: "object", properties: { ids: { type: "array" } }, required: ["ids"] })).toEqual({
      error: "its argument 'ids' is of type array; Guild's tools take strings, numbers and booleans",
    });
  });

  it("makes a tool an effect that needs approval unless the server marks it read-only, and takes the pack's policy over both", () => {
    const effect = compileMcpTool("inv", reserve, undefined) as McpTool;
    expect(effect).toMatchObject({
      name: "inv/reserve_stock",
      server: "inv",
      remoteName: "reserve_stock",
      kind: "effect",
      requiresApproval: true,
      approval: { when: [], otherwise: "always" },
    });
    const query = compileMcpTool("inv", { ...reserve, annotations: { readOnlyHint: true } }, undefined) as McpTool;
    expect(query).toMatchObject({ kind: "query", requiresApproval: false });
    const declared = compileMcpTool("inv", reserve, { kind: "query", approval: "never", hints: {}, vision: false }) as McpTool;
    expect(declared).toMatchObject({ kind: "query", requiresApproval: false });
    expect(effect.schema.safeParse({ part_id: "P-104", quantity: 0 }).success).toBe(false);
    expect(effect.schema.safeParse({ part_id: "P-104", quantity: 2 }).success).toBe(true);
  });

  it("refuses a policy whose condition or risk rule names an argument the server's tool does not have", () => {
    const when = [{ arg: "qty", op: ">" as const, value: 10, reason: "big", highRisk: false }];
    expect(compileMcpTool("inv", reserve, { approval: { when, otherwise: "never" }, hints: {}, vision: false })).toEqual({
      error: "inv/reserve_stock: its policy's condition names 'qty', which is not an argument of the tool",
    });
    expect(compileMcpTool("inv", reserve, { risk: { field: "part_id", above: 1, reason: "r" }, hints: {}, vision: false })).toEqual({
      error: "inv/reserve_stock: its risk rule names 'part_id', which is not a numeric argument",
    });
  });

  it("keeps a result's structured content, else its text parsed as JSON, and sets images apart; isError is a tool error", () => {
    expect(outcomeOf("inv/a", { content: [{ type: "text", text: "{}" }], structuredContent: { stock: 1 } })).toEqual({
      result: { stock: 1 },
      images: [],
    });
    expect(outcomeOf("inv/a", { content: [{ type: "text", text: '{"stock": 2}' }] })).toEqual({ result: { stock: 2 }, images: [] });
    expect(
      outcomeOf("inv/a", {
        content: [
          { type: "text", text: "plain words" },
          { type: "image", data: "iVBO", mimeType: "image/png" },
        ],
      }),
    ).toEqual({
      result: "plain words",
      images: [{ mimeType: "image/png", data: "iVBO" }],
    });
    let error: unknown;
    try {
      outcomeOf("inv/a", { isError: true, content: [{ type: "text", text: "no part P-999" }] });
    } catch (e) {
      error = e;
    }
    expect(isGuildError(error) && error.code === "tool_error" && error.message).toBe("inv/a: no part P-999");
  });

  it("takes ${VAR}s from the environment it is given, and names a missing one", () => {
    expect(expandVariables("Bearer ${TOKEN}", { TOKEN: "abc" }, "erp")).toBe("Bearer abc");
    expect(() => expandVariables("${NOPE}", {}, "erp")).toThrow("MCP server 'erp' needs the variable NOPE, which is not set");
  });
});

describe("MCP servers in a pack manifest", () => {
  let remove = (): void => {};
  afterEach(() => remove());

  /** Loads the mcp-lab pack after changing its manifest; returns the error it fails with. */
  async function loadError(change: (manifest: any) => void): Promise<Error> {
    const lab = mcpLabPack({ servers: { inv: stdioTestServer() }, tools: ["inv/lookup_part"] });
    remove = lab.remove;
    const file = path.join(lab.root, "mcp-lab", "pack.json");
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    change(manifest);
    fs.writeFileSync(file, JSON.stringify(manifest));
    try {
      await loadPack(path.join(lab.root, "mcp-lab"));
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected the pack to be refused");
  }

  it("loads a specialist's MCP tools by name, without starting anything", async () => {
    const lab = mcpLabPack({ servers: { inv: stdioTestServer() }, tools: ["inv/lookup_part", "inv/reserve_stock"] });
    remove = lab.remove;
    const pack = await loadPack(path.join(lab.root, "mcp-lab"));
    expect(pack.specialists[0]!.mcpTools).toEqual(["inv/lookup_part", "inv/reserve_stock"]);
    expect(pack.specialists[0]!.tools).toEqual([]);
    expect(pack.mcpServers.inv).toMatchObject({ command: "node", args: [expect.stringMatching(/test-server\.mjs$/)] });
  });

  it("refuses a tool of a server the pack does not declare, a bad server name, a server with neither command nor url, and a lookup that is not a SQL query", async () => {
    expect((await loadError((m) => (m.specialists[0].tools = ["erp/get_order"]))).message).toMatch(
      /specialists\.0\.tools\.0: no MCP server 'erp' in mcpServers/,
    );
    expect((await loadError((m) => (m.mcpServers = { "Bad Name": { command: "node" } }))).message).toMatch(/mcpServers\.Bad Name/);
    expect((await loadError((m) => (m.mcpServers.inv = { args: ["x"] }))).message).toMatch(/mcpServers\.inv/);
    expect((await loadError((m) => (m.mcpTools = { "erp/x": { approval: "always" } }))).message).toMatch(
      /mcpTools\.erp\/x: no MCP server 'erp'/,
    );
    const lookup = { when: [{ lookup: { tool: "nope", field: "f" }, op: "==", value: 1, reason: "r" }] };
    expect((await loadError((m) => (m.mcpTools = { "inv/reserve_stock": { approval: lookup } }))).message).toMatch(
      /'nope' is not a query tool of the pack/,
    );
  });
});
