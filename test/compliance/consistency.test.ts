import { addMonths } from '../../src/kernel/dates';
import { useHarness, errorCodes } from '../support/harness';
import { generator } from '../support/random';
import { insertWorkOrder } from '../support/factories';
import { caseWorld, today, type CaseWorld } from '../cases/support';
import { enrol, jiangduRules, registered } from '../care/support';
import { CLOSE_MONTH, PLAN_MONTH, visit, visitingProvider } from './support';

/**
 * Random orders (verified, void, voided later, redone, moved, deleted, in bulk), enrolments and deaths,
 * plans and closes of months at random nodes, on 江都区's slice of the tree; after every batch each
 * recipient's month equals a recount of the orders, and every node's figures (live and as closed) equal
 * a recount of the recipients' months done here; at the end, with every month closed again, the
 * requirements, the make-up owed and the closed figures equal what the events say they must be.
 * CONSISTENCY_SEED replays a failure.
 */
const h = useHarness();
jest.setTimeout(600_000);

const SEED = Number(process.env.CONSISTENCY_SEED ?? 20261207);
const EVENTS = 2000;
const BATCH = 250;
const VILLAGES = ['321012100001', '321012100002', '321012101200'];
const NODES = ['321012', '321012100', '321012101', ...VILLAGES];
const LEVELS = [2, 4, 6, 9, 12];

// Who each recipient is, and the visits a month the 江都 template asks of them.
const PROFILES = [
  { ability: 'SEVERE', categories: ['MINIMUM_LIVING_ALLOWANCE'], age: 72, visits: 4 },
  { ability: 'MILD', categories: ['CHILDLESS_WIDOWED'], age: 70, visits: 2 },
  { ability: 'INTACT', categories: ['MINIMUM_LIVING_ALLOWANCE'], age: 68, visits: 1 },
  { ability: null, categories: [], age: 83, visits: 1 },
  { ability: null, categories: [], age: 66, visits: 0 },
];

interface MonthRow {
  person_id: number;
  month: string;
  village_code: string;
  enrolled: boolean;
  required: number;
  owed: number;
  make_up: boolean;
  verified: number;
  minutes: number;
  void_orders: number;
  closed: boolean;
  closed_required: number | null;
  closed_owed: number | null;
  closed_verified: number | null;
  closed_minutes: number | null;
  closed_void: number | null;
}

const MONTH_ROWS = `SELECT person_id, to_char(month, 'YYYY-MM') AS month, village_code, enrolled, required, owed, make_up, verified, minutes, void_orders,
  closed_at IS NOT NULL AS closed, closed_required, closed_owed, closed_verified, closed_minutes, closed_void FROM care_month`;

/** Each recipient's month from the orders alone: verified visits, their minutes, void orders. */
async function recountedOrders(): Promise<Map<string, string>> {
  const rows: { key: string; figures: string }[] = await h.db.query(
    `SELECT person_id || '|' || to_char(service_day, 'YYYY-MM') AS key,
       count(*) FILTER (WHERE state = 'VERIFIED') || '/' || coalesce(sum(minutes) FILTER (WHERE state = 'VERIFIED'), 0) || '/' || count(*) FILTER (WHERE state = 'VOID') AS figures
     FROM work_order WHERE state IN ('VERIFIED', 'VOID') GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.key, r.figures]));
}

async function storedOrders(): Promise<Map<string, string>> {
  const rows: MonthRow[] = await h.db.query(MONTH_ROWS);
  return new Map(rows.filter((r) => r.verified + r.minutes + r.void_orders > 0).map((r) => [`${r.person_id}|${r.month}`, `${r.verified}/${r.minutes}/${r.void_orders}`]));
}

/** Every node's figures, by node, month and basis, summed here from the recipients' months. */
function recountedFigures(rows: MonthRow[]): Map<string, string> {
  const sums = new Map<string, number[]>();
  const add = (key: string, values: number[]) => {
    const current = sums.get(key) ?? values.map(() => 0);
    sums.set(key, current.map((v, i) => v + values[i]));
  };
  for (const r of rows) {
    const bases: [string, number, number, number, number, number][] = [['live', r.required, r.owed, r.verified, r.minutes, r.void_orders]];
    if (r.closed) bases.push(['closed', r.closed_required!, r.closed_owed!, r.closed_verified!, r.closed_minutes!, r.closed_void!]);
    for (const [basis, required, owed, verified, minutes, voids] of bases) {
      const due = required + owed;
      const values = [due > 0 ? 1 : 0, due > 0 && verified >= due ? 1 : 0, required, owed, verified, minutes, voids];
      for (const length of LEVELS) add(`${r.village_code.slice(0, length)}|${r.month}|${basis}`, values);
    }
  }
  return new Map([...sums].filter(([, v]) => v.some((x) => x !== 0)).map(([k, v]) => [k, v.join('/')]));
}

async function storedFigures(): Promise<Map<string, string>> {
  const rows: { key: string; figures: string; nonzero: boolean }[] = await h.db.query(
    `SELECT node_code || '|' || to_char(month, 'YYYY-MM') || '|' || CASE WHEN closed THEN 'closed' ELSE 'live' END AS key,
       concat_ws('/', recipients, met, required, owed, verified, minutes, void_orders) AS figures,
       (recipients, met, required, owed, verified, minutes, void_orders) <> (0, 0, 0, 0, 0, 0, 0) AS nonzero
     FROM care_figure`,
  );
  return new Map(rows.filter((r) => r.nonzero).map((r) => [r.key, r.figures]));
}

const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('compliance figures under random events', () => {
  it(`equal a recount from the orders and the recipients' months after every batch (seed ${SEED})`, async () => {
    const random = generator(SEED);
    const w: CaseWorld = await caseWorld(h, 'JIANGDU');
    await jiangduRules(h, w.county);
    const thisMonth = today().slice(0, 7);
    const months = [addMonths(thisMonth, -2), addMonths(thisMonth, -1), thisMonth];
    const dayIn = (month: string) => `${month}-${String(1 + random.int(28)).padStart(2, '0')}`;
    const year = Number(thisMonth.slice(0, 4));

    const people: { id: number; visits: number; village: string; enrolled: boolean; dead: boolean }[] = [];
    for (let i = 0; i < 24; i++) {
      const profile = PROFILES[i % PROFILES.length];
      const village = VILLAGES[i % VILLAGES.length];
      const id = await registered(h, w, {
        birthYear: year - profile.age,
        village,
        categories: profile.categories,
        ability: profile.ability,
        assessedOn: `${addMonths(months[0], -2)}-01`,
      });
      const enrolled = i % 4 !== 3;
      if (enrolled) await enrol(h, w, id, `${addMonths(months[0], -1)}-02`);
      people.push({ id: Number(id), visits: profile.visits, village, enrolled, dead: false });
    }
    const provider = await visitingProvider(h.db, VILLAGES[0]);
    const someOrder = async (where: string): Promise<number | null> => {
      const rows = await h.db.query(`SELECT id FROM work_order WHERE ${where} ORDER BY id`);
      return rows.length ? rows[random.int(rows.length)].id : null;
    };
    const seen = new Map<string, number>();
    const count = (kind: string) => seen.set(kind, (seen.get(kind) ?? 0) + 1);

    for (let event = 1; event <= EVENTS; event++) {
      const roll = random.next();
      const person = random.pick(people);
      if (roll < 0.35) {
        await visit(h.db, provider, person.id, dayIn(random.pick(months)), { minutes: 60 + random.int(60), items: [random.pick(['MEALS', 'CLEANING', 'ERRANDS'])] });
        count('verified');
      } else if (roll < 0.45) {
        await visit(h.db, provider, person.id, dayIn(random.pick(months)), { minutes: 30, voidReasons: ['SHORTER_THAN_MINIMUM'] });
        count('void');
      } else if (roll < 0.55) {
        const id = await someOrder(`state = 'VERIFIED'`);
        if (id) await h.db.query(`UPDATE work_order SET state = 'VOID', void_reasons = '{VOIDED_ON_CALLBACK}', version = version + 1 WHERE id = $1`, [id]);
        count('voided later');
      } else if (roll < 0.62) {
        const id = await someOrder(`state = 'VOID' AND NOT EXISTS (SELECT 1 FROM work_order r WHERE r.redo_of = work_order.id)`);
        if (id) {
          const [{ day, who }] = await h.db.query(`SELECT to_char(service_day, 'YYYY-MM-DD') AS day, person_id AS who FROM work_order WHERE id = $1`, [id]);
          const start = new Date(`${day}T14:00:00+08:00`);
          await insertWorkOrder(h.db, {
            personId: who, organisationId: provider.organisationId, caregiverId: provider.caregiverId, plannedDay: day, redoOf: id,
            visit: { checkInAt: start.toISOString(), checkOutAt: new Date(start.getTime() + 3_600_000).toISOString(), serviceDay: day },
          });
        }
        count('redone');
      } else if (roll < 0.67) {
        // Every verified order of one person on the days of a month voided at once (one statement, many rows).
        await h.db.query(
          `UPDATE work_order SET state = 'VOID', void_reasons = '{VOIDED_ON_CALLBACK}' WHERE person_id = $1 AND state = 'VERIFIED' AND to_char(service_day, 'YYYY-MM') = $2`,
          [person.id, random.pick(months)],
        );
        count('bulk void');
      } else if (roll < 0.72) {
        const id = await someOrder(`state = 'VERIFIED'`);
        if (id) await h.db.query(`UPDATE work_order SET minutes = minutes + $2 WHERE id = $1`, [id, 1 + random.int(30)]);
        count('minutes');
      } else if (roll < 0.77) {
        const id = await someOrder(`state IN ('VERIFIED', 'VOID')`);
        if (id) await h.db.query(`UPDATE work_order SET service_day = $2::date WHERE id = $1`, [id, dayIn(random.pick(months))]);
        count('moved');
      } else if (roll < 0.8) {
        const id = await someOrder(`NOT EXISTS (SELECT 1 FROM work_order r WHERE r.redo_of = work_order.id)`);
        if (id) await h.db.query(`DELETE FROM work_order WHERE id = $1`, [id]);
        count('deleted');
      } else if (roll < 0.83) {
        if (!person.enrolled && !person.dead) {
          await enrol(h, w, String(person.id), `${addMonths(random.pick(months), -1)}-03`);
          person.enrolled = true;
          count('enrolled');
        }
      } else if (roll < 0.85) {
        if (person.enrolled && !person.dead) {
          const last = addMonths(random.pick(months), -1);
          await h.db.query(
            `UPDATE enrolment SET until_month = greatest($2::date, from_month - interval '1 month'), end_reason = 'DECEASED', ended_on = $2::date + 1 WHERE person_id = $1 AND until_month IS NULL`,
            [person.id, `${last}-01`],
          );
          await h.db.query(`UPDATE person SET status = 'DECEASED', status_since = $2::date WHERE id = $1`, [person.id, `${addMonths(last, 1)}-01`]);
          person.dead = true;
          count('died');
        }
      } else if (roll < 0.95) {
        const res = await h.gql(PLAN_MONTH, { under: random.pick(NODES), month: random.pick(months) }, w.county.token);
        expect(errorCodes(res).filter((code) => code !== 'CONFLICT')).toEqual([]);
        count(res.errors ? 'plan refused' : 'planned');
      } else {
        const res = await h.gql(CLOSE_MONTH, { under: random.pick(NODES), month: random.pick(months), reclose: random.next() < 0.3 }, w.county.token);
        expect(errorCodes(res).filter((code) => code !== 'CONFLICT')).toEqual([]);
        count(res.errors ? 'close refused' : 'closed');
      }

      if (event % BATCH === 0) {
        expect(sorted(await storedOrders())).toEqual(sorted(await recountedOrders()));
        expect(sorted(await storedFigures())).toEqual(sorted(recountedFigures(await h.db.query(MONTH_ROWS))));
      }
    }
    for (const kind of ['verified', 'void', 'voided later', 'redone', 'bulk void', 'moved', 'deleted', 'enrolled', 'died', 'planned', 'closed', 'close refused']) {
      expect(seen.get(kind) ?? 0).toBeGreaterThan(0);
    }

    // Every month closed again at the county, oldest first: the stored requirements and make-up are the events'.
    for (const month of months) {
      const res = await h.gql(CLOSE_MONTH, { under: '321012', month }, w.county.token);
      if (res.errors) expect(errorCodes(await h.gql(CLOSE_MONTH, { under: '321012', month, reclose: true }, w.county.token))).toEqual([]);
    }
    const rows: MonthRow[] = await h.db.query(MONTH_ROWS);
    const enrolledIn: { person_id: number; month: string }[] = await h.db.query(
      `SELECT e.person_id, to_char(m, 'YYYY-MM') AS month FROM enrolment e CROSS JOIN unnest($1::date[]) AS m
       WHERE e.from_month <= m AND (e.until_month IS NULL OR e.until_month >= m)`,
      [months.map((m) => `${m}-01`)],
    );
    const enrolled = new Set(enrolledIn.map((e) => `${e.person_id}|${e.month}`));
    const orders = await recountedOrders();
    const verifiedOf = (id: number, month: string) => Number((orders.get(`${id}|${month}`) ?? '0/0/0').split('/')[0]);
    const byKey = new Map(rows.map((r) => [`${r.person_id}|${r.month}`, r]));
    for (const p of people) {
      for (const [i, month] of months.entries()) {
        const row = byKey.get(`${p.id}|${month}`);
        const isEnrolled = enrolled.has(`${p.id}|${month}`);
        if (!row) {
          expect([p.id, month, isEnrolled]).toEqual([p.id, month, false]);
          continue;
        }
        const required = isEnrolled ? p.visits : 0;
        const before = i > 0 && enrolled.has(`${p.id}|${months[i - 1]}`) ? Math.max(0, p.visits - verifiedOf(p.id, months[i - 1])) : 0;
        const owed = isEnrolled ? before : 0;
        expect([p.id, month, row.enrolled, row.required, row.owed, row.make_up]).toEqual([p.id, month, isEnrolled, required, owed, isEnrolled]);
        expect([row.closed, row.closed_required, row.closed_owed, row.closed_verified, row.closed_minutes, row.closed_void]).toEqual([
          true, row.required, row.owed, row.verified, row.minutes, row.void_orders,
        ]);
      }
    }
    expect(sorted(await storedFigures())).toEqual(sorted(recountedFigures(rows)));
  });
});
