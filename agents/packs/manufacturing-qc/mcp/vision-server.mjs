// The AOI image archive of Northgate Precision as an MCP server (stdio): gives a model that can
// see the image the automated optical inspection station took of a finding, with what the station
// recorded about it (data/images.json). An external service: it never opens Guild's databases.
import fs from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const index = JSON.parse(fs.readFileSync(new URL("./data/images.json", import.meta.url), "utf8"));

const TOOLS = [
  {
    name: "inspect_image",
    description:
      "Look at the image the AOI vision system took of a finding, by its image reference: the picture of the part's surface, with the station, the time, the zone and the defect class and confidence the station gave it. Only reference images are archived.",
    inputSchema: {
      type: "object",
      properties: {
        image_ref: {
          type: "string",
          pattern: "^IMG-[0-9]{5}-[0-9]{4}$",
          description: "The image reference of an AOI finding, e.g. IMG-24108-0102.",
        },
      },
      required: ["image_ref"],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
];

const server = new Server({ name: "northgate-aoi-images", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== "inspect_image")
    return { isError: true, content: [{ type: "text", text: `unknown tool ${request.params.name}` }] };
  const ref = request.params.arguments?.image_ref;
  const entry = index.images.find((i) => i.image_ref === ref);
  if (!entry)
    return {
      isError: true,
      content: [
        { type: "text", text: `image ${ref} is not in the archive: only reference images are kept (aoi-inspection-sop.md, section 6)` },
      ],
    };
  const data = fs.readFileSync(new URL(`./images/${entry.file}`, import.meta.url)).toString("base64");
  const { file: _file, ...record } = entry;
  return {
    content: [
      { type: "text", text: JSON.stringify({ ...record, pixel_size_mm: index.pixelSizeMm, size_px: "64 x 64" }) },
      { type: "image", data, mimeType: "image/png" },
    ],
  };
});
await server.connect(new StdioServerTransport());
