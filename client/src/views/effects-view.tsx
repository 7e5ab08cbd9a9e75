import { deriveEffects } from "../../../server/contract/effects.ts";
import type { RunEvent } from "../../../server/contract/index.ts";
import { ValueView } from "./values.tsx";

const MARK = { done: "✓", failed: "✗", "not done": "–", running: "…" } as const;

/** What the run did and did not do: its effects, each with its result or why not. */
export function EffectsView({ events }: { events: readonly RunEvent[] }) {
  const effects = deriveEffects(events);
  if (effects.length === 0) return null;
  return (
    <section className="panel effects" aria-labelledby="effects-title">
      <h2 id="effects-title">What was done</h2>
      <ul className="effect-list">
        {effects.map((effect) => (
          <li key={effect.key} className={`effect effect-${effect.state.replace(" ", "-")}`}>
            <span className="effect-mark" aria-hidden="true">
              {MARK[effect.state]}
            </span>{" "}
            <strong>{effect.title ?? effect.tool}</strong> <span className="effect-state">{effect.state}</span>
            {effect.detail !== undefined ? (
              <div className="effect-detail">
                <ValueView value={effect.detail} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
