// The SPC system of Northgate Precision as an MCP server (stdio): control limits, process
// capability (Cp, Cpk, Pp, Ppk) and the Western Electric rules, computed from its own copy of
// the in-process measurements (data/spc.json). It is an external service: it never opens
// Guild's databases. Every tool only reads (readOnlyHint).
import fs from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const data = JSON.parse(fs.readFileSync(new URL("./data/spc.json", import.meta.url), "utf8"));

// Control chart constants for subgroups of 5 (AIAG SPC manual).
const A2 = 0.577;
const D3 = 0;
const D4 = 2.114;
const d2 = 2.326;
/** What the SPC procedure (spc-procedure.md, section 5) asks of a characteristic in series production. */
const REQUIRED_CPK = 1.33;

const r = (x, digits = 4) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const range = (xs) => Math.max(...xs) - Math.min(...xs);
const stdev = (xs) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

function characteristic(id) {
  const found = data.characteristics.find((c) => c.id === id);
  if (!found) throw new Error(`no characteristic ${id} in the SPC system`);
  return found;
}

function subgroupsOf(characteristicId, lotId) {
  const all = data.subgroups.filter((s) => s.characteristic_id === characteristicId);
  if (!lotId) return all;
  const lot = all.filter((s) => s.lot_id === lotId);
  if (lot.length === 0) throw new Error(`no measurements of ${characteristicId} on lot ${lotId}`);
  return lot;
}

function verdict(cpk) {
  if (cpk >= REQUIRED_CPK) return "capable";
  if (cpk >= 1) return "marginal";
  return "not capable";
}

/** Cp and Cpk from the within-subgroup sigma (R-bar / d2), Pp and Ppk from the overall sigma. */
function capabilityOf(c, groups) {
  const values = groups.flatMap((g) => g.values);
  const mu = mean(values);
  const sigmaWithin = mean(groups.map((g) => range(g.values))) / d2;
  const sigmaOverall = stdev(values);
  const cp = (c.usl - c.lsl) / (6 * sigmaWithin);
  const cpk = Math.min(c.usl - mu, mu - c.lsl) / (3 * sigmaWithin);
  const pp = (c.usl - c.lsl) / (6 * sigmaOverall);
  const ppk = Math.min(c.usl - mu, mu - c.lsl) / (3 * sigmaOverall);
  const outOfSpec = values.filter((v) => v < c.lsl || v > c.usl).length;
  return {
    n: values.length,
    subgroups: groups.length,
    mean: r(mu, 5),
    sigma_within: r(sigmaWithin, 5),
    sigma_overall: r(sigmaOverall, 5),
    cp: r(cp, 2),
    cpk: r(cpk, 2),
    pp: r(pp, 2),
    ppk: r(ppk, 2),
    out_of_spec: outOfSpec,
    verdict: verdict(cpk),
  };
}

/** Control limits from the reference run: the characteristic's first 25 subgroups, frozen (spc-procedure.md, section 3). */
function limitsOf(characteristicId) {
  const baseline = data.subgroups.filter((s) => s.characteristic_id === characteristicId).slice(0, data.baselineSubgroups);
  const center = mean(baseline.map((g) => mean(g.values)));
  const rBar = mean(baseline.map((g) => range(g.values)));
  return {
    center,
    rBar,
    sigma: (A2 * rBar) / 3,
    ucl: center + A2 * rBar,
    lcl: center - A2 * rBar,
    rUcl: D4 * rBar,
    rLcl: D3 * rBar,
    baseline: baseline.length,
  };
}

/**
 * The Western Electric rules on the subgroup means, against the frozen limits: 1 one point beyond
 * 3 sigma; 2 two of three beyond 2 sigma on one side; 3 four of five beyond 1 sigma on one side;
 * 4 eight in a row on one side of the centre line. Each violation is reported at its last point.
 */
function westernElectric(characteristicId) {
  const limits = limitsOf(characteristicId);
  const points = data.subgroups
    .filter((s) => s.characteristic_id === characteristicId)
    .map((g) => ({ subgroup: g.subgroup, lot_id: g.lot_id, z: (mean(g.values) - limits.center) / limits.sigma }));
  const violations = [];
  points.forEach((p, i) => {
    const window = (k) => points.slice(Math.max(0, i - k + 1), i + 1);
    const side = Math.sign(p.z);
    if (Math.abs(p.z) > 3) violations.push({ rule: 1, subgroup: p.subgroup, lot_id: p.lot_id, description: "one point beyond 3 sigma" });
    const last3 = window(3);
    if (
      last3.length === 3 &&
      side !== 0 &&
      last3.filter((q) => Math.sign(q.z) === side && Math.abs(q.z) > 2).length >= 2 &&
      Math.abs(p.z) > 2
    ) {
      violations.push({ rule: 2, subgroup: p.subgroup, lot_id: p.lot_id, description: "two of three points beyond 2 sigma on one side" });
    }
    const last5 = window(5);
    if (
      last5.length === 5 &&
      side !== 0 &&
      last5.filter((q) => Math.sign(q.z) === side && Math.abs(q.z) > 1).length >= 4 &&
      Math.abs(p.z) > 1
    ) {
      violations.push({ rule: 3, subgroup: p.subgroup, lot_id: p.lot_id, description: "four of five points beyond 1 sigma on one side" });
    }
    const last8 = window(8);
    if (last8.length === 8 && side !== 0 && last8.every((q) => Math.sign(q.z) === side)) {
      violations.push({
        rule: 4,
        subgroup: p.subgroup,
        lot_id: p.lot_id,
        description: "eight points in a row on one side of the centre line",
      });
    }
  });
  return { limits, violations };
}

const CHARACTERISTIC_ID = { type: "string", pattern: "^CHR-[0-9]{4}-[0-9]{2}$", description: "The characteristic id, e.g. CHR-4410-01." };
const LOT_ID = {
  type: "string",
  pattern: "^LOT-[0-9]{5}$",
  description: "A lot id, e.g. LOT-24108: only that lot's subgroups (optional).",
};
const number = { type: ["number", "null"] };
const text = { type: "string" };

const TOOLS = [
  {
    name: "lot_capability",
    description:
      "Process capability of every characteristic measured on a lot (Cp, Cpk, Pp, Ppk from its subgroups), the weakest characteristic first with its Cpk and verdict against the required Cpk of 1.33.",
    inputSchema: {
      type: "object",
      properties: { lot_id: { ...LOT_ID, description: "The lot id, e.g. LOT-24108." } },
      required: ["lot_id"],
    },
    outputSchema: {
      type: "object",
      properties: {
        lot_id: text,
        part_id: text,
        characteristic_id: text,
        characteristic_name: text,
        cpk: number,
        ppk: number,
        verdict: text,
        required_cpk: { type: "number" },
        characteristics: { type: "array", items: { type: "object" } },
      },
      required: [
        "lot_id",
        "part_id",
        "characteristic_id",
        "characteristic_name",
        "cpk",
        "ppk",
        "verdict",
        "required_cpk",
        "characteristics",
      ],
    },
  },
  {
    name: "capability",
    description:
      "Process capability of one characteristic: Cp and Cpk (within-subgroup sigma), Pp and Ppk (overall sigma), mean, measurements out of specification and the verdict; over one lot or every lot, with the Cpk of each lot to show the trend.",
    inputSchema: { type: "object", properties: { characteristic_id: CHARACTERISTIC_ID, lot_id: LOT_ID }, required: ["characteristic_id"] },
    outputSchema: {
      type: "object",
      properties: {
        characteristic_id: text,
        characteristic_name: text,
        scope: text,
        cpk: number,
        ppk: number,
        cp: number,
        pp: number,
        verdict: text,
        mean: number,
        sigma_within: number,
        sigma_overall: number,
        lsl: { type: "number" },
        usl: { type: "number" },
        n: { type: "integer" },
        subgroups: { type: "integer" },
        out_of_spec: { type: "integer" },
        cpk_by_lot: { type: "array", items: { type: "object" } },
      },
      required: ["characteristic_id", "characteristic_name", "scope", "cpk", "ppk", "cp", "pp", "verdict", "cpk_by_lot"],
    },
  },
  {
    name: "control_chart",
    description:
      "X-bar and R control chart of a characteristic: the centre line and control limits frozen from its reference run of 25 subgroups, and the subgroup means and ranges of a lot (or the last 24 subgroups) with those outside the limits.",
    inputSchema: { type: "object", properties: { characteristic_id: CHARACTERISTIC_ID, lot_id: LOT_ID }, required: ["characteristic_id"] },
    outputSchema: {
      type: "object",
      properties: {
        characteristic_id: text,
        scope: text,
        points_outside_limits: { type: "integer" },
        xbar_center: number,
        xbar_ucl: number,
        xbar_lcl: number,
        r_center: number,
        r_ucl: number,
        r_lcl: number,
        baseline_subgroups: { type: "integer" },
        points: { type: "array", items: { type: "object" } },
      },
      required: ["characteristic_id", "scope", "points_outside_limits", "xbar_center", "xbar_ucl", "xbar_lcl", "points"],
    },
  },
  {
    name: "western_electric",
    description:
      "Check a characteristic's control chart against the Western Electric rules (out-of-control signals: a point beyond 3 sigma, two of three beyond 2 sigma, four of five beyond 1 sigma, eight in a row on one side), for one lot or every subgroup after the reference run.",
    inputSchema: { type: "object", properties: { characteristic_id: CHARACTERISTIC_ID, lot_id: LOT_ID }, required: ["characteristic_id"] },
    outputSchema: {
      type: "object",
      properties: {
        characteristic_id: text,
        scope: text,
        in_control: { type: "boolean" },
        violations_count: { type: "integer" },
        rules_broken: text,
        first_violation_subgroup: { type: ["integer", "null"] },
        first_violation_lot: { type: ["string", "null"] },
        violations: { type: "array", items: { type: "object" } },
      },
      required: ["characteristic_id", "scope", "in_control", "violations_count", "rules_broken", "violations"],
    },
  },
];
for (const tool of TOOLS) tool.annotations = { readOnlyHint: true, openWorldHint: false };

const HANDLERS = {
  lot_capability({ lot_id }) {
    const measured = data.characteristics.filter((c) => data.subgroups.some((s) => s.characteristic_id === c.id && s.lot_id === lot_id));
    if (measured.length === 0) throw new Error(`no measurements on lot ${lot_id} in the SPC system`);
    const rows = measured
      .map((c) => ({ characteristic_id: c.id, name: c.name, class: c.class, ...capabilityOf(c, subgroupsOf(c.id, lot_id)) }))
      .sort((a, b) => a.cpk - b.cpk || a.characteristic_id.localeCompare(b.characteristic_id));
    const weakest = rows[0];
    return {
      lot_id,
      part_id: measured[0].part_id,
      characteristic_id: weakest.characteristic_id,
      characteristic_name: weakest.name,
      cpk: weakest.cpk,
      ppk: weakest.ppk,
      verdict: weakest.verdict,
      required_cpk: REQUIRED_CPK,
      characteristics: rows.map(({ characteristic_id, name, class: cls, n, mean, cp, cpk, pp, ppk, out_of_spec, verdict: v }) => ({
        characteristic_id,
        name,
        class: cls,
        n,
        mean,
        cp,
        cpk,
        pp,
        ppk,
        out_of_spec,
        verdict: v,
      })),
    };
  },
  capability({ characteristic_id, lot_id }) {
    const c = characteristic(characteristic_id);
    const stats = capabilityOf(c, subgroupsOf(characteristic_id, lot_id));
    const lots = [...new Set(data.subgroups.filter((s) => s.characteristic_id === characteristic_id).map((s) => s.lot_id))];
    return {
      characteristic_id,
      characteristic_name: c.name,
      scope: lot_id ?? "all lots",
      cpk: stats.cpk,
      ppk: stats.ppk,
      cp: stats.cp,
      pp: stats.pp,
      verdict: stats.verdict,
      mean: stats.mean,
      sigma_within: stats.sigma_within,
      sigma_overall: stats.sigma_overall,
      lsl: c.lsl,
      usl: c.usl,
      n: stats.n,
      subgroups: stats.subgroups,
      out_of_spec: stats.out_of_spec,
      cpk_by_lot: lots.map((lot) => {
        const s = capabilityOf(c, subgroupsOf(characteristic_id, lot));
        return { lot_id: lot, mean: s.mean, cpk: s.cpk, ppk: s.ppk };
      }),
    };
  },
  control_chart({ characteristic_id, lot_id }) {
    characteristic(characteristic_id);
    const limits = limitsOf(characteristic_id);
    const groups = lot_id ? subgroupsOf(characteristic_id, lot_id) : subgroupsOf(characteristic_id).slice(-24);
    const points = groups.map((g) => {
      const m = mean(g.values);
      const rg = range(g.values);
      return {
        subgroup: g.subgroup,
        lot_id: g.lot_id,
        mean: r(m, 5),
        range: r(rg, 4),
        outside: m > limits.ucl || m < limits.lcl || rg > limits.rUcl,
      };
    });
    return {
      characteristic_id,
      scope: lot_id ?? "last 24 subgroups",
      points_outside_limits: points.filter((p) => p.outside).length,
      xbar_center: r(limits.center, 5),
      xbar_ucl: r(limits.ucl, 5),
      xbar_lcl: r(limits.lcl, 5),
      r_center: r(limits.rBar, 5),
      r_ucl: r(limits.rUcl, 5),
      r_lcl: r(limits.rLcl, 5),
      baseline_subgroups: limits.baseline,
      points,
    };
  },
  western_electric({ characteristic_id, lot_id }) {
    characteristic(characteristic_id);
    if (lot_id) subgroupsOf(characteristic_id, lot_id);
    const { limits, violations } = westernElectric(characteristic_id);
    const found = violations.filter((v) => (lot_id ? v.lot_id === lot_id : v.subgroup > limits.baseline));
    const rules = [...new Set(found.map((v) => v.rule))].sort();
    return {
      characteristic_id,
      scope: lot_id ?? "after the reference run",
      in_control: found.length === 0,
      violations_count: found.length,
      rules_broken: rules.length ? rules.join(", ") : "none",
      first_violation_subgroup: found[0]?.subgroup ?? null,
      first_violation_lot: found[0]?.lot_id ?? null,
      violations: found,
    };
  },
};

const server = new Server({ name: "northgate-spc", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const handler = HANDLERS[request.params.name];
  if (!handler) return { isError: true, content: [{ type: "text", text: `unknown tool ${request.params.name}` }] };
  try {
    const value = handler(request.params.arguments ?? {});
    return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
  } catch (error) {
    return { isError: true, content: [{ type: "text", text: error.message }] };
  }
});
await server.connect(new StdioServerTransport());
