import type { DataSource } from 'typeorm';
import { insertCaregiver, insertOrganisation, insertWorkOrder } from '../support/factories';

export const FIGURES = `jurisdiction { code } month basis closed recipients recipientsMet metShare requiredVisits makeUpVisits
  verifiedVisits verifiedMinutes verifiedHours voidOrders voidRate rank rankedAmong`;
export const COMPLIANCE = `query($at: String!, $month: Month!, $live: Boolean) {
  careCompliance(at: $at, month: $month, live: $live) { ${FIGURES} children { ${FIGURES} } } }`;
export const RECIPIENT_MONTH = `query($person: ID!, $month: Month!, $live: Boolean) {
  recipientCareMonth(person: $person, month: $month, live: $live) { personId villageCode month basis planned requiredVisits makeUpOwed
    verifiedVisits verifiedMinutes voidOrders met shortfall makeUpAllowed madeUpNextMonth distinctItemsThisYear visits { orderId serviceDay minutes } } }`;
const RUN = `jurisdiction { code } month enrolled requiredVisits makeUpVisits closed`;
export const PLAN_MONTH = `mutation($under: String!, $month: Month!) { planCareMonth(under: $under, month: $month) { ${RUN} } }`;
export const CLOSE_MONTH = `mutation($under: String!, $month: Month!, $reclose: Boolean) { closeCareMonth(under: $under, month: $month, reclose: $reclose) { ${RUN} } }`;

/** A provider with one trained caregiver at the village, to write orders for. */
export async function visitingProvider(db: DataSource, village: string, n = 1): Promise<{ organisationId: number; caregiverId: number }> {
  const organisation = await insertOrganisation(db, 500 + n);
  const caregiverId = await insertCaregiver(db, organisation.id, village, `GH${String(n).padStart(4, '0')}`, { trainedOn: '2024-01-01' });
  return { organisationId: organisation.id, caregiverId };
}

/** A visit decided on `day` (09:00 China time, lasting `minutes`): VERIFIED, or VOID with the reasons. */
export async function visit(
  db: DataSource,
  provider: { organisationId: number; caregiverId: number },
  personId: number | string,
  day: string,
  options: { minutes?: number; items?: string[]; voidReasons?: string[] } = {},
): Promise<number> {
  const start = new Date(`${day}T09:00:00+08:00`);
  const end = new Date(start.getTime() + (options.minutes ?? 60) * 60_000);
  return insertWorkOrder(db, {
    personId: Number(personId),
    organisationId: provider.organisationId,
    caregiverId: provider.caregiverId,
    items: options.items,
    plannedDay: day,
    visit: { checkInAt: start.toISOString(), checkOutAt: end.toISOString(), serviceDay: day, voidReasons: options.voidReasons },
  });
}
