import fs from 'node:fs';
import path from 'node:path';
import { addMonths } from '../../src/kernel/dates';
import { useHarness } from '../support/harness';
import { approvedToday, caseWorld, ok, READ, registerPerson, today, type CaseWorld } from './support';

// The entitlement of an application-only scheme follows the enrolment an approval gives (issue 19).
const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');
const CANCEL = `mutation($id: ID!, $reason: EnrolmentEnd!, $on: Date!) { cancelEnrolment(id: $id, reason: $reason, on: $on) { id untilMonth } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`;
const ENTITLEMENT = `query($id: ID!, $month: Month!) { entitlement(personId: $id, month: $month) {
  amountFen schemes { scheme { name } status amountFen tiers { reasons { code message } } } } }`;

let w: CaseWorld;

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
});

/** Files an application for the scheme that requires one (or these) and runs it to approval today; the case as read after. */
const approved = (schemeIds = [w.schemeId]) => approvedToday(h, w, w.personId, schemeIds);

async function entitlement(month: string) {
  const result = (await ok(h, ENTITLEMENT, { id: w.personId, month }, w.county)).entitlement;
  const scheme = (name: string) => result.schemes.find((s: any) => s.scheme.name === name);
  return { amountFen: result.amountFen, applied: scheme('居家养老服务补贴'), free: scheme('高龄津贴') };
}

const codes = (scheme: any) => scheme.tiers.flatMap((t: any) => t.reasons.map((r: any) => r.code));
const thisMonth = () => today().slice(0, 7);

describe('the entitlement of a scheme that requires an application (seed 004 篇四 「須到户籍所在地村(社區)提出申請」)', () => {
  it('pays an approved person from the month after approval (firstMonth MONTH_AFTER_APPROVAL) and not before', async () => {
    expect(SEED_004).toContain('須到户籍所在地村(社區)提出申請');
    // Before any application: the scheme that requires one does not pay; the one that does not (高龄津贴) does.
    const before = await entitlement(thisMonth());
    expect(codes(before.applied)).toEqual(['NOT_ENROLLED']);
    expect(before.applied.tiers[0].reasons[0].message).toContain('居家养老服务补贴');
    expect(before.free).toMatchObject({ status: 'APPLIED', amountFen: 10_000 });
    expect(before.amountFen).toBe(10_000);
    const c = await approved();
    expect(c.enrolments).toMatchObject([{ fromMonth: addMonths(thisMonth(), 1), untilMonth: null }]);
    // The month of approval is not paid; the next one is: 100 元 of each scheme.
    expect((await entitlement(thisMonth())).applied).toMatchObject({ status: 'NOT_ELIGIBLE', amountFen: 0 });
    const next = await entitlement(addMonths(thisMonth(), 1));
    expect(next.applied).toMatchObject({ status: 'APPLIED', amountFen: 10_000 });
    expect(next.amountFen).toBe(20_000);
  });

  it('stops after a cancellation by the lastMonth rule (STOP_IN_MONTH_OF_EVENT: the month before the event is the last paid)', async () => {
    const c = await approved();
    // As if approved three months ago: enrolled from then.
    await h.db.query(`UPDATE enrolment SET from_month = $1`, [`${addMonths(thisMonth(), -3)}-01`]);
    const cancelled = (await ok(h, CANCEL, { id: c.enrolments[0].id, reason: 'FRAUD', on: today() }, w.worker)).cancelEnrolment;
    expect(cancelled.untilMonth).toBe(addMonths(thisMonth(), -1));
    expect((await entitlement(addMonths(thisMonth(), -3))).applied).toMatchObject({ status: 'APPLIED', amountFen: 10_000 });
    expect((await entitlement(addMonths(thisMonth(), -1))).applied).toMatchObject({ status: 'APPLIED', amountFen: 10_000 });
    expect((await entitlement(addMonths(thisMonth(), -4))).applied.amountFen).toBe(0);
    const now = await entitlement(thisMonth());
    expect(codes(now.applied)).toEqual(['NOT_ENROLLED']);
    expect(now.free).toMatchObject({ status: 'APPLIED', amountFen: 10_000 });
  });

  it('stops after a death by the lastMonth rule (「遷離、去世…應立即核銷平台人員信息、停止提供服務」)', async () => {
    expect(SEED_004).toContain('應立即核銷平台人員信息、停止提供服務');
    const c = await approved();
    await h.db.query(`UPDATE enrolment SET from_month = $1`, [`${addMonths(thisMonth(), -3)}-01`]);
    await ok(h, STATUS, { id: w.personId, status: 'DECEASED', on: today() }, w.worker);
    const [enrolment] = (await ok(h, READ, { id: c.id }, w.worker)).case.enrolments;
    expect(enrolment).toMatchObject({ untilMonth: addMonths(thisMonth(), -1), endReason: 'DECEASED' });
    expect((await entitlement(addMonths(thisMonth(), -1))).amountFen).toBe(20_000);
    expect((await entitlement(thisMonth())).amountFen).toBe(0);
  });
});

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { recipients } }`;
const TOTALS = `query($month: Month!) { jurisdiction(code: "321012") { subsidyTotals(month: $month) { schemes { name recipients amountFen } } } }`;

/** The month's run over 江都区, then the recipients of each scheme it stored (a scheme that paid no one is not listed: 0). */
async function runAndCount(month: string): Promise<Record<string, number>> {
  await ok(h, RUN, { code: '321012', month }, w.county);
  const totals = (await ok(h, TOTALS, { month }, w.county)).jurisdiction.subsidyTotals;
  const counts: Record<string, number> = { 居家养老服务补贴: 0, 高龄津贴: 0, 助餐补贴: 0 };
  for (const scheme of totals.schemes) counts[scheme.name] = scheme.recipients;
  return counts;
}

describe('the monthly run over a county (seed 004 篇四 「須到户籍所在地村(社區)提出申請」)', () => {
  it('pays an application-only scheme to approved, enrolled people only, from and until the months each scheme’s rules say', async () => {
    // A second scheme that requires an application, with the other rules: paid from the month of approval, and in the month of death.
    const mealSchemeId = (
      await ok(h, CREATE_SCHEME, {
        input: {
          jurisdictionCode: '321012',
          name: '助餐补贴',
          kind: 'HOME_CARE_SUBSIDY',
          version: {
            fromMonth: '2024-01',
            requiresApplication: true,
            firstMonth: 'MONTH_OF_APPROVAL',
            lastMonth: 'PAY_MONTH_OF_EVENT',
            funding: [{ level: 'COUNTY', weight: 1 }],
            tiers: [{ name: '60岁以上', amountFen: 5_000, minAge: 60 }],
          },
        },
      }, w.county)
    ).createSubsidyScheme.id;
    // Someone else of the same village meets every tier but never applied: the universal scheme pays them, no other.
    await registerPerson(h, w.worker);
    await approved([w.schemeId, mealSchemeId]);
    const month = thisMonth();
    // MONTH_AFTER_APPROVAL pays from next month, MONTH_OF_APPROVAL from this one; 高龄津贴 needs no application.
    expect(await runAndCount(month)).toEqual({ 居家养老服务补贴: 0, 高龄津贴: 2, 助餐补贴: 1 });
    expect(await runAndCount(addMonths(month, 1))).toEqual({ 居家养老服务补贴: 1, 高龄津贴: 2, 助餐补贴: 1 });

    // As if approved three months ago; the applicant dies today.
    await h.db.query(`UPDATE enrolment SET from_month = $1`, [`${addMonths(month, -3)}-01`]);
    await ok(h, STATUS, { id: w.personId, status: 'DECEASED', on: today() }, w.worker);
    expect(await runAndCount(addMonths(month, -1))).toEqual({ 居家养老服务补贴: 1, 高龄津贴: 2, 助餐补贴: 1 });
    // STOP_IN_MONTH_OF_EVENT: the month of death is not paid; PAY_MONTH_OF_EVENT: it is, and nothing after.
    expect(await runAndCount(month)).toEqual({ 居家养老服务补贴: 0, 高龄津贴: 1, 助餐补贴: 1 });
    expect(await runAndCount(addMonths(month, 1))).toEqual({ 居家养老服务补贴: 0, 高龄津贴: 1, 助餐补贴: 0 });
  });
});
