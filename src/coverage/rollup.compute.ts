import { FacilityService, FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import { JurisdictionLevel } from '../jurisdictions/division-codes';
import { BED_KEYS, COVERAGE_DEFINITIONS, COVERAGE_METRICS, coveredKey, facilityCountKey, qualifies } from './metrics';

// The facility figures of every node computed from the base rows in memory, for the rebuild: the
// rows arrive by COPY, in no particular order, as plain numbers (day = days since 1970-01-01), and
// the results leave as COPY lines. Sorting packed numbers (Float64Array) stands in for SQL's sorts
// and groupings: a key packs node or unit, metric bit and day into an integer below 2^53.

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

/** The SQL expression of a history entry's state bits (see STATE_SERVICES), over facility_event `e`. */
export function stateBitsSql(): string {
  return [`(e.status = 'OPERATING')::int`, ...STATE_SERVICES.map((service, i) => `(('${service}' = ANY (e.services))::int << ${i + 1})`)].join(' | ');
}

/** The tree, indexed by node id. */
export class Tree {
  parent: Int32Array;
  level: Uint8Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    this.level = new Uint8Array(size);
  }
  static levelIndex(level: string): number {
    const index = LEVELS.indexOf(level as JurisdictionLevel);
    if (index < 0) throw new Error(`unknown level ${level}`);
    return index;
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
  set(id: number, unit: number, type: string, status: string, total: number, nursing: number, dementia: number): void {
    this.unit[id] = unit;
    this.type[id] = TYPES.indexOf(type as FacilityType);
    this.status[id] = STATUSES.indexOf(status as FacilityStatus);
    this.beds.set([total, nursing, dementia], id * 3);
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

  const steps: number[] = [];
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
  const sorted = Float64Array.from(steps).sort();
  const flips: number[] = [];
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
  return Float64Array.from(flips);
}

/** A node's coverage history: the days its figure changed and the figure from each on. */
export interface HistoryRow {
  node: number;
  key: string;
  days: number[];
  figures: number[];
}

/**
 * Every node's coverage histories: the units' flips added up along each unit's ancestors. Calls
 * `row` per (node, metric) with a change, in (node, metric) order; returns today's figures
 * (covered units per node and metric).
 */
export function rollUpFlips(tree: Tree, flips: Float64Array, row: (history: HistoryRow) => void): { node: number; key: string; value: number }[] {
  const along: number[] = [];
  for (let i = 0; i < flips.length; i++) {
    const dayKey = Math.floor(flips[i] / 2);
    const unit = Math.floor(dayKey / DAY_SPAN / BITS_SPAN);
    const rest = dayKey - unit * DAY_SPAN * BITS_SPAN;
    const sign = flips[i] % 2;
    for (let node = unit; node !== 0; node = tree.parent[node]) along.push((node * BITS_SPAN * DAY_SPAN + rest) * 2 + sign);
  }
  const sorted = Float64Array.from(along).sort();
  const today: { node: number; key: string; value: number }[] = [];
  const keys = METRICS.map((definition) => coveredKey(definition.metric));
  for (let i = 0; i < sorted.length; ) {
    const group = Math.floor(sorted[i] / 2 / DAY_SPAN);
    const days: number[] = [];
    const figures: number[] = [];
    let figure = 0;
    while (i < sorted.length && Math.floor(sorted[i] / 2 / DAY_SPAN) === group) {
      const dayKey = Math.floor(sorted[i] / 2);
      let delta = 0;
      for (; i < sorted.length && Math.floor(sorted[i] / 2) === dayKey; i++) delta += sorted[i] % 2 === 1 ? 1 : -1;
      if (delta !== 0) {
        figure += delta;
        days.push(dayKey - group * DAY_SPAN);
        figures.push(figure);
      }
    }
    const node = Math.floor(group / BITS_SPAN);
    const key = keys[group - node * BITS_SPAN];
    if (days.length > 0) row({ node, key, days, figures });
    if (figure !== 0) today.push({ node, key, value: figure });
  }
  return today;
}

/** Facilities by type and status, and beds in operation, of every node today. */
export function facilityFigures(tree: Tree, facilities: Facilities): { node: number; key: string; value: number }[] {
  const counted: number[] = [];
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
  const figures: { node: number; key: string; value: number }[] = [];
  const sorted = Float64Array.from(counted).sort();
  for (let i = 0; i < sorted.length; ) {
    const packed = sorted[i];
    let n = 0;
    for (; i < sorted.length && sorted[i] === packed; i++) n++;
    const node = Math.floor(packed / kinds);
    const kind = packed - node * kinds;
    figures.push({ node, key: facilityCountKey(TYPES[Math.floor(kind / STATUSES.length)], STATUSES[kind % STATUSES.length]), value: n });
  }
  const bedKeys = [BED_KEYS.total, BED_KEYS.nursing, BED_KEYS.dementia];
  for (let node = 0; node < tree.parent.length; node++) {
    for (let b = 0; b < 3; b++) if (beds[node * 3 + b] !== 0) figures.push({ node, key: bedKeys[b], value: beds[node * 3 + b] });
  }
  return figures;
}
