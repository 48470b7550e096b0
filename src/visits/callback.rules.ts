import { createHash, randomBytes } from 'node:crypto';
import { registerEnumType } from 'type-graphql';

/** Who calls an order back: its provider («各服務商要對日工單進行100%回訪»), or the county online («線上回訪率不低於日工單的10%»). */
export enum CallbackKind {
  PROVIDER = 'PROVIDER',
  ONLINE = 'ONLINE',
}

/** The recipient's answer (滿意度回訪, seed 004 篇四). Three grades: the documents name satisfaction, not its scale. */
export enum Satisfaction {
  SATISFIED = 'SATISFIED',
  BASIC = 'BASIC',
  DISSATISFIED = 'DISSATISFIED',
}

registerEnumType(CallbackKind, {
  name: 'CallbackKind',
  description: 'Who called an order back.',
  valuesConfig: {
    PROVIDER: { description: '服務商回訪: the provider, of every order («各服務商要對日工單進行100%回訪», seed 004 篇四).' },
    ONLINE: { description: '線上回訪: the county, of its daily draw («線上回訪率不低於日工單的10%», seed 004 篇四).' },
  },
});

registerEnumType(Satisfaction, {
  name: 'Satisfaction',
  description: 'The recipient’s satisfaction with the visit (滿意度).',
  valuesConfig: { SATISFIED: { description: '滿意' }, BASIC: { description: '基本滿意' }, DISSATISFIED: { description: '不滿意' } },
});

/** The seed of a new draw: 16 random bytes in hex. */
export function newDrawSeed(): string {
  return randomBytes(16).toString('hex');
}

/** An order's place in a draw: SHA-256 of `${seed}:${orderId}`, in hex; the draw takes the smallest. */
export function drawKey(seed: string, orderId: number): string {
  return createHash('sha256').update(`${seed}:${orderId}`).digest('hex');
}

/** How many of `whole` a share of `percent` asks for at least: ceil(percent × whole / 100), in integers (draws, oversight shares). */
export function atLeastPercentOf(percent: number, whole: number): number {
  return Math.floor((percent * whole + 99) / 100);
}

/**
 * The orders a draw picks: the population ordered by `drawKey(seed, id)` (ties, which SHA-256 makes
 * unheard of, by id), the first `atLeastPercentOf(percent, n)`, in that order. A pure function of the seed,
 * the share and the population: whoever holds the three gets the same orders.
 */
export function drawSample(seed: string, population: readonly number[], percent: number): number[] {
  return population
    .map((id) => ({ id, key: drawKey(seed, id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id))
    .slice(0, atLeastPercentOf(percent, population.length))
    .map(({ id }) => id);
}
