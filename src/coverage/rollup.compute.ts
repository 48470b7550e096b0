import type { CopyRow, CopyText } from '../db/copy';
import { FacilityService, FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import { JurisdictionLevel } from '../kernel/division-codes';
import { BED_KEYS, COVERAGE_DEFINITIONS, COVERAGE_METRICS, coveredKey, facilityCountKey, qualifies } from '../facilities/coverage-metrics';

// The facility figures of every node computed from the base rows in memory, for the rebuild: the
// rows arrive by COPY, in no particular order, as integers (enumerations as their index here, days
// as days since 1970-01-01), and the results leave as COPY text. Sorting packed numbers
// (Float64Array) stands in for SQL's sorts and groupings: a key packs node or unit, metric bit and
// day into an integer below 2^53. Typed arrays throughout: millions of rows make no garbage.

const LEVELS = Object.values(JurisdictionLevel);
const TYPES = Object.values(FacilityType);
const STATUSES = Object.values(FacilityStatus);
/** The metrics as bits of a mask, in catalogue order. */
const METRICS = COVERAGE_METRICS.map((metric) => COVERAGE_DEFINITIONS[metric]);
/** The services some metric asks for: a history entry's state is bit 0 (OPERATING) plus one bit per such service. */
export const STATE_SERVICES = [...new Set(METRICS.map((m) => m.service).filter((s): s is FacilityService => s !== null))];

const DAY_SPAN = 2 ** 17; // days since 1970 below 2^17: up to the year 2328
const BITS_SPAN = 8; // metric bits per unit
const STATES = 2 ** (1 + STATE_SERVICES.length);

/**
 * The metrics a facility of a type, located in a unit of a level, qualifies for in each state:
 * `qualifies` itself, asked once per (type, level, state) instead of once per history entry.
 */
const QUALIFYING: Uint8Array = (() => {
  if (METRICS.length > BITS_SPAN) throw new Error('more metrics than bits per unit');
  const table = new Uint8Array(TYPES.length * LEVELS.length * STATES);
  TYPES.forEach((type, t) =>
    LEVELS.forEach((level, l) => {
      for (let state = 0; state < STATES; state++) {
        const day = {
          type,
          status: state & 1 ? FacilityStatus.OPERATING : FacilityStatus.SUSPENDED,
          services: STATE_SERVICES.filter((_, i) => state & (2 << i)),
        };
        let mask = 0;
        METRICS.forEach((definition, bit) => {
          if (definition.unit === level && qualifies(definition, day)) mask |= 1 << bit;
        });
        table[(t * LEVELS.length + l) * STATES + state] = mask;
      }
    }),
  );
  return table;
})();

/** `column` as the index of its value in `values` (an enumeration, in this code's order). */
const indexSql = (column: string, values: readonly string[]) => `CASE ${column} ${values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} END`;

/** What the rebuild reads, each a query for `copyRows` and the reader of its rows. */
export const BASE_ROWS = {
  tree: {
    query: `SELECT id, coalesce(parent_id, 0), ${indexSql('level', LEVELS)} FROM jurisdiction`,
    columns: 3,
    read: (tree: Tree) => (row: CopyRow) => {
      const id = row.int(0);
      tree.parent[id] = row.int(1);
      tree.level[id] = row.int(2);
    },
  },
  facilities: {
    query: `SELECT id, jurisdiction_id, ${indexSql('type', TYPES)}, ${indexSql('status', STATUSES)}, beds_total, beds_nursing, beds_dementia FROM facility`,
    columns: 7,
    read: (facilities: Facilities) => (row: CopyRow) => {
      const id = row.int(0);
      facilities.unit[id] = row.int(1);
      facilities.type[id] = row.int(2);
      facilities.status[id] = row.int(3);
      for (let b = 0; b < 3; b++) facilities.beds[id * 3 + b] = row.int(4 + b);
    },
  },
  // A history entry's state: bit 0 when OPERATING, plus the bit of each service in STATE_SERVICES it offers.
  events: {
    query: `SELECT e.facility_id, e.occurred_on - date '1970-01-01', e.id, ${[
      `(e.status = 'OPERATING')::int`,
      ...STATE_SERVICES.map((service, i) => `(('${service}' = ANY (e.services))::int << ${i + 1})`),
    ].join(' | ')} FROM facility_event e`,
    columns: 4,
    read: (events: Events) => (row: CopyRow) => {
      const i = events.length++;
      events.facility[i] = row.int(0);
      events.day[i] = row.int(1);
      events.id[i] = row.int(2);
      events.state[i] = row.int(3);
    },
  },
};

/** A growable array of doubles. */
class Doubles {
  values: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(capacity, 16));
  }
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.values.subarray(0, this.length).sort();
  }
}

/** The tree, indexed by node id. */
export class Tree {
  parent: Int32Array;
  level: Uint8Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    this.level = new Uint8Array(size);
  }
}

/** Facilities, by facility id (unit 0: no such facility). */
export class Facilities {
  unit: Int32Array;
  type: Uint8Array;
  status: Uint8Array;
  beds: Int32Array; // total, nursing, dementia per facility
  constructor(size: number) {
    this.unit = new Int32Array(size);
    this.type = new Uint8Array(size);
    this.status = new Uint8Array(size);
    this.beds = new Int32Array(size * 3);
  }
}

/** History entries, in the order read. */
export interface Events {
  facility: Int32Array;
  day: Int32Array;
  id: Float64Array;
  state: Uint8Array;
  length: number;
}

/**
 * The days each unit's coverage changes, per metric, as sorted packed keys
 * ((unit × 8 + bit) × 2^17 + day) × 2 + (1 when covered from that day, 0 when uncovered).
 * A facility's state on a day is its last entry of that day; a unit is covered while ≥ 1 of its
 * facilities qualifies (what `coverageFlips` in timeline.ts computes for one unit).
 */
export function unitFlips(tree: Tree, facilities: Facilities, events: Events): Float64Array {
  // Entries grouped by facility (a counting sort), then each facility's few entries by day and id.
  const size = facilities.unit.length;
  const start = new Int32Array(size + 1);
  for (let i = 0; i < events.length; i++) start[events.facility[i] + 1]++;
  for (let f = 0; f < size; f++) start[f + 1] += start[f];
  const order = new Int32Array(events.length);
  const fill = start.slice(0, size);
  for (let i = 0; i < events.length; i++) order[fill[events.facility[i]]++] = i;

  const steps = new Doubles(events.length);
  for (let f = 0; f < size; f++) {
    const from = start[f];
    const to = start[f + 1];
    const unit = facilities.unit[f];
    if (from === to || unit === 0) continue;
    const base = (facilities.type[f] * LEVELS.length + tree.level[unit]) * STATES;
    let any = 0;
    for (let state = 0; state < STATES; state++) any |= QUALIFYING[base + state];
    if (any === 0) continue;
    for (let i = from + 1; i < to; i++) {
      const entry = order[i];
      let j = i - 1;
      while (j >= from && (events.day[order[j]] > events.day[entry] || (events.day[order[j]] === events.day[entry] && events.id[order[j]] > events.id[entry]))) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = entry;
    }
    let was = 0;
    for (let i = from; i < to; i++) {
      const entry = order[i];
      const day = events.day[entry];
      if (i + 1 < to && events.day[order[i + 1]] === day) continue;
      const is = QUALIFYING[base + events.state[entry]];
      for (let changed = is ^ was, bit = 0; changed !== 0; changed >>= 1, bit++) {
        if (changed & 1) steps.push(((unit * BITS_SPAN + bit) * DAY_SPAN + day) * 2 + ((is >> bit) & 1));
      }
      was = is;
    }
  }

  // Per unit and metric, in day order: the open count of qualifying facilities, and its crossings of zero.
  const sorted = steps.sorted();
  const flips = new Doubles(sorted.length);
  for (let i = 0; i < sorted.length; ) {
    const group = Math.floor(sorted[i] / 2 / DAY_SPAN);
    let open = 0;
    while (i < sorted.length && Math.floor(sorted[i] / 2 / DAY_SPAN) === group) {
      const dayKey = Math.floor(sorted[i] / 2);
      let step = 0;
      for (; i < sorted.length && Math.floor(sorted[i] / 2) === dayKey; i++) step += sorted[i] % 2 === 1 ? 1 : -1;
      const before = open > 0;
      open += step;
      if (open > 0 !== before) flips.push(dayKey * 2 + (open > 0 ? 1 : 0));
    }
  }
  return flips.values.subarray(0, flips.length);
}

/**
 * Every node's coverage histories, the units' flips added up along each unit's ancestors, as rows of
 * `rollup_history` (node_id, key, days, figures) into `histories`, and today's figures (covered
 * units) as rows of `rollup_value` (node_id, key, value) into `values`.
 */
export function rollUpFlips(tree: Tree, flips: Float64Array, histories: CopyText, values: CopyText): void {
  const along = new Doubles(flips.length * 5);
  for (let i = 0; i < flips.length; i++) {
    const dayKey = Math.floor(flips[i] / 2);
    const unit = Math.floor(dayKey / DAY_SPAN / BITS_SPAN);
    const rest = dayKey - unit * DAY_SPAN * BITS_SPAN;
    const sign = flips[i] % 2;
    for (let node = unit; node !== 0; node = tree.parent[node]) along.push((node * BITS_SPAN * DAY_SPAN + rest) * 2 + sign);
  }
  const sorted = along.sorted();
  const keys = METRICS.map((definition) => coveredKey(definition.metric));
  let days = new Int32Array(1024);
  let figures = new Int32Array(1024);
  for (let i = 0; i < sorted.length; ) {
    const group = Math.floor(sorted[i] / 2 / DAY_SPAN);
    let entries = 0;
    let figure = 0;
    while (i < sorted.length && Math.floor(sorted[i] / 2 / DAY_SPAN) === group) {
      const dayKey = Math.floor(sorted[i] / 2);
      let delta = 0;
      for (; i < sorted.length && Math.floor(sorted[i] / 2) === dayKey; i++) delta += sorted[i] % 2 === 1 ? 1 : -1;
      if (delta === 0) continue;
      if (entries === days.length) {
        const grownDays = new Int32Array(entries * 2);
        grownDays.set(days);
        days = grownDays;
        const grownFigures = new Int32Array(entries * 2);
        grownFigures.set(figures);
        figures = grownFigures;
      }
      figure += delta;
      days[entries] = dayKey - group * DAY_SPAN;
      figures[entries++] = figure;
    }
    const node = Math.floor(group / BITS_SPAN);
    const key = keys[group - node * BITS_SPAN];
    if (entries > 0) histories.int(node).tab().word(key).tab().ints(days, 0, entries).tab().ints(figures, 0, entries).end();
    if (figure !== 0) values.int(node).tab().word(key).tab().int(figure).end();
  }
}

/** Facilities by type and status, and beds in operation, of every node today, as rows of `rollup_value` into `values`. */
export function facilityFigures(tree: Tree, facilities: Facilities, values: CopyText): void {
  const counted = new Doubles(facilities.unit.length * 5);
  const beds = new Float64Array(tree.parent.length * 3);
  const operating = STATUSES.indexOf(FacilityStatus.OPERATING);
  const kinds = TYPES.length * STATUSES.length;
  for (let f = 0; f < facilities.unit.length; f++) {
    const unit = facilities.unit[f];
    if (unit === 0) continue;
    const kind = facilities.type[f] * STATUSES.length + facilities.status[f];
    const inOperation = facilities.status[f] === operating;
    for (let node = unit; node !== 0; node = tree.parent[node]) {
      counted.push(node * kinds + kind);
      if (inOperation) for (let b = 0; b < 3; b++) beds[node * 3 + b] += facilities.beds[f * 3 + b];
    }
  }
  const kindKeys = TYPES.flatMap((type) => STATUSES.map((status) => facilityCountKey(type, status)));
  const sorted = counted.sorted();
  for (let i = 0; i < sorted.length; ) {
    const packed = sorted[i];
    let n = 0;
    for (; i < sorted.length && sorted[i] === packed; i++) n++;
    const node = Math.floor(packed / kinds);
    values.int(node).tab().word(kindKeys[packed - node * kinds]).tab().int(n).end();
  }
  const bedKeys = [BED_KEYS.total, BED_KEYS.nursing, BED_KEYS.dementia];
  for (let node = 0; node < tree.parent.length; node++) {
    for (let b = 0; b < 3; b++) if (beds[node * 3 + b] !== 0) values.int(node).tab().word(bedKeys[b]).tab().int(beds[node * 3 + b]).end();
  }
}
