import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { pathOfCode } from '../kernel/division-codes';
import { careRulesRepository, type CareRulesRow } from './care-rules.repository';

/** A day and a node, keyed `${day}|${code}`: the care rules in force there that day. */
export const dayAndNode = (day: string, code: string) => `${day}|${code}`;

/**
 * The care rules in force at each node on each day: its own, else its nearest ancestor's (null for
 * none). One statement for the whole batch, every node's ancestors and every day at once.
 */
export function careRulesInForceLoader(ctx: Context): DataLoader<string, CareRulesRow | null> {
  return new DataLoader(async (keys) => {
    const parsed = keys.map((key) => key.split('|') as [string, string]);
    const codes = [...new Set(parsed.flatMap(([, code]) => pathOfCode(code)))];
    const rows = await careRulesRepository.inForceAt(ctx.db, [...new Set(parsed.map(([day]) => day))], codes);
    const found = new Map(rows.map((row) => [dayAndNode(row.day, row.jurisdiction.code), row]));
    return parsed.map(([day, code]) => {
      const nearest = pathOfCode(code).reverse().find((c) => found.has(dayAndNode(day, c)));
      if (!nearest) return null;
      const { day: _day, ...row } = found.get(dayAndNode(day, nearest))!;
      return row;
    });
  });
}
