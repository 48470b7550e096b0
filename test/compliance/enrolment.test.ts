import { addMonths } from '../../src/kernel/dates';
import { useHarness } from '../support/harness';
import { approvedToday, caseWorld, ok, today, type CaseWorld } from '../cases/support';
import { DEFINE, enrol, PLAN, registered } from '../care/support';
import { PLAN_MONTH, RECIPIENT_MONTH } from './support';

// An approval's new recipient counts at once in the months already planned in their county: the figures
// stay live without waiting for the county's next plan or the close (docs/compliance.md).
const h = useHarness();

let w: CaseWorld;
beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
  await ok(h, DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, w.county);
});

const monthOf = async (person: string, month: string) => (await ok(h, RECIPIENT_MONTH, { person, month, live: true }, w.county)).recipientCareMonth;

describe('a person enrolled by an approval', () => {
  it('is planned at once in the months planned in the county, with the plan’s requirement, and not in the others', async () => {
    // The scheme pays from the month after approval (MONTH_AFTER_APPROVAL): its enrolment begins next month.
    const next = addMonths(today().slice(0, 7), 1);
    const other = await registered(h, w, { birthYear: 1940, village: '321012100002' });
    await enrol(h, w, other, `${today().slice(0, 7)}-01`);
    await ok(h, PLAN_MONTH, { under: '321012', month: next }, w.county);
    expect(await monthOf(w.personId, next)).toMatchObject({ planned: false, requiredVisits: 0 });

    await approvedToday(h, w, w.personId, [w.schemeId]);
    const plan = (await ok(h, PLAN, { person: w.personId, month: next }, w.county)).carePlan;
    expect(await monthOf(w.personId, next)).toMatchObject({ planned: true, requiredVisits: plan.requirement.visitsPerMonth });
    // The month after is planned nowhere: it waits for its plan.
    expect(await monthOf(w.personId, addMonths(next, 1))).toMatchObject({ planned: false });
    // The county's plan of the month finds them already counted.
    const replanned = (await ok(h, PLAN_MONTH, { under: '321012', month: next }, w.county)).planCareMonth;
    expect(replanned.enrolled).toBe(2);
  });
});
