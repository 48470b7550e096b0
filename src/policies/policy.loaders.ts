import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import { policyRepository, type SchemeRow, type VersionRow } from './policy.repository';

/** Every version of many schemes in one statement, oldest first. */
export function schemeVersionsLoader(ctx: Context): DataLoader<number, VersionRow[]> {
  return new DataLoader(async (schemeIds) => {
    const rows = await policyRepository.versionsOf(ctx.dataSource.manager, schemeIds);
    const byScheme = new Map<number, VersionRow[]>(schemeIds.map((id) => [id, []]));
    for (const row of rows) byScheme.get(row.schemeId)?.push(row);
    return schemeIds.map((id) => byScheme.get(id) ?? []);
  });
}

/** Schemes by id (name, kind, owner) in one statement. */
export function schemeByIdLoader(ctx: Context): DataLoader<number, SchemeRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await policyRepository.schemesByIds(ctx.dataSource.manager, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
