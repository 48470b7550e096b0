import fs from 'node:fs';
import path from 'node:path';
import { errorCodes, useHarness } from '../support/harness';
import type { TestUser } from '../support/factories';
import { addDays, allowedByRole, caseWorld, nationalId, READERS_ONLY, DECIDE, FILE, OBJECT, ok, READ, RESUBMIT, stepBeganOn, today, type CaseWorld } from './support';

const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

let w: CaseWorld;
let key = 0;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

async function file(user: TestUser, extra: Record<string, unknown> = {}) {
  return (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId], ...extra } }, user)).fileApplication;
}

async function decide(user: TestUser, c: { id: string; currentStep: { position: number } | null }, action: string, extra: Record<string, unknown> = {}) {
  key += 1;
  return h.gql(DECIDE, { input: { caseId: c.id, action, step: c.currentStep?.position ?? 0, idempotencyKey: `k${key}`, ...extra } }, user.token);
}

const allowed = (c: { id: string }) => allowedByRole(h, w, c);

describe('深圳: 社區初審 → 張榜公佈 → 街道複審 → 區民政核准 (seed 004 篇五)', () => {
  it('runs from filing to approval with the allowed actions of each role at each step', async () => {
    // 「在10個工作日內完成初審(含公示時間)」
    expect(SEED_004).toContain('在10個工作日內完成初審(含公示時間)');
    let c = await file(w.worker, { materials: [{ kind: '身份证复印件', receivedOn: today(), checked: true }], agent: { name: '王小明', relation: '子女' } });
    expect(c).toMatchObject({ state: 'IN_REVIEW', filer: 'AGENT', agentName: '王小明', filedOn: today(), schemes: [{ name: '居家养老服务补贴' }] });
    // Masked as elsewhere (src/elderly): the birth date does not show.
    expect(c.applicant.nationalId).not.toContain('19400301');
    expect(c.currentStep).toMatchObject({ position: 1, kind: 'VILLAGE_REVIEW', actingNode: { code: '321012100001' }, began: today(), overdue: false });
    expect(c.materials).toEqual([{ kind: '身份证复印件', receivedOn: today(), checked: true }]);
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['PASS', 'RETURN', 'WITHDRAW'], townStaff: ['PASS', 'RETURN', 'WITHDRAW'], county: ['PASS', 'RETURN', 'WITHDRAW'] });

    c = (await decide(w.worker, c, 'PASS', { opinion: '材料齐全' })).data!.decideCase;
    const firstDue = (await h.db.query(`SELECT to_char(step_due, 'YYYY-MM-DD') AS d FROM application_case WHERE id = $1`, [c.id]))[0].d;
    // The 公示 is counted within 初審's 10 days: due no later than 初審.
    expect(c.currentStep).toMatchObject({ position: 2, kind: 'PUBLIC_NOTICE', began: today(), dueDate: firstDue });
    // 「公示時間不少於5個工作日」 (篇四; 深圳's template takes it as its default): no PASS before five working days.
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW', 'OBJECTION'], townStaff: ['WITHDRAW', 'OBJECTION'], county: ['WITHDRAW', 'OBJECTION'] });
    const early = await decide(w.worker, c, 'PASS');
    expect(errorCodes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors![0].extensions.field).toBe('input.action');

    await stepBeganOn(h, c.id, addDays(today(), -14));
    c = (await ok(h, READ, { id: c.id }, w.worker)).case;
    expect(c.allowedActions).toEqual(['PASS', 'WITHDRAW', 'OBJECTION']);
    c = (await decide(w.worker, c, 'PASS')).data!.decideCase;
    expect(c.currentStep).toMatchObject({ position: 3, kind: 'TOWN_REVIEW', actingNode: { code: '321012100' } });
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: ['PASS', 'RETURN', 'WITHDRAW'], county: ['PASS', 'RETURN', 'WITHDRAW'] });
    expect(errorCodes(await decide(w.worker, c, 'PASS'))).toEqual(['FORBIDDEN']);

    c = (await decide(w.townStaff, c, 'PASS', { opinion: '同意' })).data!.decideCase;
    expect(c.currentStep).toMatchObject({ position: 4, kind: 'COUNTY_APPROVAL', capability: 'APPROVE_CASES', actingNode: { code: '321012' } });
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: ['WITHDRAW'], county: ['APPROVE', 'RETURN', 'REFUSE', 'WITHDRAW'] });

    c = (await decide(w.county, c, 'APPROVE', { opinion: '核准' })).data!.decideCase;
    expect(c).toMatchObject({ state: 'APPROVED', currentStep: null, decidedOn: today(), allowedActions: [] });
    expect(c.history.map((e: any) => [e.action, e.step, e.role])).toEqual([
      ['FILE', null, 'VILLAGE_WORKER'],
      ['PASS', 1, 'VILLAGE_WORKER'],
      ['PASS', 2, 'VILLAGE_WORKER'],
      ['PASS', 3, 'CIVIL_AFFAIRS_STAFF'],
      ['APPROVE', 4, 'CIVIL_AFFAIRS_ADMIN'],
    ]);
  });

  it('refuses a refusal without written reasons, and where the step may not refuse (「對不同意補助的,書面説明理由」)', async () => {
    expect(SEED_004).toContain('對不同意補助的,書面説明理由');
    let c = await file(w.worker);
    const atVillage = await decide(w.worker, c, 'REFUSE', { reasons: '不符合条件' });
    expect(errorCodes(atVillage)).toEqual(['BAD_USER_INPUT']);
    await h.db.query(`UPDATE application_case SET step_position = 4, acting_code = '321012', step_capability = 'APPROVE_CASES' WHERE id = $1`, [c.id]);
    c = (await ok(h, READ, { id: c.id }, w.county)).case;
    const bare = await decide(w.county, c, 'REFUSE', { reasons: '  ' });
    expect(errorCodes(bare)).toEqual(['BAD_USER_INPUT']);
    expect(bare.errors![0].extensions.field).toBe('input.reasons');
    expect((await ok(h, READ, { id: c.id }, w.county)).case.state).toBe('IN_REVIEW');
    const refused = (await decide(w.county, c, 'REFUSE', { reasons: '家庭收入超过标准' })).data!.decideCase;
    expect(refused).toMatchObject({ state: 'REFUSED', enrolments: [] });
    expect(refused.history.at(-1)).toMatchObject({ action: 'REFUSE', reasons: '家庭收入超过标准' });
  });

  it('sends a case back to 初審 on an objection during the 公示, and a returned case is resubmitted', async () => {
    let c = await file(w.worker);
    c = (await decide(w.worker, c, 'PASS')).data!.decideCase;
    c = (await ok(h, OBJECT, { caseId: c.id, receivedOn: today(), summary: '村民反映其子女收入较高' }, w.worker)).recordObjection;
    expect(c.currentStep).toMatchObject({ position: 1, kind: 'VILLAGE_REVIEW', began: today() });
    expect(c.history.at(-1)).toMatchObject({ action: 'OBJECTION', step: 2 });
    const notAtNotice = await h.gql(OBJECT, { caseId: c.id, receivedOn: today(), summary: '再次异议' }, w.worker.token);
    expect(errorCodes(notAtNotice)).toEqual(['CONFLICT']);

    c = (await decide(w.worker, c, 'RETURN', { opinion: '请补充收入证明' })).data!.decideCase;
    expect(c).toMatchObject({ state: 'RETURNED', allowedActions: ['WITHDRAW', 'RESUBMIT'] });
    expect((await ok(h, READ, { id: c.id }, w.townStaff)).case.allowedActions).toEqual(['WITHDRAW', 'RESUBMIT']);
    c = (await ok(h, RESUBMIT, { caseId: c.id, materials: [{ kind: '收入证明', receivedOn: today() }] }, w.worker)).resubmitCase;
    expect(c).toMatchObject({ state: 'IN_REVIEW', currentStep: { position: 1 } });
    expect(c.materials.map((m: any) => m.kind)).toEqual(['收入证明']);
    c = (await decide(w.worker, c, 'WITHDRAW')).data!.decideCase;
    expect(c).toMatchObject({ state: 'WITHDRAWN', allowedActions: [] });
  });

  it('answers a stale step with CONFLICT, and a replayed key with the first answer, changing nothing', async () => {
    const c = await file(w.worker);
    const input = { caseId: c.id, action: 'PASS', step: 1, idempotencyKey: 'pass-once' };
    const first = await h.gql(DECIDE, { input }, w.worker.token);
    expect(first.data!.decideCase.currentStep.position).toBe(2);
    const replay = await h.gql(DECIDE, { input }, w.worker.token);
    expect(replay.errors).toBeUndefined();
    expect(replay.data!.decideCase).toEqual(first.data!.decideCase);
    const stale = await h.gql(DECIDE, { input: { ...input, idempotencyKey: 'another' } }, w.worker.token);
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors![0].extensions.field).toBe('input.step');
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM application_history WHERE case_id = $1`, [c.id]))[0].n)).toBe(2);
  });

  it('refuses a scheme that needs no application, one out of force, and a second open case for a scheme', async () => {
    const free = await h.gql(FILE, { input: { personId: w.personId, schemeIds: [w.schemeId, w.freeSchemeId] } }, w.worker.token);
    expect(errorCodes(free)).toEqual(['BAD_USER_INPUT']);
    expect(free.errors![0].extensions.field).toBe('input.schemeIds[1]');
    const unknown = await h.gql(FILE, { input: { personId: w.personId, schemeIds: ['999'] } }, w.worker.token);
    expect(unknown.errors![0].extensions.field).toBe('input.schemeIds[0]');
    await file(w.worker);
    const again = await h.gql(FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker.token);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM application_case`))[0].n)).toBe(1);
    const outside = await h.gql(FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.siblingWorker.token);
    expect(errorCodes(outside)).toEqual(['FORBIDDEN']);
  });

  it('registers someone new with the application, in one transaction', async () => {
    const person = { nationalId: nationalId('321012'), name: '新申请人', villageCode: '321012100001', hukouCode: '321012100001' };
    const filed = await h.gql(FILE, { input: { person, schemeIds: [w.schemeId] } }, w.worker.token);
    expect(filed.errors).toBeUndefined();
    expect(filed.data!.fileApplication.applicant.name).toBe('新申请人');
    const bad = await h.gql(FILE, { input: { person: { ...person, nationalId: nationalId('321012') }, schemeIds: [w.freeSchemeId] } }, w.worker.token);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM person`))[0].n)).toBe(2);
  });
});
