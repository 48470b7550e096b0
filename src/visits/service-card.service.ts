import { createHash, randomBytes } from 'node:crypto';
import { actingRole } from '../access/actor';
import { codeReached, denied, grantFor, type Grant } from '../access/scope';
import { recordReads } from '../audit/audit.service';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { serviceCardRepository, type HomePlaceRow } from './service-card.repository';
import { workOrderRepository } from './work-order.repository';

/** How many random bytes a card's token holds (what its QR code carries, base64url). */
export const CARD_TOKEN_BYTES = 32;
const MAX_TOKEN = 100;

/** The SHA-256 a card's token is stored and compared as. */
export function hashCardToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A card token from a device, or BAD_USER_INPUT naming the field. */
export function parseCardToken(raw: string | null | undefined, field: string): string | null {
  if (raw == null) return null;
  const token = raw.trim();
  if (token.length < 1 || token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) throw new BadUserInputError(field, `must be a card token (1 to ${MAX_TOKEN} base64url characters)`);
  return token;
}

/** A coordinate in range, or BAD_USER_INPUT naming the field. */
export function parseCoordinate(value: number, limit: 90 | 180, field: string): number {
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw new BadUserInputError(field, `must be a number from -${limit} to ${limit}`);
  return value;
}

/** The person `rawId` names when the grant reaches their village: FORBIDDEN otherwise, whether or not they exist. */
export async function personReached(ctx: Context, grant: Grant, rawId: string, field: string) {
  const person = await workOrderRepository.personVillage(ctx.db, parseId(rawId, field, 'a person'));
  if (!person || !codeReached(grant.actor, person.villageCode)) throw denied(text('PERSON_NOT_IN_SCOPE'));
  return person;
}

export interface IssuedCard {
  personId: number;
  /** The token the card's QR code holds: given out once, never stored. */
  token: string;
  issuedAt: Date;
}

export const serviceCardService = {
  /** Records the person's registered place (the home a sign-in's coordinates are compared with): personal data. */
  async setHomePlace(ctx: Context, rawPerson: string, lat: number, lng: number): Promise<HomePlaceRow> {
    const personId = await mutation(ctx, { action: 'person.setHomePlace', capability: Capability.MANAGE_SERVICE_CARDS }, async ({ tx, ctx, grant, target, at }) => {
      target('Person', [rawPerson]);
      const person = await personReached(ctx, grant!, rawPerson, 'person');
      target('Person', [person.id]);
      at(person.villageId);
      const place = { lat: parseCoordinate(lat, 90, 'lat'), lng: parseCoordinate(lng, 180, 'lng') };
      await serviceCardRepository.setHomePlace(tx, person.id, place.lat, place.lng, grant!.actor.userId);
      return person.id;
    });
    const [row] = await serviceCardRepository.homePlaces(ctx.db, [personId]);
    return row;
  },

  /** Issues the person a new service card, replacing the current one: the token is returned this once, only its hash is kept. */
  async issue(ctx: Context, rawPerson: string): Promise<IssuedCard> {
    return mutation(ctx, { action: 'serviceCard.issue', capability: Capability.MANAGE_SERVICE_CARDS }, async ({ tx, ctx, grant, target, at, detail }) => {
      target('Person', [rawPerson]);
      const person = await personReached(ctx, grant!, rawPerson, 'person');
      target('Person', [person.id]);
      at(person.villageId);
      await serviceCardRepository.lockPerson(tx, person.id);
      const token = randomBytes(CARD_TOKEN_BYTES).toString('base64url');
      const card = await serviceCardRepository.issue(tx, person.id, hashCardToken(token), grant!.actor.userId);
      detail({ card: card.id, replaced: card.replaced });
      return { personId: person.id, token, issuedAt: card.issuedAt };
    });
  },

  /** The person's registered place and current card's issue time (READ_PERSONAL_DATA over their village, the read audited as an unmasking); null when none is recorded. */
  async homePlace(ctx: Context, rawPerson: string): Promise<HomePlaceRow | null> {
    const grant = grantFor(ctx, Capability.READ_PERSONAL_DATA);
    const person = await personReached(ctx, grant, rawPerson, 'person');
    const [row] = await serviceCardRepository.homePlaces(ctx.db, [person.id]);
    if (!row) return null;
    const { actor } = grant;
    await recordReads(ctx.db, ctx.requestId, 'person.unmask', { userId: actor.userId, username: actor.username, role: actingRole(actor, Capability.READ_PERSONAL_DATA), clientAddress: ctx.clientAddress }, [
      { jurisdictionId: person.villageId, targetType: 'Person', targetId: String(person.id), detail: { fields: ['homePlace'] } },
    ]);
    return row;
  },
};
