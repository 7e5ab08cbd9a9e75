import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildKnowledgeBase,
  expandQuery,
  parseGlossary,
  readDocuments,
  retrieveAdaptively,
  splitDocument,
  CHUNK_SIZE,
  type KnowledgeBase,
  type KnowledgeDocument,
  type RetrievalAttempt,
} from "../../agents/knowledge/index.ts";

const POLICY = `# Home Policy Wording

This policy covers your home and its contents against the events listed in section 4.

## 4. What is covered

### 4.1 Fire
Loss or damage caused by fire, lightning, explosion or smoke.

### 4.2 Escape of water
We cover sudden damage caused by water escaping from a fixed water or heating installation,
such as burst pipes, a leaking washing machine or an overflowing tank. We also pay to trace
and access the source of the leak, up to £2,500.

We do not cover the cost of repairing the appliance itself, or damage that happened gradually.

### 4.3 Storm
We cover damage caused by storm, meaning wind speeds over 55 mph, heavy rain, snow or hail.
We do not cover damage to fences, gates or hedges.

## 6. General conditions
${Array.from(
  { length: 24 },
  (_, i) => `Condition ${i + 1}: the policyholder must keep the home in good repair and take reasonable steps to prevent loss.`,
).join("\n")}
`;

const ENDORSEMENTS = `# Home Endorsements

## E1 Accidental damage
Accidental damage to contents is covered only when shown in the schedule.
`;

const NOTES = `Claims handling notes.
Always ask the customer for photographs and the date the loss was first noticed. For storm
claims, check weather records for the postcode on the date of loss.
`;

const GLOSSARY = `# Glossary

## Escape of water
Also: burst pipe, leaking pipe, flooded kitchen
Water escaping suddenly from a fixed installation.

## Excess
The amount the policyholder pays towards each claim.

## Storm
**Also:** gale, high winds
Violent weather with winds of at least 55 mph.
`;

let dir: string;
let docs: KnowledgeDocument[];
let kb: KnowledgeBase;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "guild-knowledge-"));
  await writeFile(join(dir, "home-policy-wording.md"), POLICY);
  await writeFile(join(dir, "home-endorsements.md"), ENDORSEMENTS);
  await writeFile(join(dir, "home-photo.pdf"), "not text");
  await writeFile(join(dir, "claims-handling-notes.txt"), NOTES);
  await writeFile(join(dir, "glossary.md"), GLOSSARY);
  docs = await readDocuments(dir, ["home-*", "claims-handling-notes.txt"]);
  kb = await buildKnowledgeBase(docs);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readDocuments", () => {
  it("expands prefix names among .md and .txt files, in order, once each", async () => {
    expect(docs.map((d) => d.name)).toEqual(["home-endorsements.md", "home-policy-wording.md", "claims-handling-notes.txt"]);
    const again = await readDocuments(dir, ["home-policy-wording.md", "home-*"]);
    expect(again.map((d) => d.name)).toEqual(["home-policy-wording.md", "home-endorsements.md"]);
  });

  it("titles Markdown by its first heading and text files by their name", () => {
    expect(docs.map((d) => d.title)).toEqual(["Home Endorsements", "Home Policy Wording", "Claims handling notes"]);
  });

  it("names the missing file", async () => {
    await expect(readDocuments(dir, ["motor-policy.md"])).rejects.toThrow(/"motor-policy\.md"/);
    await expect(readDocuments(dir, ["motor-*"])).rejects.toThrow(/"motor-\*"/);
    await expect(readDocuments(dir, ["home-photo.pdf"])).rejects.toThrow(/home-photo\.pdf/);
    await expect(readDocuments(dir, ["../secrets.md"])).rejects.toThrow(/inside/);
  });
});

describe("splitDocument", () => {
  it("gives each chunk its nearest heading, number included", async () => {
    const policy = docs.find((d) => d.name === "home-policy-wording.md")!;
    const chunks = await splitDocument(policy);
    const sections = [...new Set(chunks.map((c) => c.section))];
    expect(sections).toEqual(["", "4.1 Fire", "4.2 Escape of water", "4.3 Storm", "6. General conditions"]);
    expect(chunks.find((c) => c.section === "4.2 Escape of water")?.text).toMatch(/burst pipes/);
    expect(chunks.some((c) => c.text.includes("# "))).toBe(false);
  });

  it("splits long sections into pieces of the same section, with stable ids", async () => {
    const policy = docs.find((d) => d.name === "home-policy-wording.md")!;
    const chunks = await splitDocument(policy);
    const general = chunks.filter((c) => c.section === "6. General conditions");
    expect(general.length).toBeGreaterThan(1);
    for (const chunk of general) expect(chunk.text.length).toBeLessThanOrEqual(CHUNK_SIZE);
    expect(chunks.map((c) => c.id)).toEqual(chunks.map((_, i) => `home-policy-wording.md#${i + 1}`));
    expect(await splitDocument(policy)).toEqual(chunks);
  });

  it("keeps a text file in one unnamed section", async () => {
    const notes = docs.find((d) => d.name === "claims-handling-notes.txt")!;
    const chunks = await splitDocument(notes);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.section).toBe("");
  });
});

describe("search", () => {
  it("reports chunks per document", () => {
    expect(kb.documents.map((d) => d.name)).toEqual(docs.map((d) => d.name));
    for (const doc of kb.documents) expect(doc.chunks).toBeGreaterThan(0);
  });

  it("cites the file and clause", async () => {
    const [top] = await kb.search("burst pipes");
    expect(top?.source).toBe("home-policy-wording.md § 4.2 Escape of water");
    expect(top?.section).toBe("4.2 Escape of water");
    expect(top?.title).toBe("Home Policy Wording");
    expect(top?.matchedTerms).toEqual(["burst", "pipes"]);
  });

  it("cites just the file name when there is no heading", async () => {
    const [top] = await kb.search("weather records postcode");
    expect(top?.source).toBe("claims-handling-notes.txt");
  });

  it("matches word forms both ways and ignores stop words", async () => {
    expect((await kb.search("the pipe burst"))[0]?.id).toBe((await kb.search("burst pipes"))[0]?.id);
    expect(await kb.search("of the and")).toEqual([]);
  });

  it("keeps excerpts short, on word boundaries, and about the query", async () => {
    for (const query of ["burst pipes", "reasonable steps prevent loss", "storm fences"]) {
      const passages = await kb.search(query);
      expect(passages.length).toBeGreaterThan(0);
      for (const passage of passages) {
        expect(passage.excerpt.length).toBeLessThanOrEqual(320);
        const flat = passage.text.replace(/\s+/g, " ");
        for (const word of passage.excerpt.replace(/…/g, " ").split(/\s+/).filter(Boolean)) {
          expect(flat).toContain(word);
        }
      }
      const [top] = passages;
      const excerpt = top!.excerpt.toLowerCase();
      expect(top!.matchedTerms.some((word) => excerpt.includes(word))).toBe(true);
    }
    expect((await kb.search("burst pipes"))[0]?.excerpt).toMatch(/burst pipes/);
  });

  it("respects the limit", async () => {
    expect(await kb.search("damage", { limit: 2 })).toHaveLength(2);
    expect((await kb.search("damage")).length).toBeLessThanOrEqual(4);
  });
});

describe("parseGlossary", () => {
  it("reads terms, aliases and definitions", () => {
    const glossary = parseGlossary(GLOSSARY);
    expect(glossary).toEqual([
      {
        term: "Escape of water",
        aliases: ["burst pipe", "leaking pipe", "flooded kitchen"],
        definition: "Water escaping suddenly from a fixed installation.",
      },
      {
        term: "Excess",
        aliases: [],
        definition: "The amount the policyholder pays towards each claim.",
      },
      {
        term: "Storm",
        aliases: ["gale", "high winds"],
        definition: "Violent weather with winds of at least 55 mph.",
      },
    ]);
  });

  it("copes with malformed entries", () => {
    const glossary = parseGlossary("Intro text\n## Subrogation\nRecovering costs from whoever caused the loss.\n##   \n## Salvage\n");
    expect(glossary).toEqual([
      {
        term: "Subrogation",
        aliases: [],
        definition: "Recovering costs from whoever caused the loss.",
      },
      { term: "Salvage", aliases: [], definition: "" },
    ]);
  });
});

describe("expandQuery", () => {
  const glossary = parseGlossary(GLOSSARY);

  it("adds the glossary term and key aliases for an alias in the query", () => {
    const expanded = expandQuery("flooded kitchen", { glossary });
    expect(expanded).toBe("flooded kitchen Escape of water burst pipe leaking");
  });

  it("matches glossary phrases in the task and adds its content words, without identifiers", () => {
    const expanded = expandQuery("kitchen damage", {
      task: "Please assess claim CLM-1001: a burst pipe flooded the kitchen on 2024-03-02",
      glossary,
    });
    expect(expanded.startsWith("kitchen damage Escape of water")).toBe(true);
    expect(expanded).not.toMatch(/CLM|1001|2024|please|assess/i);
    expect(expanded).toMatch(/\bclaim\b/);
  });

  it("does not repeat words the query or earlier additions already have", () => {
    const expanded = expandQuery("escape of water from a burst pipe", {
      task: "burst pipe, leaking pipe, water everywhere",
      glossary,
    });
    const words = expanded.toLowerCase().split(/\s+/);
    for (const word of ["escape", "water", "burst", "pipe", "leaking"]) {
      expect(words.filter((w) => w.replace(/[^a-z]/g, "") === word)).toHaveLength(1);
    }
  });

  it("returns the query unchanged when nothing applies", () => {
    expect(expandQuery("  subsidence ", { glossary })).toBe("subsidence");
  });

  it("is deterministic", () => {
    const context = { task: "Assess CLM-1002, storm damage to a fence", glossary };
    expect(expandQuery("fence blown down", context)).toBe(expandQuery("fence blown down", context));
  });
});

describe("retrieveAdaptively", () => {
  const glossary = parseGlossary(GLOSSARY);

  it("reformulates a weak query and finds the clause", async () => {
    const seen: RetrievalAttempt[] = [];
    const result = await retrieveAdaptively(kb, "flooded kitchen", {
      reformulate: async (query, attempt) => {
        seen.push(attempt);
        return expandQuery(query, { glossary });
      },
    });
    expect(result.reformulated).toBe(true);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]?.weak).toBe(true);
    expect(result.attempts[0]?.query).toBe("flooded kitchen");
    expect(result.attempts[1]?.query).toBe("flooded kitchen Escape of water burst pipe leaking");
    expect(seen).toEqual([result.attempts[0]]);
    expect(result.passages[0]?.source).toBe("home-policy-wording.md § 4.2 Escape of water");
    expect(result.passages.length).toBeLessThanOrEqual(4);
    expect(new Set(result.passages.map((p) => p.id)).size).toBe(result.passages.length);
  });

  it("does not reformulate a strong query", async () => {
    let calls = 0;
    const result = await retrieveAdaptively(kb, "storm damage to fences", {
      reformulate: async (query) => {
        calls += 1;
        return query;
      },
    });
    expect(calls).toBe(0);
    expect(result.reformulated).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ weak: false, coverage: 1 });
    expect(result.passages[0]?.source).toBe("home-policy-wording.md § 4.3 Storm");
  });

  it("stops when the reformulation adds no new terms", async () => {
    const result = await retrieveAdaptively(kb, "flooded kitchen", {
      reformulate: async () => "the flooding kitchens",
    });
    expect(result.attempts).toHaveLength(1);
    expect(result.reformulated).toBe(false);
  });

  it("keeps the stronger attempt's passages first", async () => {
    const result = await retrieveAdaptively(kb, "storm", {
      minPassages: 3,
      reformulate: async () => "subsidence heave",
    });
    expect(result.attempts.map((a) => a.weak)).toEqual([true, true]);
    expect(result.passages[0]?.section).toBe("4.3 Storm");
  });

  it("is deterministic", async () => {
    const run = () =>
      retrieveAdaptively(kb, "flooded kitchen", {
        reformulate: async (query) => expandQuery(query, { glossary }),
      });
    expect(await run()).toEqual(await run());
    const rebuilt = await buildKnowledgeBase(docs);
    expect(await rebuilt.search("escape of water excess")).toEqual(await kb.search("escape of water excess"));
  });
});
