import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Words that mean the same to the scripted embeddings model, one concept per dimension. Some are in
 * no document of the claims pack ("deluge", "gushed"), so only meaning, not words, can find them.
 */
export const CONCEPTS: readonly (readonly string[])[] = [
  ["water", "pipe", "pipes", "leak", "leaking", "burst", "plumbing", "escape", "soaked", "deluge", "gushed", "gushing", "torrent"],
  ["theft", "stolen", "nicked", "burglary", "burgled", "thief", "thieves", "pinched"],
  ["car", "motor", "vehicle", "motorway", "windscreen", "motorcar"],
  ["pay", "payment", "payout", "settlement", "amount", "money", "cash"],
  ["storm", "gale", "wind", "winds", "hail", "tempest"],
];
const DIMENSIONS = CONCEPTS.length + 32;

/** A deterministic vector for a text: its concepts weigh 3, every other word falls in one of 32 hashed buckets at weight 1. */
export function conceptVector(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const concept = CONCEPTS.findIndex((words) => words.includes(word));
    if (concept >= 0) vector[concept]! += 3;
    else {
      let hash = 0;
      for (const c of word) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
      vector[CONCEPTS.length + (hash % 32)]! += 1;
    }
  }
  return vector;
}

export interface ScriptedEmbeddings {
  /** Base URL ending in `/v1`. */
  url: string;
  /** Each request's body, in order. */
  requests: { model: string; input: string | string[]; encoding_format?: string }[];
  /** The inputs of every request, flattened. */
  inputs(): string[];
  /** Makes the next `count` requests fail with this status. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/**
 * Starts an OpenAI-compatible embeddings server on 127.0.0.1 (`POST /v1/embeddings`) whose vectors
 * come from `conceptVector`, and records what it was sent.
 * @example const server = await startScriptedEmbeddings(); new OpenAIEmbedder({ model: "test-embed", baseUrl: server.url });
 */
export async function startScriptedEmbeddings(): Promise<ScriptedEmbeddings> {
  const requests: ScriptedEmbeddings["requests"] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server = http.createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== "POST" || req.url !== "/v1/embeddings")
      return send(404, { error: { message: `no route for ${req.method} ${req.url}` } });
    const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as ScriptedEmbeddings["requests"][number];
    requests.push(body);
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return send(failures.status, { error: { message: `scripted failure ${failures.status}` } });
    }
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    send(200, {
      object: "list",
      model: body.model,
      data: inputs.map((text, index) => ({ object: "embedding", index, embedding: conceptVector(text) })),
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    inputs: () => requests.flatMap((r) => (Array.isArray(r.input) ? r.input : [r.input])),
    failNext(count, status) {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
