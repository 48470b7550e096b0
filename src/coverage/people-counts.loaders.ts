import DataLoader from 'dataloader';
import { coverageService } from './coverage.service';
import type { Context } from '../kernel/context';
import { PEOPLE_KEYS } from '../elderly/person-figures';

export interface PeopleCountsKey {
  nodeId: number;
  /** The day the counts describe (today for live counts). */
  day: string;
}

export interface StoredPeopleCounts {
  /** Non-zero figures by roll-up key. */
  values: Map<string, number>;
  observedAt: Date;
}

const cacheKey = (key: PeopleCountsKey) => `${key.nodeId}|${key.day}`;

/** The people figures of many nodes: one statement per day asked for in a batch, whatever the number of nodes. */
export function peopleCountsLoader(ctx: Context): DataLoader<PeopleCountsKey, StoredPeopleCounts, string> {
  return new DataLoader(
    async (keys) => {
      const days = new Map<string, Set<number>>();
      for (const { nodeId, day } of keys) days.set(day, (days.get(day) ?? new Set()).add(nodeId));
      const found = new Map<string, StoredPeopleCounts>();
      for (const [day, nodeIds] of days) {
        const observedAt = new Date();
        const rows = await coverageService.datedValues(ctx.db, [...nodeIds], PEOPLE_KEYS, day);
        for (const nodeId of nodeIds) found.set(cacheKey({ nodeId, day }), { values: new Map(), observedAt });
        for (const row of rows) found.get(cacheKey({ nodeId: row.nodeId, day }))!.values.set(row.key, row.value);
      }
      return keys.map((key) => found.get(cacheKey(key))!);
    },
    { cacheKeyFn: cacheKey },
  );
}
