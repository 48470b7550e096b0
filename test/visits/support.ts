import { randomUUID } from 'node:crypto';
import { Role } from '../../src/kernel/actor';
import { addMonths, todayInChina } from '../../src/kernel/dates';
import { createUser, insertCaregiver, insertOrganisation, type TestUser } from '../support/factories';
import type { Harness } from '../support/harness';
import { addDays, caseWorld, ok, type CaseWorld } from '../cases/support';
import { enrol, registered, TEMPLATES, DEFINE } from '../care/support';

export const COUNTY = '321012';
export const TOWN = '321012100';
export const VILLAGE = '321012100001';
export const SIBLING_VILLAGE = '321012100002';
/** 东苑社区's registered home of the tests' recipients (the coordinates are the tests' own). */
export const HOME = { lat: 32.4293, lng: 119.5732 };
/** About 1.1 km north of HOME: beyond any radius the tests set. */
export const FAR = { lat: 32.4393, lng: 119.5732 };
/** How many days an offline device may lag, as the tests' county sets it (a setting: the documents give none). */
export const SYNC_DAYS = 30;

export const ORDER = `id state items serviceClass plannedDay bookedAs agentName serviceDay minutes voidReasons cancelReason redoOf redoneBy version
  recipient { id name phone address } village { code } provider { creditCode name } caregiver { id name workCardNumber }
  checkIn { deviceAt serverAt distanceMetres placeGiven cardScanned } checkOut { deviceAt serverAt distanceMetres placeGiven cardScanned }`;
export const BOOK = `mutation($input: BookWorkOrderInput!) { bookWorkOrder(input: $input) { ${ORDER} } }`;
export const ASSIGN = `mutation($order: ID!, $caregiver: ID!) { assignWorkOrder(order: $order, caregiver: $caregiver) { ${ORDER} } }`;
export const CANCEL = `mutation($order: ID!, $reason: String!) { cancelWorkOrder(order: $order, reason: $reason) { ${ORDER} } }`;
export const REDO = `mutation($order: ID!, $plannedDay: Date) { redoWorkOrder(order: $order, plannedDay: $plannedDay) { ${ORDER} } }`;
export const CHECK_IN = `mutation($input: VisitEventInput!) { checkIn(input: $input) { reasons replayed order { ${ORDER} } } }`;
export const CHECK_OUT = `mutation($input: VisitEventInput!) { checkOut(input: $input) { reasons replayed order { ${ORDER} } } }`;
export const SYNC = `mutation($events: [SyncVisitEventInput!]!) { syncVisits(events: $events) { clientId refusal { code field message } outcome { reasons replayed order { ${ORDER} } } } }`;
export const READ = `query($id: ID!) { workOrder(id: $id) { ${ORDER} } }`;
export const LIST = `query($under: String, $state: WorkOrderState, $from: Date, $until: Date, $caregiver: ID, $provider: String, $first: Int, $after: String) {
  workOrders(under: $under, state: $state, from: $from, until: $until, caregiver: $caregiver, provider: $provider, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${ORDER} } } } }`;
export const SET_HOME = `mutation($person: ID!, $lat: Float!, $lng: Float!) { setHomePlace(person: $person, lat: $lat, lng: $lng) { personId lat lng recordedAt cardIssuedAt } }`;
export const ISSUE_CARD = `mutation($person: ID!) { issueServiceCard(person: $person) { personId token issuedAt } }`;
export const HOME_PLACE = `query($person: ID!) { homePlace(person: $person) { personId lat lng recordedAt cardIssuedAt } }`;
const ADMIT = `mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { id } }`;
const CREATE_CONTRACT = `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`;

export interface VisitWorld extends CaseWorld {
  org: { id: number; creditCode: string; name: string };
  otherOrg: { id: number; creditCode: string; name: string };
  provider: TestUser;
  otherProvider: TestUser;
  caregiverId: number;
  caregiver: TestUser;
  otherCaregiver: TestUser;
  finance: TestUser;
  /** A 失能 hardship recipient of 东苑社区, enrolled from two months before the visits' month, with a home place and a card. */
  recipient: string;
  card: string;
  /** Four days of one month, all past and within SYNC_DAYS of today. */
  days: string[];
}

/**
 * Four days of one month before today: the four days before today when they fall in today's month, else the
 * last four of the month before (at most 9 days ago): both lie within the county's offline days.
 */
export function visitDays(today = todayInChina()): string[] {
  const day = Number(today.slice(8, 10));
  if (day >= 5) return [4, 3, 2, 1].map((n) => addDays(today, -n));
  const lastOfPrevious = addDays(`${today.slice(0, 7)}-01`, -1);
  return [3, 2, 1, 0].map((n) => addDays(lastOfPrevious, -n));
}

/** A moment on `day` in China at `hh:mm`. */
export const at = (day: string, time: string) => new Date(`${day}T${time}:00+08:00`).toISOString();
export const uuid = () => randomUUID();

/**
 * 江都区 (the case world) following the 江都 care rules with offline days raised to SYNC_DAYS; a provider
 * admitted to the district's library and contracted for 仙女镇 from three months before the visits (助餐, 助潔,
 * 生活照料, 精神慰藉 at the low-paid class, an hour a visit); its trained caregiver with an account; a second
 * provider and caregiver; finance; and the recipient.
 */
export async function visitWorld(h: Harness): Promise<VisitWorld> {
  const w = await caseWorld(h, 'JIANGDU');
  const days = visitDays();
  const month = days[0].slice(0, 7);
  const [template] = (await ok(h, TEMPLATES, {}, w.county)).careRulesTemplates;
  await ok(h, DEFINE, { input: { jurisdictionCode: COUNTY, effectiveFrom: '2025-01-01', name: template.name, source: template.source, rules: { ...template.rules, offlineSyncDays: SYNC_DAYS } } }, w.county);
  const org = await insertOrganisation(h.db, 1, '扬州颐和养老服务有限公司');
  const otherOrg = await insertOrganisation(h.db, 2, '江都康宁养老服务有限公司');
  await ok(h, ADMIT, { input: { jurisdictionCode: COUNTY, organisation: { creditCode: org.creditCode, name: org.name } } }, w.county);
  const catalogue = ['MEALS', 'CLEANING', 'PERSONAL_CARE', 'COMPANIONSHIP'].map((item) => ({ item, serviceClass: 'LOW_PAID', unitPriceFen: 3000 }));
  await ok(h, CREATE_CONTRACT, { input: { jurisdictionCode: COUNTY, provider: org.creditCode, area: [TOWN], from: `${addMonths(month, -3)}-01`, catalogue } }, w.county);
  const caregiverId = await insertCaregiver(h.db, org.id, TOWN, 'JD-001', { name: '王芳', phone: '13912345678', trainedOn: '2025-01-01' });
  const otherCaregiverId = await insertCaregiver(h.db, org.id, TOWN, 'JD-002', { trainedOn: '2025-01-01' });
  const recipient = await registered(h, w, { birthYear: 1950, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE', assessedOn: `${addMonths(month, -3)}-01` });
  await h.db.query(`UPDATE person SET phone = '13800001234', address = '仙女镇东苑社区龙川路88号' WHERE id = $1`, [recipient]);
  await enrol(h, w, recipient, `${addMonths(month, -2)}-10`);
  await ok(h, SET_HOME, { person: recipient, ...HOME }, w.worker);
  const card = (await ok(h, ISSUE_CARD, { person: recipient }, w.worker)).issueServiceCard.token;
  return {
    ...w,
    org,
    otherOrg,
    provider: await createUser(h.db, COUNTY, [Role.SERVICE_PROVIDER], 'provider@321012', { organisationId: org.id }),
    otherProvider: await createUser(h.db, COUNTY, [Role.SERVICE_PROVIDER], 'provider-b@321012', { organisationId: otherOrg.id }),
    caregiverId,
    caregiver: await createUser(h.db, TOWN, [Role.CAREGIVER], 'caregiver@321012100', { organisationId: org.id, caregiverId }),
    otherCaregiver: await createUser(h.db, TOWN, [Role.CAREGIVER], 'caregiver-2@321012100', { organisationId: org.id, caregiverId: otherCaregiverId }),
    finance: await createUser(h.db, COUNTY, [Role.FINANCE]),
    recipient,
    card,
    days,
  };
}

/** An order booked by the provider for `person` on `day` and assigned to the world's caregiver (or `caregiverId`). */
export async function assigned(h: Harness, w: VisitWorld, day: string, options: { person?: string; items?: string[]; caregiverId?: number } = {}): Promise<any> {
  const input = { person: options.person ?? w.recipient, provider: w.org.creditCode, items: options.items ?? ['CLEANING'], plannedDay: day, bookedAs: 'PROVIDER' };
  const order = (await ok(h, BOOK, { input }, w.provider)).bookWorkOrder;
  return (await ok(h, ASSIGN, { order: order.id, caregiver: String(options.caregiverId ?? w.caregiverId) }, w.provider)).assignWorkOrder;
}

export interface Visit {
  from: string;
  to: string;
  place?: { lat: number; lng: number } | null;
  card?: string | null;
  user?: TestUser;
}

/** The caregiver signs in at `from` and out at `to` (China times of `day`), at home with the card unless told otherwise; the check-out's outcome. */
export async function visit(h: Harness, w: VisitWorld, orderId: string, day: string, v: Visit): Promise<any> {
  const user = v.user ?? w.caregiver;
  const evidence = { place: v.place === undefined ? HOME : v.place, cardToken: v.card === undefined ? w.card : v.card };
  await ok(h, CHECK_IN, { input: { order: orderId, clientId: uuid(), deviceAt: at(day, v.from), ...evidence } }, user);
  return (await ok(h, CHECK_OUT, { input: { order: orderId, clientId: uuid(), deviceAt: at(day, v.to), ...evidence } }, user)).checkOut;
}
