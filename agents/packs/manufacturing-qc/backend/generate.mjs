// Writes the manufacturing-qc pack's data, deterministically (a seeded generator, no clock):
//   backend/seed.sql          the pack's SQL back-end (portable: runs unchanged on SQLite and PostgreSQL 15)
//   mcp/data/spc.json         the SPC system's own copy of the measurements, for mcp/spc-server.mjs
//   mcp/data/images.json      the AOI image archive's index, for mcp/vision-server.mjs
//   mcp/images/*.png          the archived reference images (64 x 64 grey scale)
// Run it again after changing it: node agents/packs/manufacturing-qc/backend/generate.mjs
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const PACK = path.resolve(import.meta.dirname, "..");

/** mulberry32: a small seeded generator, so every run writes the same data. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(20240722);
const normal = () => {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};
const pick = (items) => items[Math.floor(random() * items.length)];
const round = (x, digits) => Number(x.toFixed(digits));

const q = (value) =>
  value === null || value === undefined ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
const rows = (table, columns, values) => {
  const lines = [];
  // Batches of 200 rows: one statement each, small enough for any driver.
  for (let i = 0; i < values.length; i += 200) {
    const batch = values.slice(i, i + 200).map((v) => `  (${v.map(q).join(", ")})`);
    lines.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES\n${batch.join(",\n")};`);
  }
  return lines.join("\n");
};

// --- Master data -------------------------------------------------------------------------------

const suppliers = [
  [
    "SUP-01",
    "Midland Stampings Ltd",
    "stamped aluminium cover plates",
    "approved",
    "A",
    180,
    "Gary Whitmore",
    "quality@midland-stampings.example",
    "0121 496 0301",
    "2019-03-01",
  ],
  [
    "SUP-02",
    "Brenton Extrusions Ltd",
    "extruded heat-sink brackets",
    "approved",
    "B",
    820,
    "Anita Kowalska",
    "supplier.quality@brenton-extrusions.example",
    "01384 496 0212",
    "2020-09-14",
  ],
  [
    "SUP-03",
    "Castwell Foundry Ltd",
    "high-pressure die castings (AlSi9Cu3)",
    "approved",
    "B",
    2350,
    "Priya Desai",
    "quality@castwell-foundry.example",
    "01952 496 0418",
    "2018-05-21",
  ],
  [
    "SUP-04",
    "Halden Coatings Ltd",
    "powder coating and passivation",
    "conditional",
    "C",
    3900,
    "Tom Ferris",
    "t.ferris@halden-coatings.example",
    "0114 496 0655",
    "2022-11-07",
  ],
];

const parts = [
  ["PRT-4410", "ECU housing, die-cast and machined", "AlSi9Cu3 (EN AC-46000)", "Vantor Automotive", "SUP-03", 14.2, "VA-ECU-H-4410 rev D"],
  ["PRT-4420", "ECU cover plate, stamped", "AlMg3 (EN AW-5754)", "Vantor Automotive", "SUP-01", 3.85, "VA-ECU-C-4420 rev B"],
  ["PRT-4430", "Heat-sink bracket, extruded", "EN AW-6063 T6", "Vantor Automotive", "SUP-02", 6.4, "VA-ECU-B-4430 rev A"],
];

const defectClasses = [
  [
    "DC-POR",
    "Porosity",
    "major",
    "Gas or shrinkage voids in the casting, seen as round or irregular pores on a machined surface.",
    "Die-casting process at the foundry: hydrogen in the melt (poor degassing), trapped air (venting, shot profile), die temperature too low, or shrinkage at thick sections such as bosses.",
    "Hold the lot; 100% inspection of the affected zone; ask the casting supplier for an 8D.",
  ],
  [
    "DC-CRK",
    "Crack",
    "critical",
    "A linear fracture in the material, open to the surface.",
    "Hot tearing in the die, quench stress, or damage in fixturing and handling.",
    "Hold the lot at once; inform the quality manager and the customer within 24 hours if any has shipped.",
  ],
  [
    "DC-INC",
    "Incomplete fill",
    "major",
    "Missing material (misrun or cold shut) where the die did not fill.",
    "Metal too cold, slow shot, blocked venting.",
    "Hold the lot; sort 100%; supplier 8D.",
  ],
  [
    "DC-BUR",
    "Burr",
    "major",
    "A raised sharp edge left by machining, in a bore or on an edge.",
    "Worn or chipped tool, wrong feed, missing deburring step.",
    "Sort and rework by deburring; check the tool change interval.",
  ],
  [
    "DC-FOR",
    "Foreign material",
    "major",
    "Chips, swarf or debris on or in the part.",
    "Poor washing, chips trapped in blind holes.",
    "Rewash and re-inspect; check the washer.",
  ],
  [
    "DC-SCR",
    "Scratch",
    "minor",
    "A shallow linear mark on a surface; major when on the sealing face.",
    "Handling, part-to-part contact, worn fixtures or packaging.",
    "Rework by polishing where allowed; check handling and packaging.",
  ],
  [
    "DC-DNT",
    "Dent",
    "minor",
    "A local depression from impact.",
    "Handling damage, parts dropped or stacked.",
    "Use as is when outside functional zones; else scrap.",
  ],
  [
    "DC-DIS",
    "Discolouration",
    "minor",
    "Staining or colour change on the surface.",
    "Coolant residue, drying marks, contaminated wash water.",
    "Rewash; accept by limit sample.",
  ],
];

const gauges = [
  ["GAU-07", "Air gauge, connector bore 32 mm", "air gauge", 0.001, "2024-05-14", "2024-08-14", "in_calibration", 6.8],
  ["GAU-11", "CMM, Zeiss Contura cell 2", "coordinate measuring machine", 0.001, "2023-12-18", "2024-06-18", "overdue", 4.1],
  ["GAU-14", "Depth gauge, seal groove", "digital depth gauge", 0.001, "2024-04-02", "2024-10-02", "in_calibration", 9.2],
  ["GAU-19", "Height gauge, cover flange", "height gauge", 0.001, "2024-06-03", "2024-12-03", "in_calibration", 7.5],
];

// [id, part, name, unit, nominal, lsl, usl, class, gauge, control method, sample]
const characteristics = [
  [
    "CHR-4410-01",
    "PRT-4410",
    "Connector bore diameter",
    "mm",
    32.0,
    31.975,
    32.025,
    "CC",
    "GAU-07",
    "X-bar and R chart",
    "5 parts every 2 hours",
  ],
  [
    "CHR-4410-02",
    "PRT-4410",
    "Wall thickness at boss B2",
    "mm",
    3.0,
    2.85,
    3.15,
    "SC",
    "GAU-11",
    "X-bar and R chart",
    "5 parts every 2 hours",
  ],
  ["CHR-4410-03", "PRT-4410", "Seal groove depth", "mm", 2.4, 2.35, 2.45, "SC", "GAU-14", "X-bar and R chart", "5 parts every 2 hours"],
  ["CHR-4420-01", "PRT-4420", "Flange height", "mm", 6.0, 5.9, 6.1, "standard", "GAU-19", "X-bar and R chart", "5 parts every 2 hours"],
];

// [lot, part, supplier, supplier batch, quantity, line, produced on, status, shipped on]
const lots = [
  ["LOT-24101", "PRT-4410", "SUP-03", "CW-2405-21", 1800, "L2", "2024-06-03", "released", "2024-06-07"],
  ["LOT-24102", "PRT-4410", "SUP-03", "CW-2405-28", 1800, "L2", "2024-06-10", "released", "2024-06-14"],
  ["LOT-24103", "PRT-4410", "SUP-03", "CW-2406-04", 1800, "L2", "2024-06-17", "released", "2024-06-21"],
  ["LOT-24104", "PRT-4410", "SUP-03", "CW-2406-11", 1800, "L2", "2024-06-24", "released", "2024-06-28"],
  ["LOT-24105", "PRT-4410", "SUP-03", "CW-2406-18", 1800, "L2", "2024-07-01", "released", "2024-07-05"],
  ["LOT-24106", "PRT-4410", "SUP-03", "CW-2406-25", 1800, "L2", "2024-07-08", "released", "2024-07-12"],
  ["LOT-24107", "PRT-4410", "SUP-03", "CW-2407-02", 1800, "L2", "2024-07-15", "released", "2024-07-19"],
  ["LOT-24108", "PRT-4410", "SUP-03", "CW-2407-09", 1800, "L2", "2024-07-22", "in_process", null],
  ["LOT-24201", "PRT-4420", "SUP-01", "MS-24-0611", 2400, "L4", "2024-06-05", "released", "2024-06-07"],
  ["LOT-24202", "PRT-4420", "SUP-01", "MS-24-0618", 2400, "L4", "2024-06-19", "released", "2024-06-24"],
  ["LOT-24203", "PRT-4420", "SUP-01", "MS-24-0702", 2400, "L4", "2024-07-03", "in_process", null],
  ["LOT-24204", "PRT-4420", "SUP-01", "MS-24-0716", 2400, "L4", "2024-07-17", "released", "2024-07-19"],
  ["LOT-24301", "PRT-4430", "SUP-02", "BX-5512", 1500, "L3", "2024-06-12", "released", "2024-06-14"],
  ["LOT-24302", "PRT-4430", "SUP-02", "BX-5577", 1500, "L3", "2024-07-10", "released", "2024-07-12"],
];

// --- AOI findings -----------------------------------------------------------------------------

const ZONES = {
  "PRT-4410": {
    "DC-POR": ["boss B2", "boss B2", "boss B2", "connector bore", "connector bore", "sealing face"],
    "DC-SCR": ["mounting flange", "cover seat"],
    "DC-BUR": ["connector bore"],
    "DC-DNT": ["mounting flange"],
    "DC-DIS": ["cover seat"],
    "DC-FOR": ["connector bore"],
    "DC-INC": ["rib R4"],
    "DC-CRK": ["boss B2"],
  },
  "PRT-4420": {
    "DC-SCR": ["sealing face", "sealing face", "outer face"],
    "DC-BUR": ["hole edge"],
    "DC-DNT": ["flange"],
    "DC-DIS": ["outer face"],
  },
  "PRT-4430": { "DC-SCR": ["fin side"], "DC-BUR": ["cut end"], "DC-DNT": ["fin tip"], "DC-DIS": ["base"] },
};
// Where each zone sits on the part, in mm from the datum corner (x, y).
const ZONE_XY = {
  "boss B2": [112, 48],
  "connector bore": [36, 62],
  "sealing face": [90, 12],
  "mounting flange": [8, 90],
  "cover seat": [70, 70],
  "rib R4": [130, 30],
  "outer face": [60, 40],
  "hole edge": [20, 20],
  flange: [5, 60],
  "fin side": [40, 15],
  "cut end": [0, 10],
  "fin tip": [40, 30],
  base: [40, 5],
};

// Confirmed findings by defect class, and false calls, for each lot.
const findingPlan = {
  "LOT-24101": { "DC-SCR": 3, "DC-BUR": 2, "DC-POR": 2, "DC-DNT": 1, "DC-DIS": 1, false: 2 },
  "LOT-24102": { "DC-SCR": 2, "DC-BUR": 2, "DC-POR": 2, "DC-DNT": 1, "DC-FOR": 1, false: 1 },
  "LOT-24103": { "DC-SCR": 3, "DC-BUR": 2, "DC-POR": 3, "DC-DIS": 1, "DC-DNT": 1, false: 2 },
  "LOT-24104": { "DC-SCR": 2, "DC-BUR": 4, "DC-POR": 2, "DC-DNT": 1, false: 1 },
  "LOT-24105": { "DC-SCR": 3, "DC-BUR": 2, "DC-POR": 3, "DC-DIS": 1, "DC-INC": 1, false: 2 },
  "LOT-24106": { "DC-SCR": 3, "DC-BUR": 2, "DC-POR": 14, "DC-DNT": 1, "DC-DIS": 1, false: 3 },
  "LOT-24107": { "DC-SCR": 3, "DC-BUR": 3, "DC-POR": 38, "DC-DNT": 1, "DC-INC": 2, false: 4 },
  "LOT-24108": { "DC-SCR": 4, "DC-BUR": 2, "DC-POR": 79, "DC-DNT": 1, "DC-INC": 1, "DC-CRK": 1, false: 6 },
  "LOT-24201": { "DC-SCR": 4, "DC-BUR": 1, "DC-DNT": 1, false: 1 },
  "LOT-24202": { "DC-SCR": 5, "DC-DIS": 1, false: 9 },
  "LOT-24203": { "DC-SCR": 31, "DC-BUR": 1, "DC-DNT": 2, false: 2 },
  "LOT-24204": { "DC-SCR": 4, "DC-BUR": 1, "DC-DIS": 1, false: 1 },
  "LOT-24301": { "DC-SCR": 2, "DC-BUR": 2, "DC-DNT": 1, false: 1 },
  "LOT-24302": { "DC-SCR": 2, "DC-BUR": 1, "DC-DIS": 1, "DC-DNT": 1, false: 1 },
};

const findings = [];
for (const [lotId, partId, , , quantity, , producedOn] of lots) {
  const plan = findingPlan[lotId];
  const entries = [];
  for (const [code, count] of Object.entries(plan)) {
    if (code === "false") continue;
    for (let i = 0; i < count; i += 1) entries.push({ code, review: "confirmed" });
  }
  for (let i = 0; i < plan.false; i += 1) entries.push({ code: pick(["DC-POR", "DC-SCR", "DC-DIS", "DC-FOR"]), review: "false_call" });
  const serials = new Set();
  for (const entry of entries) {
    let unit;
    do unit = 1 + Math.floor(random() * quantity);
    while (serials.has(unit));
    serials.add(unit);
    entry.unit = unit;
  }
  entries.sort((a, b) => a.unit - b.unit);
  for (const entry of entries) {
    const zones = ZONES[partId][entry.code] ?? ["outer face"];
    const zone = pick(zones);
    const [zx, zy] = ZONE_XY[zone] ?? [50, 50];
    const confirmed = entry.review === "confirmed";
    const confidence = round(confirmed ? 0.72 + random() * 0.27 : 0.5 + random() * 0.2, 2);
    // Units run through the AOI station over two shifts: 16 hours from 06:00 on the day of production.
    const minutes = Math.floor((entry.unit / quantity) * 16 * 60);
    const at = new Date(Date.parse(`${producedOn}T06:00:00Z`) + minutes * 60_000).toISOString().replace(".000Z", "Z");
    const serial = `${partId.slice(4)}-${lotId.slice(4)}-${String(entry.unit).padStart(4, "0")}`;
    findings.push({
      id: findings.length + 1,
      lot: lotId,
      part: partId,
      serial,
      station: partId === "PRT-4410" ? "AOI-2" : partId === "PRT-4420" ? "AOI-4" : "AOI-3",
      at,
      code: entry.code,
      confidence,
      zone,
      x: round(zx + normal() * 2.5, 1),
      y: round(zy + normal() * 2.5, 1),
      image: `IMG-${lotId.slice(4)}-${String(entry.unit).padStart(4, "0")}`,
      review: entry.review,
    });
  }
}

// The archive keeps the images reviewers marked as reference: the most confident confirmed call of
// each lot's most frequent defect, and the next two for the lots with more than 20 findings.
const referenceImages = new Set();
for (const [lotId] of lots) {
  const confirmed = findings.filter((f) => f.lot === lotId && f.review === "confirmed");
  const counts = {};
  for (const f of confirmed) counts[f.code] = (counts[f.code] ?? 0) + 1;
  const top = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const ranked = confirmed.filter((f) => f.code === top).sort((a, b) => b.confidence - a.confidence || a.id - b.id);
  ranked.slice(0, confirmed.length > 20 ? 3 : 1).forEach((f) => referenceImages.add(f.id));
}

// --- Measurements -----------------------------------------------------------------------------

// Mean and standard deviation of each characteristic, lot by lot: the bore drifts and spreads as
// porosity rises in the castings from batch CW-2406-25 on; the rest stay capable.
const behaviour = {
  "CHR-4410-01": {
    "LOT-24101": [32.001, 0.0042],
    "LOT-24102": [32.0005, 0.0044],
    "LOT-24103": [32.0012, 0.0041],
    "LOT-24104": [32.0008, 0.0045],
    "LOT-24105": [32.0011, 0.0043],
    "LOT-24106": [32.003, 0.006],
    "LOT-24107": [32.0058, 0.0082],
    "LOT-24108": [32.0088, 0.0106],
  },
  "CHR-4410-02": Object.fromEntries(
    ["LOT-24101", "LOT-24102", "LOT-24103", "LOT-24104", "LOT-24105", "LOT-24106", "LOT-24107", "LOT-24108"].map((l) => [l, [3.01, 0.022]]),
  ),
  "CHR-4410-03": Object.fromEntries(
    ["LOT-24101", "LOT-24102", "LOT-24103", "LOT-24104", "LOT-24105", "LOT-24106", "LOT-24107", "LOT-24108"].map((l) => [
      l,
      [2.402, 0.0085],
    ]),
  ),
  "CHR-4420-01": Object.fromEntries(["LOT-24201", "LOT-24202", "LOT-24203", "LOT-24204"].map((l) => [l, [6.005, 0.018]])),
};
const SUBGROUPS_PER_LOT = 8;
const SUBGROUP_SIZE = 5;

const subgroups = [];
const measurements = [];
for (const [chr] of characteristics) {
  let index = 0;
  for (const [lotId, [mean, sd]] of Object.entries(behaviour[chr])) {
    const producedOn = lots.find((l) => l[0] === lotId)[6];
    for (let s = 0; s < SUBGROUPS_PER_LOT; s += 1) {
      index += 1;
      const at = new Date(Date.parse(`${producedOn}T06:30:00Z`) + s * 2 * 3_600_000).toISOString().replace(".000Z", "Z");
      const values = Array.from({ length: SUBGROUP_SIZE }, () => round(mean + normal() * sd, 3));
      subgroups.push({ characteristic_id: chr, lot_id: lotId, subgroup: index, measured_at: at, values });
      values.forEach((value, i) => measurements.push([measurements.length + 1, chr, lotId, index, i + 1, value, at]));
    }
  }
}

// --- History: nonconformances, holds, dispositions, supplier requests -------------------------

const nonconformances = [
  [
    1,
    "NCR-24031",
    "LOT-24027",
    "SUP-03",
    "DC-POR",
    "Porosity at boss B2 found at AOI on 41 housings of casting batch CW-2403-05.",
    41,
    "2024-03-11",
    "closed",
    "scrap",
  ],
  [
    2,
    "NCR-24058",
    "LOT-24081",
    "SUP-01",
    "DC-BUR",
    "Burrs on cover plate hole edges, 120 plates.",
    120,
    "2024-05-02",
    "closed",
    "return_to_supplier",
  ],
  [
    3,
    "NCR-24066",
    "LOT-24104",
    null,
    "DC-BUR",
    "Burrs in the connector bore after tool T12 chipped; 40 housings.",
    40,
    "2024-06-25",
    "closed",
    "rework",
  ],
  [
    4,
    "NCR-24071",
    "LOT-24203",
    "SUP-01",
    "DC-SCR",
    "Scratches on the cover plate sealing face on 31 plates: above the AQL for major defects on the sealing face.",
    31,
    "2024-07-04",
    "open",
    null,
  ],
];
const holds = [
  [
    1,
    "HLD-1001",
    "LOT-24104",
    "Burrs in the connector bore (NCR-24066)",
    "2024-06-25",
    "J. Okafor",
    "released",
    "2024-06-27",
    "M. Lindqvist",
    "40 housings reworked by deburring; 100% re-inspection of the connector bore passed.",
  ],
  [
    2,
    "HLD-1002",
    "LOT-24202",
    "AOI false-call rate above 0.3% on AOI-4; suspect product until re-inspected",
    "2024-06-20",
    "J. Okafor",
    "released",
    "2024-06-21",
    "M. Lindqvist",
    "Manual re-inspection of the 9 calls confirmed all as false calls; AOI-4 lighting recalibrated.",
  ],
  [3, "HLD-1003", "LOT-24203", "Scratches on the sealing face (NCR-24071)", "2024-07-04", "J. Okafor", "active", null, null, null],
];
const dispositions = [
  [1, "DSP-1001", "LOT-24027", "scrap", 41, 582.2, "Porosity at boss B2 (NCR-24031); not reworkable.", "2024-03-12"],
  [2, "DSP-1002", "LOT-24104", "rework", 40, 568.0, "Deburr the connector bore (NCR-24066) and re-inspect 100%.", "2024-06-26"],
];
const supplierRequests = [
  [
    1,
    "SCAR-24001",
    "SUP-03",
    "LOT-24027",
    "DC-POR",
    "8D",
    "8D request: porosity at boss B2, batch CW-2403-05",
    "Porosity at boss B2 on 41 housings (NCR-24031). Containment, root cause and corrective action requested.",
    "quality@castwell-foundry.example",
    "2024-03-12",
    "closed",
    "2024-04-19",
  ],
  [
    2,
    "SCAR-24002",
    "SUP-01",
    "LOT-24081",
    "DC-BUR",
    "8D",
    "8D request: burrs on cover plate hole edges",
    "Burrs on hole edges of 120 cover plates (NCR-24058).",
    "quality@midland-stampings.example",
    "2024-05-03",
    "closed",
    "2024-06-07",
  ],
  [
    3,
    "SCAR-24003",
    "SUP-04",
    null,
    null,
    "8D",
    "8D request: coating adhesion failures",
    "Cross-cut adhesion failures on passivated brackets in incoming inspection.",
    "t.ferris@halden-coatings.example",
    "2024-06-11",
    "root_cause_received",
    null,
  ],
  [
    4,
    "SCAR-24004",
    "SUP-01",
    "LOT-24203",
    "DC-SCR",
    "8D",
    "8D request: scratches on the cover plate sealing face",
    "Scratches on the sealing face of 31 plates of lot LOT-24203 (NCR-24071).",
    "quality@midland-stampings.example",
    "2024-07-04",
    "containment_received",
    null,
  ],
];

// --- SQL --------------------------------------------------------------------------------------

const DDL = `-- Northgate Precision Ltd, Telford: back-end of the manufacturing-qc pack.
-- Fictional data written for Guild by backend/generate.mjs (deterministic; do not edit by hand).
-- Portable SQL: runs unchanged on SQLite and PostgreSQL 15 (INTEGER, DOUBLE PRECISION and TEXT
-- columns, booleans as 0/1, ISO dates as TEXT, explicit ids, no triggers).

CREATE TABLE suppliers (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  commodity       TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('approved', 'conditional', 'probation', 'disqualified')),
  rating          TEXT NOT NULL CHECK (rating IN ('A', 'B', 'C', 'D')),
  ppm_12m         INTEGER NOT NULL,
  quality_contact TEXT NOT NULL,
  quality_email   TEXT NOT NULL,
  phone           TEXT NOT NULL,
  approved_since  TEXT NOT NULL
);

CREATE TABLE parts (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  material    TEXT NOT NULL,
  customer    TEXT NOT NULL,
  supplier_id TEXT NOT NULL REFERENCES suppliers(id),
  unit_cost   DOUBLE PRECISION NOT NULL CHECK (unit_cost > 0),
  drawing     TEXT NOT NULL
);

CREATE TABLE lots (
  id             TEXT PRIMARY KEY,
  part_id        TEXT NOT NULL REFERENCES parts(id),
  supplier_id    TEXT NOT NULL REFERENCES suppliers(id),
  supplier_batch TEXT NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  line           TEXT NOT NULL,
  produced_on    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('in_process', 'released', 'scrapped')),
  shipped_on     TEXT
);

CREATE TABLE defect_classes (
  code           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
  description    TEXT NOT NULL,
  typical_causes TEXT NOT NULL,
  containment    TEXT NOT NULL
);

-- One row per call of the automated optical inspection (AOI) stations, reviewed by an operator.
CREATE TABLE aoi_findings (
  id              INTEGER PRIMARY KEY,
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  unit_serial     TEXT NOT NULL,
  station         TEXT NOT NULL,
  inspected_at    TEXT NOT NULL,
  defect_code     TEXT NOT NULL REFERENCES defect_classes(code),
  confidence      DOUBLE PRECISION NOT NULL CHECK (confidence > 0 AND confidence <= 1),
  zone            TEXT NOT NULL,
  x_mm            DOUBLE PRECISION NOT NULL,
  y_mm            DOUBLE PRECISION NOT NULL,
  image_ref       TEXT NOT NULL,
  review          TEXT NOT NULL CHECK (review IN ('confirmed', 'false_call')),
  reference_image INTEGER NOT NULL DEFAULT 0 CHECK (reference_image IN (0, 1))
);

CREATE TABLE gauges (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL,
  resolution_mm   DOUBLE PRECISION NOT NULL,
  last_calibrated TEXT NOT NULL,
  calibration_due TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('in_calibration', 'overdue', 'quarantined')),
  grr_pct         DOUBLE PRECISION NOT NULL
);

CREATE TABLE characteristics (
  id             TEXT PRIMARY KEY,
  part_id        TEXT NOT NULL REFERENCES parts(id),
  name           TEXT NOT NULL,
  unit           TEXT NOT NULL,
  nominal        DOUBLE PRECISION NOT NULL,
  lsl            DOUBLE PRECISION NOT NULL,
  usl            DOUBLE PRECISION NOT NULL,
  class          TEXT NOT NULL CHECK (class IN ('CC', 'SC', 'standard')),
  gauge_id       TEXT NOT NULL REFERENCES gauges(id),
  control_method TEXT NOT NULL,
  sample_plan    TEXT NOT NULL
);

-- In-process measurements: subgroups of 5, numbered per characteristic.
CREATE TABLE measurements (
  id                INTEGER PRIMARY KEY,
  characteristic_id TEXT NOT NULL REFERENCES characteristics(id),
  lot_id            TEXT NOT NULL REFERENCES lots(id),
  subgroup          INTEGER NOT NULL,
  sample            INTEGER NOT NULL,
  value             DOUBLE PRECISION NOT NULL,
  measured_at       TEXT NOT NULL
);

CREATE TABLE nonconformances (
  id                INTEGER PRIMARY KEY,
  ref               TEXT NOT NULL UNIQUE,
  lot_id            TEXT NOT NULL,
  supplier_id       TEXT REFERENCES suppliers(id),
  defect_code       TEXT NOT NULL REFERENCES defect_classes(code),
  description       TEXT NOT NULL,
  quantity_affected INTEGER NOT NULL CHECK (quantity_affected >= 0),
  raised_on         TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  disposition       TEXT
);

CREATE TABLE holds (
  id             INTEGER PRIMARY KEY,
  ref            TEXT NOT NULL UNIQUE,
  lot_id         TEXT NOT NULL REFERENCES lots(id),
  reason         TEXT NOT NULL,
  placed_on      TEXT NOT NULL,
  placed_by      TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('active', 'released')),
  released_on    TEXT,
  released_by    TEXT,
  release_reason TEXT
);
-- A lot has at most one active hold.
CREATE UNIQUE INDEX holds_one_active_per_lot ON holds (lot_id) WHERE status = 'active';

CREATE TABLE dispositions (
  id         INTEGER PRIMARY KEY,
  ref        TEXT NOT NULL UNIQUE,
  lot_id     TEXT NOT NULL,
  action     TEXT NOT NULL CHECK (action IN ('rework', 'scrap', 'use_as_is', 'return_to_supplier')),
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  value      DOUBLE PRECISION NOT NULL,
  reason     TEXT NOT NULL,
  decided_on TEXT NOT NULL
);

-- Supplier corrective action requests (SCARs): 8D reports asked of suppliers.
CREATE TABLE supplier_requests (
  id            INTEGER PRIMARY KEY,
  ref           TEXT NOT NULL UNIQUE,
  supplier_id   TEXT NOT NULL REFERENCES suppliers(id),
  lot_id        TEXT,
  defect_code   TEXT REFERENCES defect_classes(code),
  kind          TEXT NOT NULL CHECK (kind IN ('8D')),
  subject       TEXT NOT NULL,
  description   TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  raised_on     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'containment_received', 'root_cause_received', 'closed')),
  closed_on     TEXT
);

CREATE TABLE supplier_outbox (
  id          INTEGER PRIMARY KEY,
  supplier_id TEXT NOT NULL REFERENCES suppliers(id),
  to_address  TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  queued_on   TEXT NOT NULL
);

CREATE INDEX lots_part ON lots (part_id);
CREATE INDEX aoi_findings_lot ON aoi_findings (lot_id);
CREATE INDEX measurements_characteristic ON measurements (characteristic_id, subgroup);
CREATE INDEX measurements_lot ON measurements (lot_id);
CREATE INDEX holds_lot ON holds (lot_id);
CREATE INDEX supplier_requests_supplier ON supplier_requests (supplier_id);
`;

const sql = [
  DDL,
  rows(
    "suppliers",
    ["id", "name", "commodity", "status", "rating", "ppm_12m", "quality_contact", "quality_email", "phone", "approved_since"],
    suppliers,
  ),
  rows("parts", ["id", "name", "material", "customer", "supplier_id", "unit_cost", "drawing"], parts),
  rows("lots", ["id", "part_id", "supplier_id", "supplier_batch", "quantity", "line", "produced_on", "status", "shipped_on"], lots),
  rows("defect_classes", ["code", "name", "severity", "description", "typical_causes", "containment"], defectClasses),
  rows(
    "aoi_findings",
    [
      "id",
      "lot_id",
      "unit_serial",
      "station",
      "inspected_at",
      "defect_code",
      "confidence",
      "zone",
      "x_mm",
      "y_mm",
      "image_ref",
      "review",
      "reference_image",
    ],
    findings.map((f) => [
      f.id,
      f.lot,
      f.serial,
      f.station,
      f.at,
      f.code,
      f.confidence,
      f.zone,
      f.x,
      f.y,
      f.image,
      f.review,
      referenceImages.has(f.id) ? 1 : 0,
    ]),
  ),
  rows("gauges", ["id", "name", "type", "resolution_mm", "last_calibrated", "calibration_due", "status", "grr_pct"], gauges),
  rows(
    "characteristics",
    ["id", "part_id", "name", "unit", "nominal", "lsl", "usl", "class", "gauge_id", "control_method", "sample_plan"],
    characteristics,
  ),
  rows("measurements", ["id", "characteristic_id", "lot_id", "subgroup", "sample", "value", "measured_at"], measurements),
  rows(
    "nonconformances",
    ["id", "ref", "lot_id", "supplier_id", "defect_code", "description", "quantity_affected", "raised_on", "status", "disposition"],
    nonconformances,
  ),
  rows(
    "holds",
    ["id", "ref", "lot_id", "reason", "placed_on", "placed_by", "status", "released_on", "released_by", "release_reason"],
    holds,
  ),
  rows("dispositions", ["id", "ref", "lot_id", "action", "quantity", "value", "reason", "decided_on"], dispositions),
  rows(
    "supplier_requests",
    [
      "id",
      "ref",
      "supplier_id",
      "lot_id",
      "defect_code",
      "kind",
      "subject",
      "description",
      "contact_email",
      "raised_on",
      "status",
      "closed_on",
    ],
    supplierRequests,
  ),
].join("\n\n");
fs.writeFileSync(path.join(PACK, "backend", "seed.sql"), `${sql}\n`);

// --- The SPC system's data ---------------------------------------------------------------------

const spc = {
  about:
    "Measurements of the SPC system at Northgate Precision, Telford: subgroups of 5, per characteristic, in the order measured. Written by backend/generate.mjs with the pack's SQL seed.",
  subgroupSize: SUBGROUP_SIZE,
  baselineSubgroups: 25,
  characteristics: characteristics.map(([id, part, name, unit, nominal, lsl, usl, cls, gauge]) => ({
    id,
    part_id: part,
    name,
    unit,
    nominal,
    lsl,
    usl,
    class: cls,
    gauge_id: gauge,
  })),
  subgroups,
};
fs.writeFileSync(path.join(PACK, "mcp", "data", "spc.json"), `${JSON.stringify(spc, null, 1)}\n`);

// --- The AOI image archive -------------------------------------------------------------------

/** A PNG of grey-scale pixels (8 bits), written by hand: signature, IHDR, IDAT, IEND. */
function png(width, height, pixels) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey scale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width + 1)] = 0; // no filter
    for (let x = 0; x < width; x += 1) raw[y * (width + 1) + 1 + x] = pixels[y * width + x];
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A machined aluminium surface (light grey with tool marks) with the defect drawn on it. */
function defectImage(code, draw) {
  const size = 64;
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y += 1) {
    const mark = Math.sin(y * 1.7) * 6;
    for (let x = 0; x < size; x += 1) pixels[y * size + x] = Math.max(0, Math.min(255, Math.round(176 + mark + normal() * 4)));
  }
  const dot = (cx, cy, r, shade) => {
    for (let y = Math.floor(cy - r); y <= cy + r; y += 1) {
      for (let x = Math.floor(cx - r); x <= cx + r; x += 1) {
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) pixels[y * size + x] = shade;
      }
    }
  };
  if (code === "DC-POR") {
    const pores = 3 + Math.floor(draw() * 5);
    for (let i = 0; i < pores; i += 1) dot(16 + draw() * 32, 16 + draw() * 32, 1.5 + draw() * 3.5, 40 + Math.floor(draw() * 30));
  } else if (code === "DC-SCR") {
    const y0 = 10 + draw() * 20;
    for (let x = 6; x < 58; x += 1) dot(x, y0 + x * 0.45, 0.8, 90);
  } else if (code === "DC-BUR") {
    for (let x = 10; x < 54; x += 1) dot(x, 32 + Math.sin(x * 0.9) * 3, 1.2, 250);
  } else {
    dot(32, 32, 6, 120);
  }
  return png(size, size, pixels);
}

const archived = findings.filter((f) => referenceImages.has(f.id));
const index = {
  about:
    "The AOI image archive at Northgate Precision: the reference images reviewers kept, one per entry. Written by backend/generate.mjs.",
  pixelSizeMm: 0.05,
  images: archived.map((f) => ({
    image_ref: f.image,
    lot_id: f.lot,
    unit_serial: f.serial,
    station: f.station,
    captured_at: f.at,
    aoi_defect_code: f.code,
    aoi_confidence: f.confidence,
    zone: f.zone,
    file: `${f.image}.png`,
  })),
};
fs.rmSync(path.join(PACK, "mcp", "images"), { recursive: true, force: true });
fs.mkdirSync(path.join(PACK, "mcp", "images"), { recursive: true });
for (const f of archived) fs.writeFileSync(path.join(PACK, "mcp", "images", `${f.image}.png`), defectImage(f.code, generator(f.id)));
fs.writeFileSync(path.join(PACK, "mcp", "data", "images.json"), `${JSON.stringify(index, null, 1)}\n`);

process.stdout.write(
  `seed.sql: ${findings.length} AOI findings, ${measurements.length} measurements; spc.json: ${subgroups.length} subgroups; ${archived.length} images\n`,
);
