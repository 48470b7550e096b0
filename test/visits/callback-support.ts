import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import type { Harness } from '../support/harness';
import { createUser, insertCaregiver, insertOrganisation, insertWorkOrder, type TestUser } from '../support/factories';
import type { CaseWorld } from '../cases/support';
import { jiangduRules, registered } from '../care/support';

const seed = (prefix: string) => fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith(prefix))!), 'utf8');
/** Seed 004 (篇四 江都, 篇五 深圳) and seed 003, as the documents are written. */
export const SEED_004 = seed('004');
export const SEED_003 = seed('003');

export const CALLBACK = `id orderId kind drawId serviceDay calledOn reached satisfaction belowStandard note voidedOrder recordedBy`;
export const PROVIDER_CALLBACK = `mutation($order: ID!, $input: CallbackInput!) { recordProviderCallback(order: $order, input: $input) { ${CALLBACK} } }`;
export const ONLINE_CALLBACK = `mutation($order: ID!, $input: CallbackInput!) { recordOnlineCallback(order: $order, input: $input) { ${CALLBACK} } }`;
export const DRAW_FIELDS = `id county { code } day seed percent populationSize populationIds orderIds`;
export const DRAW = `mutation($county: String!, $day: Date!) { drawCallbackSample(county: $county, day: $day) { ${DRAW_FIELDS} } }`;
export const STORED_DRAW = `query($county: String!, $day: Date!) { callbackDraw(county: $county, day: $day) { ${DRAW_FIELDS} } }`;
export const CALLBACKS = `query($order: ID!) { orderCallbacks(order: $order) { ${CALLBACK} } }`;
const FIGURES = `verifiedOrders providerCallbacks providerShare drawnOrders onlineCallbacks onlineShare voidedOnCallback dissatisfied`;
export const RATES = `query($under: String, $from: Date!, $to: Date!) { callbackRates(under: $under, from: $from, to: $to) {
  node { code } from to providerPercentRequired onlinePercentRequired figures { ${FIGURES} } children { node { code } figures { ${FIGURES} } rank } } }`;

export interface CallbackWorld {
  /** SERVICE_PROVIDER of organisation A at the county, and of B. */
  provider: TestUser;
  otherProvider: TestUser;
  /** Civil-affairs staff of the county, who draws and calls back online. */
  countyStaff: TestUser;
  organisationA: number;
  organisationB: number;
  /** A trained caregiver of each organisation, by organisation id. */
  caregivers: Record<number, number>;
  /** A person living in each village of the county's fixture: 东苑, 龙川, 小纪村. */
  people: Record<string, number>;
}

export const VILLAGES = ['321012100001', '321012100002', '321012101200'];

/** The county follows the 江都 care rules (100 % and 10 % call-backs, 5 % spot checks), with two providers, their caregivers and three people. */
export async function callbackWorld(h: Harness, w: CaseWorld): Promise<CallbackWorld> {
  await jiangduRules(h, w.county);
  const a = await insertOrganisation(h.db, 1, '扬州颐和养老服务有限公司');
  const b = await insertOrganisation(h.db, 2, '江都康宁养老服务有限公司');
  const people: Record<string, number> = {};
  for (const village of VILLAGES) people[village] = Number(await registered(h, w, { birthYear: 1940, village }));
  return {
    provider: await createUser(h.db, '321012', [Role.SERVICE_PROVIDER], 'provider-a@321012', { organisationId: a.id }),
    otherProvider: await createUser(h.db, '321012', [Role.SERVICE_PROVIDER], 'provider-b@321012', { organisationId: b.id }),
    countyStaff: await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]),
    organisationA: a.id,
    organisationB: b.id,
    caregivers: {
      [a.id]: await insertCaregiver(h.db, a.id, '321012', 'A-1', { trainedOn: '2024-01-01' }),
      [b.id]: await insertCaregiver(h.db, b.id, '321012', 'B-1', { trainedOn: '2024-01-01' }),
    },
    people,
  };
}

/** A visit verified (or void with `voidReasons`) on `day` for the person, by organisation `organisationId`. */
export function visitOn(h: Harness, cw: CallbackWorld, personId: number, organisationId: number, day: string, voidReasons: string[] = []): Promise<number> {
  return insertWorkOrder(h.db, {
    personId,
    organisationId,
    caregiverId: cw.caregivers[organisationId],
    plannedDay: day,
    visit: { checkInAt: `${day}T09:00:00+08:00`, checkOutAt: `${day}T10:05:00+08:00`, serviceDay: day, voidReasons },
  });
}
