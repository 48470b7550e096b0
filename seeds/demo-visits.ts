import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ServiceItem } from '../src/care/care-kinds';
import { complianceService } from '../src/compliance/compliance.service';
import { thisMonthInChina, todayInChina } from '../src/kernel/dates';
import { callbackService } from '../src/visits/callback.service';
import { Satisfaction } from '../src/visits/callback.rules';
import { CheckedMaterial, OversightKind, OversightPurpose } from '../src/visits/oversight.rules';
import { oversightService } from '../src/visits/oversight.service';
import { serviceCardService } from '../src/visits/service-card.service';
import { visitService } from '../src/visits/work-order.visits';
import { workOrderService } from '../src/visits/work-order.service';
import { WorkOrderBooker } from '../src/visits/work-order.types';
import { DEMO_SUBSIDY_TOWN } from './demo-facility-subsidies';
import { DEMO_PROVIDER } from './demo-providers';
import { actingAs } from './demo-targets';

/** The town whose recipients the demo visits: 仙女镇, which the demo contract serves and the demo civil-affairs staff works in. */
export const DEMO_VISIT_TOWN = DEMO_SUBSIDY_TOWN;

/** The demo's registered place of each visited home: made-up coordinates in 仙女镇, not anyone's address. */
const DEMO_HOME = { lat: 32.4293, lng: 119.5732 };

/**
 * The visits of the days before the demo was loaded, as 江都区 runs them (seed 004 篇四): the provider books
 * and assigns, the caregiver scans the recipient's card at the door and signs in and out
 * («服務前掃二維碼簽入,服務結束後簽出»), a 40-minute visit is VOID and redone («每次服務時長不低於1小時»,
 * «對服務質態及時長不符合規範的,均作廢單處理,通知服務人員重新提供服務»), the provider calls back every verified order
 * («各服務商要對日工單進行100%回訪»), and the village worker spot-checks one recipient's agreement and service
 * records (seed 004 篇五 «抽查服務協議、服務記錄本»): the town's civil-affairs staff registers the homes and
 * issues the cards, makes the spot check, and plans the town's month. Each day is one of the four before today, within the offline
 * days the 江都 template allows. Through the services, as each demo user would. Returns the orders made.
 */
export async function seedDemoVisits(dataSource: DataSource, users: { townStaff: string; provider: string; caregiver: string }): Promise<number> {
  const [staff, provider, caregiver] = await Promise.all([actingAs(dataSource, users.townStaff), actingAs(dataSource, users.provider), actingAs(dataSource, users.caregiver)]);
  const today = todayInChina();
  const day = (back: number) => todayInChina(new Date(Date.parse(`${today}T12:00:00+08:00`) - back * 86_400_000));
  // Three recipients of the town enrolled in each of the days' months.
  const recipients: { id: number }[] = await dataSource.query(
    `SELECT p.id FROM person p JOIN jurisdiction v ON v.id = p.village_id
     WHERE v.code LIKE $1 || '%' AND p.status = 'ACTIVE' AND EXISTS (SELECT 1 FROM enrolment e WHERE e.person_id = p.id
       AND e.from_month <= date_trunc('month', $2::date) AND (e.until_month IS NULL OR e.until_month >= date_trunc('month', $3::date)))
     ORDER BY p.id LIMIT 3`,
    [DEMO_VISIT_TOWN, day(4), today],
  );
  const cards = new Map<number, string>();
  for (const { id } of recipients) {
    await serviceCardService.setHomePlace(staff, String(id), DEMO_HOME.lat, DEMO_HOME.lng);
    cards.set(id, (await serviceCardService.issue(staff, String(id))).token);
  }
  const caregiverId = String(caregiver.actor!.caregiverId);
  const visit = async (orderId: string, personId: number, on: string, from: string, to: string) => {
    const evidence = { place: DEMO_HOME, cardToken: cards.get(personId)! };
    await visitService.checkIn(caregiver, { order: orderId, clientId: randomUUID(), deviceAt: new Date(`${on}T${from}:00+08:00`), ...evidence });
    return visitService.checkOut(caregiver, { order: orderId, clientId: randomUUID(), deviceAt: new Date(`${on}T${to}:00+08:00`), ...evidence });
  };
  const book = async (personId: number, on: string, items: ServiceItem[]) => {
    const order = await workOrderService.book(provider, { person: String(personId), provider: DEMO_PROVIDER.creditCode, items, plannedDay: on, bookedAs: WorkOrderBooker.PROVIDER });
    return (await workOrderService.assign(provider, String(order.id), caregiverId)).id;
  };
  const plan: { person: number; on: string; items: ServiceItem[]; from: string; to: string }[] = [];
  const [first, second, third] = recipients.map((r) => r.id);
  if (first) plan.push({ person: first, on: day(4), items: [ServiceItem.CLEANING], from: '09:00', to: '10:05' }, { person: first, on: day(2), items: [ServiceItem.PERSONAL_CARE], from: '09:00', to: '10:10' });
  if (third) plan.push({ person: third, on: day(1), items: [ServiceItem.COMPANIONSHIP], from: '09:30', to: '10:40' });
  let orders = 0;
  const verified: string[] = [];
  for (const p of plan) {
    const id = String(await book(p.person, p.on, p.items));
    orders += 1;
    if ((await visit(id, p.person, p.on, p.from, p.to)).order.state === 'VERIFIED') verified.push(id);
  }
  if (second) {
    // Forty minutes: VOID (SHORTER_THAN_MINIMUM), then redone the next day for the full hour.
    const short = String(await book(second, day(3), [ServiceItem.MEALS, ServiceItem.CLEANING]));
    await visit(short, second, day(3), '14:00', '14:40');
    const redo = String((await workOrderService.redo(provider, short, day(1))).id);
    orders += 2;
    if ((await visit(redo, second, day(1), '14:00', '15:05')).order.state === 'VERIFIED') verified.push(redo);
  }
  for (const [i, id] of verified.entries()) {
    await callbackService.recordProvider(provider, id, { reached: true, satisfaction: i % 2 === 0 ? Satisfaction.SATISFIED : Satisfaction.BASIC, calledOn: today });
  }
  if (first) {
    await oversightService.record(staff, {
      personId: String(first),
      kind: OversightKind.HOME_VISIT,
      purpose: OversightPurpose.SPOT_CHECK,
      visitedOn: today,
      checked: [CheckedMaterial.SERVICE_AGREEMENT, CheckedMaterial.SERVICE_RECORDS],
      findings: '服務協議在冊，服務記錄本與平台工單一致',
      falsificationSuspected: false,
      record: '鎮民政入户抽查：老人確認兩次上門服務，時長與記錄相符。',
    });
  }
  // The town plans this month, so that its compliance board counts its recipients against their plans.
  await complianceService.plan(staff, DEMO_VISIT_TOWN, thisMonthInChina());
  return orders;
}
