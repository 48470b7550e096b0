import { PACKAGE_YEARS } from '../../src/calendar/package-calendar';
import { errorCodes, useHarness } from '../support/harness';
import { caseWorld, DECIDE, FILE, ok, READ, stepBeganOn, today, type CaseWorld } from './support';

const h = useHarness();
let w: CaseWorld;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

const fileOn = async (receivedOn: string) =>
  (await ok(h, FILE, { input: { personId: w.personId, schemeIds: [w.schemeId], receivedOn } }, w.worker)).fileApplication;

describe('due dates in working days at the acting node (src/calendar)', () => {
  it('counts 初審’s 10 working days across 国庆 2025', async () => {
    // 国务院办公厅关于2025年部分节假日安排的通知: 国庆节、中秋节 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班.
    // Received Friday 2025-09-26 (day 0). Working days after it: 09-28 (Sunday, worked) 1, 09-29 2, 09-30 3,
    // 10-01…10-08 off, 10-09 4, 10-10 5, 10-11 (Saturday, worked) 6, 10-13 7, 10-14 8, 10-15 9, 10-16 10.
    const c = await fileOn('2025-09-26');
    expect(c.currentStep).toMatchObject({ position: 1, began: '2025-09-26', dueDate: '2025-10-16', overdue: true });
    // The 公示 is counted within those 10 days (「在10個工作日內完成初審(含公示時間)」): it is due no later.
    const notice = (await ok(h, DECIDE, { input: { caseId: c.id, action: 'PASS', step: 1, idempotencyKey: 'a' } }, w.worker)).decideCase;
    expect(notice.currentStep).toMatchObject({ kind: 'PUBLIC_NOTICE', dueDate: '2025-10-16' });
  });

  it('counts them across 春节 2026', async () => {
    // 国务院办公厅关于2026年部分节假日安排的通知: 春节 2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班.
    // Received Thursday 2026-02-12 (day 0): 02-13 1, 02-14 (Saturday, worked) 2, 02-15…02-23 off, 02-24 3, 02-25 4,
    // 02-26 5, 02-27 6, 02-28 (Saturday, worked) 7, 03-02 8, 03-03 9, 03-04 10.
    const c = await fileOn('2026-02-12');
    expect(c.currentStep).toMatchObject({ began: '2026-02-12', dueDate: '2026-03-04' });
  });

  it('keeps a notice whose span the calendar does not know readable, without guessing that it has run', async () => {
    // The package knows 2004 to 2026; a notice posted in 2003 spans a year nobody has entered.
    expect(PACKAGE_YEARS.has(2003)).toBe(false);
    const c = await fileOn(today());
    const notice = (await ok(h, DECIDE, { input: { caseId: c.id, action: 'PASS', step: 1, idempotencyKey: 'a' } }, w.worker)).decideCase;
    await stepBeganOn(h, notice.id, '2003-12-29');
    // Read, with every action but the notice's PASS, which needs its working days counted.
    expect((await ok(h, READ, { id: c.id }, w.worker)).case).toMatchObject({ currentStep: { kind: 'PUBLIC_NOTICE' }, allowedActions: ['WITHDRAW', 'OBJECTION'] });
    const pass = await h.gql(DECIDE, { input: { caseId: c.id, action: 'PASS', step: 2, idempotencyKey: 'b' } }, w.worker.token);
    expect(errorCodes(pass)).toEqual(['BAD_USER_INPUT']);
    expect(pass.errors![0].extensions.field).toBe('input.action');
    expect(pass.errors![0].message).toContain('no working-day calendar is known for 2003');
  });
});
