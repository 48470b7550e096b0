import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { personRepository, type AssessmentRow, type CategoryRow, type PersonRow } from './person.repository';

function grouped<T extends { personId: number }>(ids: readonly number[], rows: T[]): T[][] {
  const byPerson = new Map<number, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) byPerson.get(row.personId)?.push(row);
  return ids.map((id) => byPerson.get(id) ?? []);
}

export function personByIdLoader(ctx: Context): DataLoader<number, PersonRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await personRepository.byIds(ctx.db, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Every category record of many people in one statement. */
export function personCategoriesLoader(ctx: Context): DataLoader<number, CategoryRow[]> {
  return new DataLoader(async (ids) => grouped(ids, await personRepository.categoriesOf(ctx.db, ids)));
}

/** Every assessment of many people in one statement. */
export function personAssessmentsLoader(ctx: Context): DataLoader<number, AssessmentRow[]> {
  return new DataLoader(async (ids) => grouped(ids, await personRepository.assessmentsOf(ctx.db, ids)));
}
