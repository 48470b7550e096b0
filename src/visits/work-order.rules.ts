import { actingRole } from '../access/actor';
import type { Grant } from '../access/scope';
import { ServiceItem } from '../care/care-kinds';
import { maskPhone } from '../elderly/national-id';
import { maskAddress } from '../elderly/person.service';
import { Capability } from '../kernel/actor';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { text } from '../kernel/messages';
import { parseCoordinate } from './service-card.service';
import type { Place } from './verification.rules';
import type { PlaceInput } from './work-order.inputs';
import type { WorkOrderRow, WorkOrderState } from './work-order.repository';

// What work orders check of their input and show of their recipients, apart from the services that read and write them.

export const NOT_IN_SCOPE = { denial: text('WORK_ORDER_NOT_IN_SCOPE') };
/** How far ahead of the server's clock a device's may run (a setting: the documents are silent). */
export const DEVICE_CLOCK_LEAD_MINUTES = 10;
/** How many events an offline batch may carry. */
export const MAX_SYNC_EVENTS = 100;
export const MAX_AGENT_NAME = 50;
export const MAX_CANCEL_REASON = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MINUTE_MS = 60_000;

const maskName = (name: string) => `${[...name][0] ?? ''}${'*'.repeat(Math.max([...name].length - 1, 1))}`;

// What of the recipient the caller sees: the provider and the caregiver of the order everything the visit
// needs; whoever reads people the name (phone and address masked: the person record unmasks them, audited);
// anyone else (finance, the leadership office) a masked name only.
export function shown(grant: Grant, row: WorkOrderRow): WorkOrderRow {
  if (grant.organisationId !== null || grant.caregiverId !== null) return row;
  const { recipient } = row;
  if (actingRole(grant.actor, Capability.READ_PEOPLE) !== null) {
    return { ...row, recipient: { ...recipient, phone: recipient.phone && maskPhone(recipient.phone), address: recipient.address && maskAddress(recipient.address) } };
  }
  return { ...row, recipient: { id: recipient.id, name: maskName(recipient.name), phone: null, address: null } };
}

export function parseItems(items: readonly ServiceItem[], field: string): ServiceItem[] {
  const order = Object.values(ServiceItem);
  const unique = order.filter((item) => items.includes(item));
  if (unique.length < 1) throw new BadUserInputError(field, `must name from 1 to ${order.length} service items`);
  return unique;
}

export function parseClientId(raw: string, field: string): string {
  const id = raw.trim().toLowerCase();
  if (!UUID.test(id)) throw new BadUserInputError(field, 'must be a UUID');
  return id;
}

export function parseDeviceAt(at: Date, field: string): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new BadUserInputError(field, 'must be a moment');
  if (at.getTime() > Date.now() + DEVICE_CLOCK_LEAD_MINUTES * MINUTE_MS) throw new BadUserInputError(field, `must not be more than ${DEVICE_CLOCK_LEAD_MINUTES} minutes ahead of the server’s clock`);
  if (todayInChina(at) < '2000-01-01') throw new BadUserInputError(field, 'must not be before 2000');
  return at;
}

export function parsePlace(place: PlaceInput | null | undefined, field: string): Place | null {
  if (place == null) return null;
  return { lat: parseCoordinate(place.lat, 90, `${field}.lat`), lng: parseCoordinate(place.lng, 180, `${field}.lng`) };
}

/** CONFLICT naming `field` unless the order is in one of the states. */
export function requireState(order: WorkOrderRow, states: readonly WorkOrderState[], field: string): void {
  if (!states.includes(order.state)) throw new ConflictError(`the work order is ${order.state}, not ${states.join(' or ')}`, field);
}

