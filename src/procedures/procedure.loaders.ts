import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { pathOfCode } from '../kernel/division-codes';
import { procedureRepository, type ProcedureRow } from './procedure.repository';

/** A day and a node, keyed `${day}|${code}`: the procedure in force there that day. */
export const dayAndNode = (day: string, code: string) => `${day}|${code}`;

/**
 * The procedure in force at each node on each day (its own, else its nearest ancestor's; null for none):
 * one statement per day asked about, for every node of the batch and their ancestors at once.
 */
export function procedureInForceLoader(ctx: Context): DataLoader<string, ProcedureRow | null> {
  return new DataLoader(async (keys) => {
    const parsed = keys.map((key) => key.split('|') as [string, string]);
    const found = new Map<string, ProcedureRow | null>();
    for (const day of new Set(parsed.map(([d]) => d))) {
      const codes = parsed.filter(([d]) => d === day).map(([, code]) => code);
      const rows = await procedureRepository.inForceAt(ctx.db, [...new Set(codes.flatMap(pathOfCode))], day);
      const byCode = new Map(rows.map((row) => [row.jurisdiction.code, row]));
      for (const code of codes) {
        const nearest = pathOfCode(code).reverse().find((c) => byCode.has(c));
        found.set(dayAndNode(day, code), nearest ? byCode.get(nearest)! : null);
      }
    }
    return keys.map((key) => found.get(key) ?? null);
  });
}
