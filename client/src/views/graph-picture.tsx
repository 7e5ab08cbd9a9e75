import { useEffect, useRef, useState } from "react";
import type { GraphPath } from "../lib/graph-path.ts";
import { api, ApiError } from "../api/rest.ts";

type Picture =
  | { state: "loading" }
  | { state: "drawn"; svg: string; source: string }
  | { state: "text"; source: string; why: string }
  | { state: "none"; why: string };

/** Drawn pictures by pack: the graph of a pack does not change while the server runs. */
const drawn = new Map<string, Promise<Picture>>();
let renders = 0;

async function draw(packId: string): Promise<Picture> {
  let source: string;
  try {
    source = (await api<{ mermaid: string }>("GET", `/api/packs/${encodeURIComponent(packId)}/graph`)).mermaid;
  } catch (error) {
    const why = error instanceof ApiError && error.status === 404 ? "this server does not draw its graphs" : (error as Error).message;
    return { state: "none", why };
  }
  try {
    // Mermaid is large: loaded only when a graph is shown. Strict: no scripts, no HTML labels, no clicks.
    const { default: mermaid } = await import("mermaid");
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral", flowchart: { htmlLabels: false } });
    const { svg } = await mermaid.render(`guild-graph-${(renders += 1)}`, source);
    return { state: "drawn", svg, source };
  } catch (error) {
    return { state: "text", source, why: (error as Error).message };
  }
}

/** Marks the drawing's nodes: where the run is now, and where it has been (as LangGraph Studio does). */
function highlight(figure: HTMLElement, path: GraphPath): void {
  for (const node of figure.querySelectorAll<SVGGElement>("g.node")) {
    const name = node.textContent?.trim() ?? "";
    node.classList.toggle("graph-visited", path.visited.includes(name));
    node.classList.toggle("graph-current", path.current === name);
  }
}

/**
 * The pack's state machine as LangGraph draws it (Mermaid), or its text when it cannot be drawn;
 * with a run's `path`, the node it is at and the ones it went through are marked, live.
 */
export function GraphPicture({ packId, path }: { packId: string; path?: GraphPath }) {
  const [picture, setPicture] = useState<Picture>({ state: "loading" });
  const figure = useRef<HTMLElement>(null);
  useEffect(() => {
    if (figure.current && path) highlight(figure.current, path);
  });
  useEffect(() => {
    let current = true;
    if (!drawn.has(packId)) drawn.set(packId, draw(packId));
    void drawn.get(packId)!.then((p) => current && setPicture(p));
    return () => {
      current = false;
    };
  }, [packId]);

  return (
    <section className="panel graph" aria-labelledby="graph-title">
      <h2 id="graph-title">Graph</h2>
      {picture.state === "loading" ? <p className="hint">Drawing…</p> : null}
      {picture.state === "none" ? <p className="hint">No picture: {picture.why}.</p> : null}
      {picture.state === "drawn" ? (
        <figure
          ref={figure}
          role="img"
          aria-label={`The pack's graph: the nodes a run goes through${path?.current ? `; the run is at ${path.current}` : ""}`}
          className="graph-svg"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: Mermaid's drawing of our own server's graph text, with securityLevel strict (sanitized by Mermaid).
          dangerouslySetInnerHTML={{ __html: picture.svg }}
        />
      ) : null}
      {picture.state === "text" ? <p className="hint">Could not draw the graph ({picture.why}); its Mermaid text:</p> : null}
      {picture.state === "drawn" || picture.state === "text" ? (
        <details open={picture.state === "text"}>
          <summary>Mermaid source</summary>
          <pre className="text">{picture.source}</pre>
        </details>
      ) : null}
    </section>
  );
}
