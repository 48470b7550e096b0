import { errorCodes, useHarness } from '../support/harness';
import { caseWorld, DECIDE, FILE, ok, type CaseWorld } from './support';

const h = useHarness();
let w: CaseWorld;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

describe('concurrent decisions on one step', () => {
  it('lets exactly one of 50 concurrent approvals through: 49 CONFLICT, one SUCCESS in the trail, one enrolment', async () => {
    const c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    await h.db.query(`UPDATE application_case SET step_position = 4, acting_code = '321012', step_capability = 'APPROVE_CASES' WHERE id = $1`, [c.id]);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.gql(DECIDE, { input: { caseId: c.id, action: 'APPROVE', step: 4, idempotencyKey: `approve-${i}` } }, w.county.token)),
    );
    const codes = answers.map((a) => errorCodes(a)[0] ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(49);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'case.decide' AND outcome = 'SUCCESS'`);
    expect(n).toBe(1);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM enrolment`))[0].n).toBe(1);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM application_history WHERE action = 'APPROVE'`))[0].n).toBe(1);
  });

  it('answers 20 concurrent replays of one key with the first answer, one decision', async () => {
    const c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    const input = { caseId: c.id, action: 'PASS', step: 1, idempotencyKey: 'same' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.gql(DECIDE, { input }, w.worker.token)));
    expect(answers.flatMap((a) => errorCodes(a))).toEqual([]);
    expect(new Set(answers.map((a) => a.data!.decideCase.currentStep.position))).toEqual(new Set([2]));
    expect((await h.db.query(`SELECT count(*)::int AS n FROM application_history WHERE action = 'PASS'`))[0].n).toBe(1);
  });
});
