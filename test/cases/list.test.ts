import { forgetCaches, useHarness } from '../support/harness';
import { caseWorld, DECIDE, FILE, ok, registerPerson, type CaseWorld } from './support';
import type { TestUser } from '../support/factories';

const h = useHarness();
let w: CaseWorld;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

const LIST = `query($under: String, $state: CaseState, $mine: Boolean, $first: Int, $after: String) {
  cases(under: $under, state: $state, awaitingMyAction: $mine, first: $first, after: $after) {
    totalCount edges { node { id state applicant { name } currentStep { position dueDate } allowedActions } } pageInfo { hasNextPage endCursor } } }`;

async function fileFor(personId: string, receivedOn?: string) {
  return (await ok(h, FILE, { input: { personId, schemeIds: [w.schemeId], ...(receivedOn ? { receivedOn } : {}) } }, w.worker)).fileApplication;
}

const idsOf = (data: any) => data.cases.edges.map((e: any) => e.node.id);
const queue = async (user: TestUser) => idsOf(await ok(h, LIST, { mine: true, first: 50 }, user));

describe('cases(under, state, awaitingMyAction)', () => {
  it('lists by due date, then id, in keyset pages, and each caller’s queue holds what they may act on', async () => {
    const late = await fileFor(w.personId, '2025-09-26'); // due 2025-10-16
    const early = await fileFor(await registerPerson(h, w.worker), '2025-09-01'); // due 2025-09-15
    let atTown = await fileFor(await registerPerson(h, w.worker));
    atTown = (await ok(h, DECIDE, { input: { caseId: atTown.id, action: 'PASS', step: 1, idempotencyKey: 'a' } }, w.worker)).decideCase;
    await h.db.query(`UPDATE application_case SET step_began = '2025-01-02' WHERE id = $1`, [atTown.id]);
    atTown = (await ok(h, DECIDE, { input: { caseId: atTown.id, action: 'PASS', step: 2, idempotencyKey: 'b' } }, w.worker)).decideCase;
    expect(atTown.currentStep.position).toBe(3);

    const all = await ok(h, LIST, { under: '321012', first: 2 }, w.leadership);
    expect(all.cases.totalCount).toBe(3);
    expect(idsOf(all)).toEqual([early.id, late.id]);
    const next = await ok(h, LIST, { under: '321012', first: 2, after: all.cases.pageInfo.endCursor }, w.leadership);
    expect(idsOf(next)).toEqual([atTown.id]);
    expect(next.cases.pageInfo.hasNextPage).toBe(false);

    // The village worker acts on the village steps of their village; the town on its own step too.
    expect(await queue(w.worker)).toEqual([early.id, late.id]);
    expect(new Set(await queue(w.townStaff))).toEqual(new Set([early.id, late.id, atTown.id]));
    // The town's queue in keyset pages, by due date: the village steps due first, then its own step.
    const first = await ok(h, LIST, { mine: true, first: 2 }, w.townStaff);
    expect(first.cases.totalCount).toBe(3);
    expect(idsOf(first)).toEqual([early.id, late.id]);
    const rest = await ok(h, LIST, { mine: true, first: 2, after: first.cases.pageInfo.endCursor }, w.townStaff);
    expect([idsOf(rest), rest.cases.pageInfo.hasNextPage]).toEqual([[atTown.id], false]);
    // Narrowed to one village, the town's own step (its acting node is the town) is still the town's to act on.
    const village = (await h.db.query(`SELECT village_code AS code FROM application_case WHERE id = $1`, [atTown.id]))[0].code;
    expect(idsOf(await ok(h, LIST, { mine: true, under: village, first: 50 }, w.townStaff))).toContain(atTown.id);
    expect(await queue(w.leadership)).toEqual([]);
    expect(await queue(w.siblingWorker)).toEqual([]);
    const refused = await h.gql(LIST, { under: '321023' }, w.worker.token);
    expect(refused.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const analyst = await h.gql(LIST, {}, w.analyst.token);
    expect(analyst.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('reads a page of 2 or of 11 cases in the same number of statements', async () => {
    for (let i = 0; i < 12; i += 1) await fileFor(i === 0 ? w.personId : await registerPerson(h, w.worker));
    // Both pages are partial (so both count the matches for totalCount); a first request prepares the named statements.
    await h.gql(LIST, { mine: true, first: 1 }, w.worker.token);
    const counts: number[] = [];
    for (const first of [2, 11]) {
      await forgetCaches(h);
      const res = await h.gql(LIST, { mine: true, first }, w.worker.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.cases.edges).toHaveLength(first);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[0]).toBe(counts[1]);
  });

  it('reads a case’s history, materials, schemes and enrolments only when asked, one statement each for the whole page', async () => {
    for (let i = 0; i < 3; i += 1) await fileFor(i === 0 ? w.personId : await registerPerson(h, w.worker));
    const page = (fields: string) => `{ cases(first: 3) { edges { node { id ${fields} } } } }`;
    const statements = async (fields: string) => {
      const res = await h.gql(page(fields), {}, w.worker.token);
      expect(res.errors).toBeUndefined();
      return res.extensions!.sqlStatements!;
    };
    await statements('history { action } materials { kind } schemes { name } enrolments { id }');
    const bare = await statements('');
    expect(await statements('history { action }')).toBe(bare + 1);
    expect(await statements('history { action } materials { kind } schemes { name } enrolments { id }')).toBe(bare + 4);
  });

  // A case at its 公示 shows whether it may pass: the working days since the notice was posted at its
  // village («公示時間不少於5個工作日», seed 004 篇四) are counted by that village's calendar.
  it('reads a queue of notices at several villages in statements constant in the page size, with cold caches', async () => {
    const atNotice = async (personId: string) => {
      const filed = (await ok(h, FILE, { input: { personId, schemeIds: [w.schemeId] } }, w.county)).fileApplication;
      await ok(h, DECIDE, { input: { caseId: filed.id, action: 'PASS', step: 1, idempotencyKey: `n-${filed.id}` } }, w.county);
    };
    await atNotice(w.personId);
    await atNotice(await registerPerson(h, w.county, '321012100002'));
    await atNotice(await registerPerson(h, w.county, '321012101200'));
    // Both pages are partial (both count the matches for totalCount); a first request prepares the named statements.
    await h.gql(LIST, { mine: true, first: 1 }, w.county.token);
    const counts: number[] = [];
    for (const first of [1, 2]) {
      await forgetCaches(h);
      const res = await h.gql(LIST, { mine: true, first }, w.county.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.cases.edges.map((e: any) => e.node.currentStep.position)).toEqual(Array(first).fill(2));
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[0]).toBe(counts[1]);
  });
});
