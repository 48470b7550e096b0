import fs from 'node:fs';
import path from 'node:path';
import { addMonths } from '../../src/kernel/dates';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';
import { addDays, caseWorld, ok, today, type CaseWorld } from '../cases/support';
import { DEFINE, DOCUMENT_MINIMUMS, enrol, IN_FORCE, jiangduRules, PLAN, PLANS, registered, TEMPLATES } from './support';

// Care rules and monthly care plans (服务频次). The rules are seed 004's: 篇四 (江都) for the frequency,
// length, items, make-up and call-backs; 篇二 (松岗) for the service classes; 篇五 (深圳) for the
// community's quarterly spot checks.
const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');
const quoted = (quote: string) => expect(SEED_004).toContain(quote);

let w: CaseWorld;
const thisMonth = () => today().slice(0, 7);
const YEAR = () => Number(today().slice(0, 4));
/** Born on 1 March of a year that makes them `age` at the end of this month or older (at most one more). */
const bornFor = (age: number) => YEAR() - age - 1;

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
});

async function planOf(recipient: Parameters<typeof registered>[2], month = thisMonth()) {
  const id = await registered(h, w, recipient);
  await enrol(h, w, id, addDays(`${addMonths(month, -1)}-01`, 0));
  return { id, plan: (await ok(h, PLAN, { person: id, month }, w.county)).carePlan };
}

describe('the 江都 template', () => {
  it('quotes its sources word for word from seed 004 and sets what the documents say', async () => {
    const [template] = (await ok(h, TEMPLATES, {}, w.worker)).careRulesTemplates;
    expect(template.key).toBe('JIANGDU');
    const quotes = [...template.source.matchAll(/「([^」]+)」/g)].map((m) => m[1]);
    expect(quotes.length).toBeGreaterThanOrEqual(8);
    for (const quote of quotes) quoted(quote);
    const rules = template.rules;
    // «每次服務時長不低於1小時» · «服務對象每人每年服務項目不得少於3個以上» · «可在下月補增服務時間和次數».
    expect([rules.minMinutesPerVisit, rules.distinctItemsPerYear, rules.makeUpNextMonth]).toEqual([60, 3, true]);
    // «各服務商要對日工單進行100%回訪» · «線上回訪率不低於日工單的10%» · 深圳 «不少於本轄區補助總人數的5%以上».
    quoted('各服務商要對日工單進行100%回訪');
    quoted('線上回訪率不低於日工單的10%');
    quoted('不少於本轄區補助總人數的5%以上');
    expect([rules.providerCallbackPercent, rules.onlineCallbackPercent, rules.communityCheckPercent]).toEqual([100, 10, 5]);
    // Not from the documents: the stated defaults.
    expect([rules.checkInRadiusMetres, rules.offlineSyncDays, rules.sharedServiceAreas]).toEqual([300, 7, false]);
    expect(template.settings).toContain('not from the documents');
  });
});

describe('a recipient’s monthly requirement (seed 004 篇四 服務頻次監管)', () => {
  it('asks 4 visits of a 失能 hardship recipient, 2 of a 半失能 one, 1 of a 自理 one, and 1 of an 80+ recipient', async () => {
    await jiangduRules(h, w.county);
    quoted('困難老人中自理老人每月不少於1次、半失能老人每月不少於2次、失能老人每月不少於4次');
    quoted('原則上高齡老人上門服務每月不少於1次');
    const hardship = { birthYear: bornFor(70), categories: ['MINIMUM_LIVING_ALLOWANCE'] };
    const cases: [string, Parameters<typeof registered>[2], number, string][] = [
      // 「失能(重度失能)」
      ['失能', { ...hardship, ability: 'SEVERE' }, 4, '困難老人·失能'],
      // 「半失能(輕度失能和中度失能)」
      ['半失能 (中度)', { ...hardship, ability: 'MODERATE' }, 2, '困難老人·半失能'],
      ['半失能 (輕度)', { ...hardship, ability: 'MILD' }, 2, '困難老人·半失能'],
      // 「自理(能力完好)」
      ['自理', { ...hardship, ability: 'INTACT' }, 1, '困難老人·自理'],
      // 「空巢獨居老人」 are 困難老人 too.
      ['空巢 失能', { birthYear: bornFor(70), livingSituations: ['EMPTY_NEST'], ability: 'SEVERE' }, 4, '空巢獨居老人·失能'],
      // 「年滿80週歲及以上」, whatever the assessment.
      ['80+', { birthYear: bornFor(80), ability: 'INTACT' }, 1, '高齡老人'],
      ['80+ not assessed', { birthYear: bornFor(80) }, 1, '高齡老人'],
      // Neither hardship nor 80: no visits required.
      ['70, no category', { birthYear: bornFor(70), ability: 'SEVERE' }, 0, ''],
    ];
    for (const [label, recipient, visits, rule] of cases) {
      const { plan } = await planOf(recipient);
      expect([label, plan.requirement.visitsPerMonth, plan.requirement.visitRule?.name ?? '']).toEqual([label, visits, rule]);
      // «每次服務時長不低於1小時» · «服務對象每人每年服務項目不得少於3個以上»
      expect(plan.requirement).toMatchObject({ minMinutesPerVisit: 60, distinctItemsPerYear: 3, makeUpNextMonth: true });
    }
  });

  it('takes the highest matching rule, and says why: age on the month’s last day, categories, the assessment in force', async () => {
    await jiangduRules(h, w.county);
    // An 80+ 失能 hardship recipient matches 高齡老人 (1) and 困難老人·失能 (4): the requirement is 4.
    const { plan } = await planOf({ birthYear: bornFor(80), categories: ['EXTREME_POVERTY_DISPERSED'], ability: 'SEVERE' });
    const day = plan.requirement.referenceDay;
    expect(day.slice(0, 7)).toBe(thisMonth());
    expect(plan.requirement).toMatchObject({ visitsPerMonth: 4, visitRule: { name: '困難老人·失能' }, categories: ['EXTREME_POVERTY_DISPERSED'], ability: 'SEVERE' });
    expect(plan.requirement.why).toEqual([
      `age ${plan.requirement.age} on ${day} is at least 60`,
      'holds EXTREME_POVERTY_DISPERSED',
      expect.stringMatching(/^assessed SEVERE on \d{4}-\d{2}-\d{2}, valid until \d{4}-\d{2}-\d{2}$/),
    ]);
    expect(plan.requirement.age).toBeGreaterThanOrEqual(80);
  });

  it('reads only the assessment in force on the month’s last day: after its validUntil the ability rules no longer match', async () => {
    await jiangduRules(h, w.county);
    // Assessed 失能 on 2025-01-10 for 6 months: valid until 2025-07-10.
    const id = await registered(h, w, { birthYear: bornFor(82), categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE', assessedOn: '2025-01-10', validMonths: 6 });
    await enrol(h, w, id, '2025-01-15');
    const month = async (m: string) => (await ok(h, PLAN, { person: id, month: m }, w.worker)).carePlan.requirement;
    expect(await month('2025-06')).toMatchObject({ ability: 'SEVERE', visitsPerMonth: 4, visitRule: { name: '困難老人·失能' } });
    // July's last day is past the validUntil: not assessed, so only 「高齡老人上門服務每月不少於1次」 applies.
    expect(await month('2025-07')).toMatchObject({ ability: null, visitsPerMonth: 1, visitRule: { name: '高齡老人' } });
  });

  it('gives a 三無 elder the FREE class, an 80+ elder LOW_PAID and anyone else PAID (seed 004 篇二 松岗)', async () => {
    await jiangduRules(h, w.county);
    quoted('無償服務的對象為具有鬆崗户籍的“三無”老人;低償服務的對象為具有鬆崗户籍的高齡老人、特殊羣體老人;有償服務的對象為有經濟來源並需要居家養老服務的老人');
    const free = (await planOf({ birthYear: bornFor(85), categories: ['THREE_NOS'], ability: 'INTACT' })).plan.requirement;
    // 三無 and 80+: the most favourable class, FREE.
    expect([free.serviceClass, free.classRule.name]).toEqual(['FREE', '“三無”老人']);
    const old = (await planOf({ birthYear: bornFor(82) })).plan.requirement;
    expect([old.serviceClass, old.classRule.name]).toEqual(['LOW_PAID', '高齡老人']);
    const paid = (await planOf({ birthYear: bornFor(65), livingSituations: ['ALONE'], ability: 'MILD' })).plan.requirement;
    expect([paid.serviceClass, paid.classRule, paid.visitsPerMonth]).toEqual(['PAID', null, 2]);
  });

  it('ends with the enrolment: a recipient who died has no requirement from the month after the last one served', async () => {
    await jiangduRules(h, w.county);
    quoted('對於服務對象中出現遷離、去世或其他原因不再享受政府購買服務補貼時');
    const id = await registered(h, w, { birthYear: bornFor(70), categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE', assessedOn: '2025-01-10' });
    await enrol(h, w, id, '2025-01-15');
    expect((await ok(h, PLAN, { person: id, month: thisMonth() }, w.worker)).carePlan.requirement.visitsPerMonth).toBe(4);
    await ok(h, `mutation($id: ID!) { recordPersonStatus(id: $id, status: DECEASED) { id } }`, { id }, w.worker);
    const [{ until }] = await h.db.query(`SELECT to_char(until_month, 'YYYY-MM') AS until FROM enrolment WHERE person_id = $1`, [id]);
    // The scheme stops in the month of the event (STOP_IN_MONTH_OF_EVENT): the month before is the last.
    expect(until).toBe(addMonths(thisMonth(), -1));
    expect((await ok(h, PLAN, { person: id, month: until }, w.worker)).carePlan.requirement.visitsPerMonth).toBe(4);
    expect((await ok(h, PLAN, { person: id, month: addMonths(until, 1) }, w.worker)).carePlan).toBeNull();
    expect((await ok(h, PLANS, { month: addMonths(until, 1) }, w.worker)).carePlans.totalCount).toBe(0);
  });

  it('has no requirement before the enrolment, and names the recipient with the national ID masked', async () => {
    await jiangduRules(h, w.county);
    const id = await registered(h, w, { birthYear: bornFor(80) });
    expect((await ok(h, PLAN, { person: id, month: thisMonth() }, w.worker)).carePlan).toBeNull();
    await enrol(h, w, id, `${addMonths(thisMonth(), -1)}-05`);
    const plan = (await ok(h, PLAN, { person: id, month: thisMonth() }, w.worker)).carePlan;
    expect(plan.recipient.nationalId).toBe(`3${'*'.repeat(17)}`);
    expect(plan.village.code).toBe('321012100001');
  });
});

describe('rules down the tree', () => {
  const TOWN_RULES = {
    visitRules: [
      { name: '高齡老人', minAge: 80, visitsPerMonth: 2 },
      { name: '困難老人·失能', minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE', 'EXTREME_POVERTY_DISPERSED', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'], abilities: ['SEVERE', 'DEMENTIA'], visitsPerMonth: 6 },
      { name: '困難老人·半失能', minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE', 'EXTREME_POVERTY_DISPERSED', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'], abilities: ['MILD', 'MODERATE'], visitsPerMonth: 2 },
      { name: '困難老人·自理', minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE', 'EXTREME_POVERTY_DISPERSED', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'], abilities: ['INTACT'], visitsPerMonth: 1 },
      { name: '空巢獨居老人', minAge: 60, livingSituationsAny: ['EMPTY_NEST', 'ALONE'], visitsPerMonth: 4 },
    ],
    minMinutesPerVisit: 90,
    distinctItemsPerYear: 4,
    makeUpNextMonth: true,
    classRules: [{ name: '“三無”老人', serviceClass: 'FREE', categoriesAny: ['THREE_NOS'] }],
    providerCallbackPercent: 100,
    onlineCallbackPercent: 20,
    communityCheckPercent: 10,
    checkInRadiusMetres: 150,
  };
  const defineTown = (rules: Record<string, unknown>, effectiveFrom = '2025-06-01') =>
    h.gql(DEFINE, { input: { jurisdictionCode: '321012100', effectiveFrom, name: '仙女镇上门服务规则', source: '仙女镇 (test)', rules } }, w.county.token);

  it('lets a town’s stricter rules win below it, and answers which level the rules in force come from', async () => {
    const county = await jiangduRules(h, w.county);
    const town = await defineTown(TOWN_RULES);
    expect(town.errors).toBeUndefined();
    const townRules = town.data.defineCareRules;
    const at = async (code: string, on: string) => (await ok(h, IN_FORCE, { at: code, on }, w.worker)).careRules;
    expect(await at('321012100001', '2025-05-31')).toMatchObject({ inherited: true, rules: { id: county.id, jurisdiction: { code: '321012', level: 'COUNTY' }, template: 'JIANGDU' } });
    expect(await at('321012100001', '2025-06-01')).toMatchObject({ inherited: true, rules: { id: townRules.id, jurisdiction: { code: '321012100', level: 'TOWN' }, source: '仙女镇 (test)' } });
    expect((await ok(h, IN_FORCE, { at: '321012', on: '2025-06-01' }, w.county)).careRules).toMatchObject({ inherited: false, rules: { id: county.id } });
    expect((await ok(h, IN_FORCE, { at: '321012', on: '2024-12-31' }, w.county)).careRules).toBeNull();
    // The undocumented settings left out take their defaults.
    expect(townRules.rules).toMatchObject({ checkInRadiusMetres: 150, offlineSyncDays: 7, sharedServiceAreas: false });

    // A 失能 hardship recipient in the town: 6 visits of 90 minutes; in the other town, the county’s 4 of 60.
    const inTown = (await planOf({ birthYear: bornFor(70), categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE' })).plan;
    expect(inTown.rules.jurisdiction.code).toBe('321012100');
    expect(inTown.requirement).toMatchObject({ visitsPerMonth: 6, minMinutesPerVisit: 90, distinctItemsPerYear: 4 });
    const elsewhere = (await planOf({ birthYear: bornFor(70), categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE', village: '321012101200' })).plan;
    expect(elsewhere.rules.jurisdiction.code).toBe('321012');
    expect(elsewhere.requirement).toMatchObject({ visitsPerMonth: 4, minMinutesPerVisit: 60 });
  });

  it('refuses a town’s rules that ask less than the county’s minimums, naming the field and whom they short (nothing written)', async () => {
    await jiangduRules(h, w.county);
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      // 「每次服務時長不低於1小時」: a town may not shorten it.
      [{ ...TOWN_RULES, minMinutesPerVisit: 45 }, 'input.rules.minMinutesPerVisit', /at least 60/],
      // 「線上回訪率不低於日工單的10%」
      [{ ...TOWN_RULES, onlineCallbackPercent: 5 }, 'input.rules.onlineCallbackPercent', /at least 10/],
      [{ ...TOWN_RULES, makeUpNextMonth: false }, 'input.rules.makeUpNextMonth', /made up/],
      // Without its 半失能 rule, a 半失能 hardship recipient would get 0 visits, not 2.
      [{ ...TOWN_RULES, visitRules: TOWN_RULES.visitRules.filter((r) => r.name !== '困難老人·半失能') }, 'input.rules.visitRules', /ask 0 visits.*MILD.*fewer than the 2 of 江都区’s rule 困難老人·半失能/],
    ];
    for (const [rules, field, message] of refusals) {
      const res = await defineTown(rules);
      expect([errorCodes(res), res.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], field]);
      expect(res.errors?.[0].message).toMatch(message);
    }
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM care_rules`))[0].n)).toBe(1);
  });
});

describe('defining rules', () => {
  it('answers BAD_USER_INPUT naming the field for rules that cannot be, and writes nothing', async () => {
    const base = { name: '规则', source: '测试', effectiveFrom: '2025-01-01', jurisdictionCode: '321012' };
    const rules = { visitRules: [{ name: '高齡老人', minAge: 80, visitsPerMonth: 1 }], ...DOCUMENT_MINIMUMS };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, rules: { ...rules, visitRules: [{ name: '高齡老人', minAge: 80, visitsPerMonth: -1 }] } }, 'input.rules.visitRules[0].visitsPerMonth'],
      [{ ...base, rules: { ...rules, visitRules: [] } }, 'input.rules.visitRules'],
      [{ ...base, rules: { ...rules, checkInRadiusMetres: 0 } }, 'input.rules.checkInRadiusMetres'],
      [{ ...base, rules: { ...rules, onlineCallbackPercent: 101 } }, 'input.rules.onlineCallbackPercent'],
      [{ ...base, rules: { ...rules, distinctItemsPerYear: 7 } }, 'input.rules.distinctItemsPerYear'],
      [{ ...base, rules: { ...rules, visitRules: [{ name: '重複', categoriesAny: ['THREE_NOS', 'THREE_NOS'], visitsPerMonth: 1 }] } }, 'input.rules.visitRules[0].categoriesAny'],
      [{ ...base, rules: { ...rules, visitRules: [{ name: ' ', visitsPerMonth: 1 }] } }, 'input.rules.visitRules[0].name'],
      [{ ...base, rules, effectiveTo: '2024-12-31' }, 'input.effectiveTo'],
      [{ ...base, rules, fromTemplate: 'JIANGDU' }, 'input.rules'],
      [{ ...base, fromTemplate: 'NOPE', source: undefined }, 'input.fromTemplate'],
      [{ ...base, source: undefined, rules }, 'input.source'],
    ];
    for (const [input, field] of cases) {
      const res = await h.gql(DEFINE, { input }, w.county.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM care_rules`))[0].n)).toBe(0);
  });

  it('ends the version in force the day before a new one, and refuses one on or before the latest version’s first day (CONFLICT)', async () => {
    const first = await jiangduRules(h, w.county);
    const from = addDays(today(), 10);
    const next = (await ok(h, DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: 'JIANGDU', name: '江都區新規則' } }, w.county)).defineCareRules;
    expect(next).toMatchObject({ effectiveFrom: from, effectiveTo: null, name: '江都區新規則' });
    expect((await ok(h, IN_FORCE, { at: '321012', on: addDays(from, -1) }, w.county)).careRules.rules).toMatchObject({ id: first.id, effectiveTo: addDays(from, -1) });
    const again = await h.gql(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: 'JIANGDU' } }, w.county.token);
    expect([errorCodes(again), again.errors?.[0].extensions.field]).toEqual([['CONFLICT'], 'input.effectiveFrom']);
    // Once a node has rules, a new version starts today or later: the past is not rewritten.
    const past = await h.gql(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-03-01', fromTemplate: 'JIANGDU' } }, w.county.token);
    expect([errorCodes(past), past.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'input.effectiveFrom']);
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM care_rules`))[0].n)).toBe(2);
  });
});

describe('carePlans(under, month)', () => {
  it('lists the enrolled recipients at or below a node by id in keyset pages, in the same number of statements for 2 or 7', async () => {
    await jiangduRules(h, w.county);
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const id = await registered(h, w, { birthYear: bornFor(80 + i), village: i % 2 ? '321012100001' : '321012100002' });
      await enrol(h, w, id, '2025-01-10');
      ids.push(id);
    }
    // Not enrolled: not listed.
    await registered(h, w, { birthYear: bornFor(85) });
    const first = (await ok(h, PLANS, { under: '321012', month: thisMonth(), first: 3 }, w.leadership)).carePlans;
    expect(first.totalCount).toBe(8);
    expect(first.edges.map((e: any) => e.node.recipient.id)).toEqual(ids.slice(0, 3));
    const rest = (await ok(h, PLANS, { under: '321012', month: thisMonth(), first: 10, after: first.pageInfo.endCursor }, w.leadership)).carePlans;
    expect([rest.edges.map((e: any) => e.node.recipient.id), rest.pageInfo.hasNextPage]).toEqual([ids.slice(3), false]);
    // A village worker sees their village's recipients only.
    const village = (await ok(h, PLANS, { month: thisMonth(), first: 50 }, w.worker)).carePlans;
    expect(village.edges.map((e: any) => e.node.recipient.id)).toEqual(ids.filter((_, i) => i % 2));

    await h.gql(PLANS, { month: thisMonth(), first: 1 }, w.townStaff.token);
    const counts: number[] = [];
    for (const size of [2, 7]) {
      await forgetCaches(h);
      const res = await h.gql(PLANS, { month: thisMonth(), first: size }, w.townStaff.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.carePlans.edges).toHaveLength(size);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[0]).toBe(counts[1]);
  });

  it('refuses a person or a node out of reach the same way whether or not it exists, and the analyst everything', async () => {
    await jiangduRules(h, w.county);
    const id = await registered(h, w, { birthYear: bornFor(80) });
    await enrol(h, w, id, '2025-01-10');
    const sibling = await h.gql(PLAN, { person: id, month: thisMonth() }, w.siblingWorker.token);
    const missing = await h.gql(PLAN, { person: '99999', month: thisMonth() }, w.siblingWorker.token);
    expect(errorCodes(sibling)).toEqual(['FORBIDDEN']);
    expect([errorCodes(missing), missing.errors?.[0].message]).toEqual([['FORBIDDEN'], sibling.errors?.[0].message]);
    expect(errorCodes(await h.gql(PLANS, { month: thisMonth(), under: '321023' }, w.worker.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(PLAN, { person: id, month: thisMonth() }, w.analyst.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(IN_FORCE, { at: '321012' }, w.analyst.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(IN_FORCE, { at: '321023' }, w.worker.token))).toEqual(['FORBIDDEN']);
  });
});
