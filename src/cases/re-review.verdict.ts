import type { Context } from '../kernel/context';
import { thisMonthInChina } from '../kernel/dates';
import { pathOfCode } from '../kernel/division-codes';
import { personRepository } from '../elderly/person.repository';
import { toFacts } from '../elderly/person.service';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { entitlementOf } from '../policies/entitlement.engine';
import { policyService } from '../policies/policy.service';
import type { Reason } from '../policies/scheme-rules';
import type { ReReviewRow } from './re-review.repository';

export interface Verdict {
  /** Null when no version of the scheme is in force this month. */
  meets: boolean | null;
  reasons: Reason[];
}

/**
 * Whether each enrolled person meets a tier of the enrolment's scheme this month, as the entitlement
 * engine judges their facts today (the engine's rules, not a copy): the facts of every person, the
 * nodes of every lineage and the rules along them each in one read, whatever the number of rows.
 */
export async function verdictsOf(ctx: Context, rows: readonly ReReviewRow[]): Promise<Verdict[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.personId))];
  const [people, categories, assessments] = await Promise.all([
    personRepository.byIds(ctx.db, ids),
    personRepository.categoriesOf(ctx.db, ids),
    personRepository.assessmentsOf(ctx.db, ids),
  ]);
  const nodes = await jurisdictionService.byCodesAnywhere(ctx, [...new Set(people.flatMap((p) => pathOfCode(p.villageCode)))]);
  const month = thisMonthInChina();
  const { schemes, floors } = await policyService.rulesFor(ctx.db, [...nodes.values()].map(policyService.ref), month);
  return rows.map((row) => {
    const person = people.find((p) => p.id === row.personId)!;
    const lineage = pathOfCode(person.villageCode).flatMap((code) => (nodes.has(code) ? [policyService.ref(nodes.get(code)!)] : []));
    const along = new Set(lineage.map((n) => n.id));
    const scheme = schemes.filter((s) => s.schemeId === row.schemeId && along.has(s.owner.id));
    if (scheme.length === 0) return { meets: null, reasons: [] };
    const facts = toFacts(
      person,
      categories.filter((c) => c.personId === person.id),
      assessments.filter((a) => a.personId === person.id),
      [{ schemeId: row.schemeId, fromMonth: row.fromMonth, untilMonth: null }],
    );
    const [outcome] = entitlementOf(facts, month, lineage, scheme, floors.filter((f) => along.has(f.owner.id))).schemes;
    const meets = outcome.tiers.some((t) => t.eligible);
    const reasons = new Map<string, Reason>();
    if (!meets) for (const reason of outcome.tiers.flatMap((t) => t.reasons)) reasons.set(`${reason.code}|${reason.message}`, reason);
    return { meets, reasons: [...reasons.values()] };
  });
}
