import fs from 'node:fs';
import path from 'node:path';
import { errorCodes, useHarness } from '../support/harness';
import { createUser, type TestUser } from '../support/factories';
import { Role } from '../../src/kernel/actor';
import { addDays, allowedByRole, ASSESS, ASSIGN, caseWorld, commissionAssessment, READERS_ONLY, DECIDE, FILE, OBJECT, ok, READ, stepBeganOn, today, type CaseWorld } from './support';

const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');
const OPEN = `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { id opens } }`;
const CANCEL = `mutation($id: ID!, $reason: EnrolmentEnd!, $on: Date!) { cancelEnrolment(id: $id, reason: $reason, on: $on) { id untilMonth endReason endedOn scheme { name } } }`;
const QUEUE = `query { cases(awaitingMyAction: true, first: 10) { edges { node { id } } } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id status } }`;

let w: CaseWorld;
let key = 0;

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
});

const openWindow = (opens: string, closes: string) =>
  ok(h, OPEN, { input: { jurisdictionCode: '321012', name: '集中申報', opens, closes } }, w.county);

async function decide(user: TestUser, c: { id: string; currentStep: { position: number } | null }, action: string, extra: Record<string, unknown> = {}) {
  key += 1;
  const res = await h.gql(DECIDE, { input: { caseId: c.id, action, step: c.currentStep?.position ?? 0, idempotencyKey: `j${key}`, ...extra } }, user.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.decideCase;
}

const allowed = (c: { id: string }) => allowedByRole(h, w, c);

describe('江都: 村審核 → 鎮審批 → 區備案 → 第三方評估 → 村公示 (seed 004 篇四)', () => {
  it('takes applications in intake windows only: outside one the case waits for the next (「新增對象每半年新增一次,做到集中申報」)', async () => {
    expect(SEED_004).toContain('新增對象每半年新增一次,做到集中申報、集中審批、集中評估');
    const none = await h.gql(FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker.token);
    expect(errorCodes(none)).toEqual(['BAD_USER_INPUT']);
    expect(none.errors![0].extensions.field).toBe('input.receivedOn');
    const opens = addDays(today(), 10);
    await openWindow(opens, addDays(today(), 40));
    const c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    expect(c).toMatchObject({ state: 'WAITING', filedOn: today(), currentStep: { position: 1, began: opens, dueDate: null, overdue: false } });
    expect(c.allowedActions).toEqual(['WITHDRAW']);
    const early = await h.gql(DECIDE, { input: { caseId: c.id, action: 'PASS', step: 1, idempotencyKey: 'x' } }, w.worker.token);
    expect(errorCodes(early)).toEqual(['CONFLICT']);
    // The day the window opens, the case is in review without anything waking it.
    await h.db.query(`UPDATE application_case SET step_began = $2 WHERE id = $1`, [c.id, today()]);
    expect((await ok(h, READ, { id: c.id }, w.worker)).case).toMatchObject({ state: 'IN_REVIEW', allowedActions: ['PASS', 'RETURN', 'WITHDRAW'] });
  });

  it('runs every step to approval with the allowed actions of each role at each step, and enrols from the month after (firstMonth MONTH_AFTER_APPROVAL)', async () => {
    await openWindow(today(), addDays(today(), 30));
    let c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    // 「村(社區)對申請人准入條件進行審核」: the village reviews; it passes or returns, and refuses nothing.
    expect(c.currentStep).toMatchObject({ kind: 'VILLAGE_REVIEW', actingNode: { code: '321012100001' }, dueDate: null });
    const reviewers = ['PASS', 'RETURN', 'WITHDRAW'];
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: reviewers, townStaff: reviewers, county: reviewers });
    c = await decide(w.worker, c, 'PASS');
    // 「上報鎮審批」: the town approves or refuses; the village only withdraws.
    expect(c.currentStep).toMatchObject({ kind: 'TOWN_REVIEW', actingNode: { code: '321012100' } });
    const deciders = ['PASS', 'RETURN', 'REFUSE', 'WITHDRAW'];
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: deciders, county: deciders });
    c = await decide(w.townStaff, c, 'PASS');
    // 「並報區民政局備案」: the district files it; the town cannot act at the district.
    expect(SEED_004).toContain('並報區民政局備案');
    expect(c.currentStep).toMatchObject({ kind: 'FILING', actingNode: { code: '321012' } });
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: ['WITHDRAW'], county: reviewers });
    c = await decide(w.county, c, 'PASS');
    // 「評估工作由區民政局委託第三方組織上門評估」: the district commissions a third-party assessor, who then acts
    // on the assessment (as may the district itself, which holds ASSESS_PEOPLE); an assessor not assigned
    // to the case does not, and the assessor files nothing, so it cannot withdraw.
    expect(SEED_004).toContain('評估工作由區民政局委託第三方組織上門評估');
    expect(c.currentStep).toMatchObject({ kind: 'ASSESSMENT', capability: 'ASSESS_PEOPLE', actingNode: { code: '321012' } });
    const commissioning = [...reviewers, 'ASSIGN_ASSESSOR'];
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: ['WITHDRAW'], county: commissioning });
    const other = await createUser(h.db, '321012', [Role.ASSESSOR], 'other-assessor');
    const queue = async (user: TestUser) => (await ok(h, QUEUE, {}, user)).cases.edges.map((e: any) => e.node.id);
    expect(await queue(w.assessor)).toEqual([]);
    expect(await queue(w.county)).toEqual([c.id]);
    const notOne = await h.gql(ASSIGN, { caseId: c.id, step: 4, assessor: w.townStaff.username }, w.county.token);
    expect(errorCodes(notOne)).toEqual(['BAD_USER_INPUT']);
    expect(notOne.errors![0].extensions.field).toBe('assessor');
    expect(errorCodes(await h.gql(ASSIGN, { caseId: c.id, step: 4, assessor: w.assessor.username }, w.townStaff.token))).toEqual(['FORBIDDEN']);
    const assigned = (await ok(h, ASSIGN, { caseId: c.id, step: 4, assessor: w.assessor.username }, w.county)).assignCaseAssessor;
    expect(assigned).toMatchObject({ assessor: w.assessor.username, history: expect.arrayContaining([expect.objectContaining({ action: 'ASSIGN_ASSESSOR', opinion: w.assessor.username })]) });
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: ['WITHDRAW'], townStaff: ['WITHDRAW'], county: commissioning, assessor: ['PASS', 'RETURN'] });
    expect((await ok(h, READ, { id: c.id }, other)).case.allowedActions).toEqual([]);
    expect(await queue(w.assessor)).toEqual([c.id]);
    expect(await queue(other)).toEqual([]);
    // The step passes once the applicant's ability assessment is recorded.
    const unassessed = await h.gql(DECIDE, { input: { caseId: c.id, action: 'PASS', step: 4, idempotencyKey: 'unassessed' } }, w.assessor.token);
    expect(errorCodes(unassessed)).toEqual(['BAD_USER_INPUT']);
    expect(unassessed.errors![0].extensions.field).toBe('input.action');
    await ok(h, ASSESS, { id: w.personId, input: { level: 'INTACT', assessor: '扬州市第三方评估中心' } }, w.assessor);
    c = await decide(w.assessor, c, 'PASS');
    expect(c.history.at(-1)).toMatchObject({ action: 'PASS', step: 4, username: w.assessor.username, role: 'ASSESSOR' });
    // 「村(社區)對申辦服務對象進行公示,公示時間不少於5個工作日」: the last step; no approval before five working days.
    expect(c.currentStep).toMatchObject({ kind: 'PUBLIC_NOTICE', actingNode: { code: '321012100001' } });
    const notice = ['WITHDRAW', 'OBJECTION'];
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: notice, townStaff: notice, county: notice });
    await stepBeganOn(h, c.id, addDays(today(), -14));
    const held = ['APPROVE', 'WITHDRAW', 'OBJECTION'];
    expect(await allowed(c)).toEqual({ ...READERS_ONLY, worker: held, townStaff: held, county: held });
    c = (await ok(h, READ, { id: c.id }, w.worker)).case;
    c = await decide(w.worker, c, 'APPROVE');
    const next = new Date(Date.UTC(Number(today().slice(0, 4)), Number(today().slice(5, 7)), 1)).toISOString().slice(0, 7);
    expect(c).toMatchObject({ state: 'APPROVED', enrolments: [{ scheme: { name: '居家养老服务补贴' }, fromMonth: next, untilMonth: null }] });
    // Cancelled before its first month: nothing is paid (the month before the first is the last).
    const [enrolment] = c.enrolments;
    expect(errorCodes(await h.gql(CANCEL, { id: enrolment.id, reason: 'FRAUD', on: today() }, w.leadership.token))).toEqual(['FORBIDDEN']);
    const cancelled = (await ok(h, CANCEL, { id: enrolment.id, reason: 'FRAUD', on: today() }, w.worker)).cancelEnrolment;
    expect(cancelled).toMatchObject({ id: enrolment.id, untilMonth: today().slice(0, 7), endReason: 'FRAUD', endedOn: today() });
    expect(errorCodes(await h.gql(CANCEL, { id: enrolment.id, reason: 'FRAUD', on: today() }, w.worker.token))).toEqual(['CONFLICT']);
  });

  it('sends an objection during the 公示 back to the town’s 審批, the review before it', async () => {
    await openWindow(today(), addDays(today(), 30));
    let c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    for (const user of [w.worker, w.townStaff, w.county]) c = await decide(user, c, 'PASS');
    await commissionAssessment(h, w, c);
    c = await decide(w.assessor, c, 'PASS');
    c = (await ok(h, OBJECT, { caseId: c.id, receivedOn: today(), summary: '有村民反映其已迁居外地' }, w.worker)).recordObjection;
    expect(c.currentStep).toMatchObject({ position: 2, kind: 'TOWN_REVIEW' });
  });

  it('closes the case of an applicant who dies during review, and ends an enrolment after a move (「遷離、去世…應立即核銷平台人員信息、停止提供服務」)', async () => {
    expect(SEED_004).toContain('對於服務對象中出現遷離、去世或其他原因不再享受政府購買服務補貼時');
    expect(SEED_004).toContain('應立即核銷平台人員信息、停止提供服務');
    await openWindow(today(), addDays(today(), 30));
    let c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    c = await decide(w.worker, c, 'PASS');
    await ok(h, STATUS, { id: w.personId, status: 'DECEASED', on: today() }, w.worker);
    c = (await ok(h, READ, { id: c.id }, w.county)).case;
    expect(c).toMatchObject({ state: 'CLOSED', closedReason: 'DECEASED', currentStep: null, allowedActions: [] });
    expect(c.history.at(-1)).toMatchObject({ action: 'CLOSE', reasons: 'DECEASED' });
  });

  it('ends an enrolment after a move by the scheme’s lastMonth rule (STOP_IN_MONTH_OF_EVENT: the month before the move is the last paid)', async () => {
    await openWindow(today(), addDays(today(), 30));
    let c = (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId] } }, w.worker)).fileApplication;
    for (const user of [w.worker, w.townStaff, w.county]) c = await decide(user, c, 'PASS');
    await commissionAssessment(h, w, c);
    c = await decide(w.assessor, c, 'PASS');
    await stepBeganOn(h, c.id, addDays(today(), -14));
    c = await decide(w.worker, (await ok(h, READ, { id: c.id }, w.worker)).case, 'APPROVE');
    // As if approved at the start of the year: enrolled from January.
    await h.db.query(`UPDATE enrolment SET from_month = $1`, [`${today().slice(0, 4)}-01-01`]);
    await ok(h, STATUS, { id: w.personId, status: 'MOVED_AWAY', on: today() }, w.worker);
    const [enrolment] = (await ok(h, READ, { id: c.id }, w.worker)).case.enrolments;
    const previous = new Date(Date.UTC(Number(today().slice(0, 4)), Number(today().slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
    expect(enrolment).toMatchObject({ untilMonth: previous, endReason: 'MOVED_AWAY', endedOn: today() });
  });
});
