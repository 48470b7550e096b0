import { FacilityStatus, type FacilityService } from '../facilities/facility-kinds';
import {
  combineTiers,
  exclusionLosers,
  floorReasons,
  funderTotals,
  ReasonCode,
  SchemeOutcomeStatus,
  sharesOf,
  type LineageNode,
  type Reason,
  type SchemeRule,
  type TierRule,
} from './scheme-rules';
import { SchemeKind } from './policy-kinds';
import { dayStates, longestRun, monthsThrough, operatingWith, type DayState, type OperatingRun } from './facility-days';
import type { DatedFloor, FacilityFacts, FacilityMonthLine, FacilitySchemeOutcome, FacilitySubsidy, FacilityTierOutcome, VillageFacts } from './facility-subsidy.model';

// The facility subsidy rules, pure, beside the person rules and built from the same parts (floors,
// tier combination, exclusion groups, exact shares): what a facility is told for a year and what a
// yearly run pays cannot drift apart.

const inForceIn = (month: string, span: { fromMonth: string; toMonth: string | null }) =>
  span.fromMonth <= month && (span.toMonth === null || span.toMonth >= month);

const listed = (values: readonly string[]) => values.join(', ');

/** What every scheme of one facility's year is judged against. */
interface Year {
  facility: FacilityFacts;
  year: number;
  through: string;
  days: { day: string; state: DayState }[];
  acceptedOn: string | null;
  acceptedInYear: boolean;
  floors: readonly DatedFloor[];
  /** Days of the year, or of one month of it, the facility was OPERATING with every one of `services`. */
  daysWith(services: readonly FacilityService[], month?: string): number;
  /** The longest run of consecutive days OPERATING with every one of `services` that reaches into the year, from the year's first day or the previous year's. */
  runWith(services: readonly FacilityService[], fromPreviousYear: boolean): OperatingRun | null;
}

/** A version and the months of the year it is judged for. */
type Judged = { version: SchemeRule; months: string[] };

/**
 * The versions of one scheme judged for the year: each for the counted months it was in force, or, for
 * a construction subsidy, the version of the month of acceptance alone (null when none was in force at
 * all); for a construction subsidy, why nothing is due when no acceptance counts.
 */
function judgedVersions(versions: readonly SchemeRule[], countedMonths: readonly string[], y: Year) {
  const construction = versions[0].kind === SchemeKind.FACILITY_CONSTRUCTION;
  const spans = versions
    .map((version) => ({ version, months: countedMonths.filter((month) => inForceIn(month, version)) }))
    .filter((span) => span.months.length > 0);
  if (spans.length === 0) return null;

  // A construction subsidy is judged under the version of the month of acceptance, if there is one.
  const { acceptedOn, year, through } = y;
  const acceptanceMonth = y.acceptedInYear ? acceptedOn!.slice(0, 7) : null;
  const acceptanceSpan = acceptanceMonth && spans.find((span) => span.months.includes(acceptanceMonth));
  const judged: Judged[] = construction && acceptanceSpan ? [{ version: acceptanceSpan.version, months: [acceptanceMonth!] }] : spans;
  const notAccepted: Reason | null = !construction
    ? null
    : acceptedOn === null
      ? { code: ReasonCode.NOT_ACCEPTED_IN_PERIOD, message: 'no acceptance (验收合格) is recorded' }
      : acceptedOn < `${year}-01-01`
        ? { code: ReasonCode.NOT_ACCEPTED_IN_PERIOD, message: `first accepted on ${acceptedOn}: paid once, for ${acceptedOn.slice(0, 4)}` }
        : acceptedOn > through
          ? { code: ReasonCode.NOT_ACCEPTED_IN_PERIOD, message: `first accepted on ${acceptedOn}, after ${through}` }
          : acceptanceSpan
            ? null
            : { code: ReasonCode.NOT_ACCEPTED_IN_PERIOD, message: `accepted on ${acceptedOn}, when no version of the scheme was in force` };
  return { construction, judged, notAccepted };
}

/** One tier of a version judged for its months: eligible, or the reasons it is not. */
function judgeTier(tier: TierRule, { version, months }: Judged, construction: boolean, notAccepted: Reason | null, y: Year): FacilityTierOutcome {
  const { facility, year, through, acceptedOn } = y;
  const reasons: Reason[] = [];
  const add = (code: ReasonCode, message: string) => reasons.push({ code, message });
  if (tier.facilityTypes.length > 0 && !tier.facilityTypes.includes(facility.type)) {
    add(ReasonCode.FACILITY_TYPE, `a ${facility.type} is none of ${listed(tier.facilityTypes)}`);
  }
  let operatingDays: number | null = null;
  let run: OperatingRun | null = null;
  if (construction) {
    if (notAccepted) reasons.push(notAccepted);
    else {
      const state = y.days.find(({ day }) => day === acceptedOn)!.state;
      const missing = tier.requiredServices.filter((service) => !state?.services.includes(service));
      if (missing.length > 0) add(ReasonCode.SERVICE_MISSING, `offered no ${listed(missing)} when accepted on ${acceptedOn}`);
    }
  } else {
    if (!months.some((month) => facility.diners.has(month))) add(ReasonCode.NO_DINERS, `no diner count is recorded for ${months[0]} to ${months.at(-1)}`);
    operatingDays = y.daysWith(tier.requiredServices);
    run = y.runWith(tier.requiredServices, version.operatingRunFromPreviousYear);
    const atLeast = Math.max(1, tier.minOperatingDays ?? 0);
    const operated = y.daysWith([]);
    const withServices = tier.requiredServices.length > 0 ? ` with ${listed(tier.requiredServices)}` : '';
    const sofar = through < `${year}-12-31` ? ` (counted through ${through})` : '';
    if (tier.requiredServices.length > 0 && operatingDays === 0 && operated > 0) {
      add(ReasonCode.SERVICE_MISSING, `operated ${operated} days in ${year}, none of them with ${listed(tier.requiredServices)}`);
    } else if (run === null) {
      add(ReasonCode.TOO_FEW_OPERATING_DAYS, `operated on no day${withServices} in ${year}${sofar}, fewer than ${atLeast} in a row`);
    } else if (run.days < atLeast) {
      // 持续运营: a suspension (or a day without the services) ends a run; only the longest counts.
      add(ReasonCode.TOO_FEW_OPERATING_DAYS, `operated at most ${run.days} days in a row${withServices} (${run.from} to ${run.to})${sofar}, fewer than ${atLeast}`);
    } else if (months.every((month) => y.daysWith(tier.requiredServices, month) === 0)) {
      add(ReasonCode.NOT_OPERATING, `operated with ${listed(tier.requiredServices) || 'any services'} on no day of ${months[0]} to ${months.at(-1)}`);
    }
  }
  reasons.push(...floorReasons(tier.amountFen, version, y.floors, (floor) => months.some((month) => inForceIn(month, floor))));
  return { tier, versionId: version.versionId, months, operatingDays, longestRun: run, eligible: reasons.length === 0, applied: false, reasons };
}

/**
 * Month by month, the eligible tiers of the version then in force combine as the version says: the
 * lines they pay, in month and tier order; a tier outranked in every month it was eligible is told why.
 */
function monthLines(judged: readonly Judged[], tiers: readonly FacilityTierOutcome[], construction: boolean, y: Year): FacilityMonthLine[] {
  const lines: FacilityMonthLine[] = [];
  const outranked = new Map<FacilityTierOutcome, Reason>();
  for (const { version, months } of judged) {
    const own = tiers.filter((t) => t.versionId === version.versionId && t.eligible);
    for (const month of months) {
      const candidates = own
        .filter((t) => construction || y.daysWith(t.tier.requiredServices, month) > 0)
        .map((t) => ({ judged: t, tier: t.tier, eligible: true, applied: false, reasons: [] as Reason[] }));
      combineTiers(candidates, version.combination);
      for (const candidate of candidates) {
        if (!candidate.applied) {
          if (!outranked.has(candidate.judged)) outranked.set(candidate.judged, candidate.reasons[0]);
          continue;
        }
        const monthDays = construction ? null : y.daysWith(candidate.tier.requiredServices, month);
        // 50元/人/月: each month by its own count; a month without one pays nothing, and says so.
        const diners = construction ? null : (y.facility.diners.get(month) ?? null);
        const unrecorded: Reason | null =
          !construction && diners === null ? { code: ReasonCode.NO_DINERS, message: `no diner count is recorded for ${month}` } : null;
        lines.push({
          month,
          scheme: version,
          tier: candidate.tier,
          operatingDays: monthDays,
          diners,
          amountFen: construction ? candidate.tier.amountFen : candidate.tier.amountFen * (diners ?? 0),
          excludedBy: null,
          reason: unrecorded,
        });
      }
    }
  }
  for (const [tier, reason] of outranked) if (!lines.some((line) => line.tier === tier.tier)) tier.reasons.push(reason);
  return lines.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.tier.position - b.tier.position));
}

/** One scheme's year, before exclusion groups and shares: its tiers judged and the lines they pay; null when no version was in force. */
function schemeYear(versions: readonly SchemeRule[], countedMonths: readonly string[], y: Year): FacilitySchemeOutcome | null {
  const found = judgedVersions(versions, countedMonths, y);
  if (!found) return null;
  const { construction, judged, notAccepted } = found;
  const tiers = judged.flatMap((span) =>
    [...span.version.tiers].sort((a, b) => a.position - b.position).map((tier) => judgeTier(tier, span, construction, notAccepted, y)),
  );
  return {
    scheme: judged.at(-1)!.version,
    status: SchemeOutcomeStatus.NOT_ELIGIBLE,
    tiers,
    lines: monthLines(judged, tiers, construction, y),
    amountFen: 0,
    shares: [],
    excludedBy: null,
  };
}

/** 不得重复享受, month by month: of the schemes of one group paying for a month, the larger amount is paid. */
function excludeWithinGroups(outcomes: readonly FacilitySchemeOutcome[]): void {
  const allMonths = [...new Set(outcomes.flatMap((o) => o.lines.map((line) => line.month)))];
  for (const month of allMonths) {
    const paying = outcomes
      .map((outcome) => {
        const lines = outcome.lines.filter((line) => line.month === month);
        return { outcome, lines, scheme: lines[0]?.scheme, amountFen: lines.reduce((sum, line) => sum + line.amountFen, 0) };
      })
      .filter((entry): entry is typeof entry & { scheme: SchemeRule } => entry.lines.length > 0);
    for (const [loser, winner] of exclusionLosers(paying)) {
      for (const line of loser.lines) {
        line.amountFen = 0;
        line.excludedBy = winner.scheme;
      }
      loser.outcome.excludedBy ??= winner.scheme;
    }
  }
}

/** A scheme's amount, status, applied tiers and exact shares, from the lines it still pays. */
function settle(outcome: FacilitySchemeOutcome, lineage: readonly LineageNode[]): void {
  const paid = outcome.lines.filter((line) => line.amountFen > 0);
  outcome.amountFen = paid.reduce((sum, line) => sum + line.amountFen, 0);
  for (const tier of outcome.tiers) {
    tier.applied = paid.some((line) => line.tier === tier.tier);
    // A tier that holds but pays in no month says why (the first month's reason).
    const why = tier.eligible && !tier.applied ? outcome.lines.find((line) => line.tier === tier.tier && line.reason)?.reason : undefined;
    if (why && !tier.reasons.some((reason) => reason.code === why.code)) tier.reasons.push(why);
  }
  outcome.status =
    outcome.amountFen > 0 ? SchemeOutcomeStatus.APPLIED : outcome.excludedBy ? SchemeOutcomeStatus.EXCLUDED : SchemeOutcomeStatus.NOT_ELIGIBLE;
  // One exact split per funding arrangement: a scheme that kept its funders all year splits its total once.
  const byFunding = new Map<string, { scheme: SchemeRule; amountFen: number }>();
  for (const line of paid) {
    const key = JSON.stringify(line.scheme.funding);
    const entry = byFunding.get(key) ?? { scheme: line.scheme, amountFen: 0 };
    entry.amountFen += line.amountFen;
    byFunding.set(key, entry);
  }
  outcome.shares = funderTotals([...byFunding.values()].flatMap(({ scheme, amountFen }) => sharesOf(amountFen, scheme, lineage)));
}

/** One facility's schemes for the year, judged and combined but not yet weighed against others. */
function judgedYear(facility: FacilityFacts, year: number, through: string, schemes: readonly SchemeRule[], floors: readonly DatedFloor[]) {
  // A run of operating days may reach back into the previous year (a version's operatingRunFromPreviousYear).
  const yearStart = `${year}-01-01`;
  const allDays = dayStates(facility.history, `${year - 1}-01-01`, through);
  const days = allDays.filter(({ day }) => day >= yearStart);
  const acceptances = facility.history.filter((entry) => entry.status === FacilityStatus.ACCEPTED).map((entry) => entry.day).sort();
  // Paid once: only the first acceptance counts, whatever the history records after it.
  const acceptedOn = acceptances[0] ?? null;
  const y: Year = {
    facility,
    year,
    through,
    days,
    acceptedOn,
    acceptedInYear: acceptedOn !== null && acceptedOn.startsWith(`${year}-`) && acceptedOn <= through,
    floors,
    daysWith: (services, month) =>
      days.filter(({ day, state }) => (month === undefined || day.startsWith(month)) && operatingWith(state, services)).length,
    runWith: (services, fromPreviousYear) =>
      longestRun(fromPreviousYear ? allDays : days, (state) => operatingWith(state, services), yearStart),
  };

  // Versions arrive highest level first, then by scheme and month: one group per scheme, in that order.
  const byScheme = new Map<number, SchemeRule[]>();
  for (const version of schemes) byScheme.set(version.schemeId, [...(byScheme.get(version.schemeId) ?? []), version]);
  const countedMonths = monthsThrough(year, through);
  const outcomes = [...byScheme.values()].map((versions) => schemeYear(versions, countedMonths, y)).filter((o): o is FacilitySchemeOutcome => o !== null);
  return { days, acceptedOn, outcomes };
}

const paying = (outcomes: readonly FacilitySchemeOutcome[], schemeId: number, month: string) =>
  outcomes.some((o) => o.scheme.schemeId === schemeId && o.lines.some((line) => line.month === month && line.amountFen > 0));

/**
 * 每个村（居）委会补助一个养老中心: under a version that pays one center per village, a month another facility
 * of the village is paid for as well goes only to the facility designated for the village then; the
 * others' lines pay nothing, with NOT_DESIGNATED.
 */
function onePerVillage(outcomes: readonly FacilitySchemeOutcome[], facility: FacilityFacts, village: VillageFacts, judgeOther: (other: FacilityFacts) => FacilitySchemeOutcome[]): void {
  const limited = outcomes.filter((o) => o.lines.some((line) => line.scheme.oneFacilityPerVillage && line.amountFen > 0));
  if (limited.length === 0) return;
  const others = village.others.map((other) => ({ other, outcomes: judgeOther(other) }));
  for (const outcome of limited) {
    for (const line of outcome.lines) {
      if (!line.scheme.oneFacilityPerVillage || line.amountFen === 0) continue;
      const rivals = others.filter((o) => paying(o.outcomes, line.scheme.schemeId, line.month)).map((o) => o.other);
      if (rivals.length === 0) continue;
      const designation = village.designations.filter((d) => d.fromMonth <= line.month).at(-1) ?? null;
      if (designation?.facilityId === facility.id) continue;
      const designated = designation && [facility, ...village.others].find((f) => f.id === designation.facilityId);
      line.amountFen = 0;
      line.reason = {
        code: ReasonCode.NOT_DESIGNATED,
        message: designated
          ? `${village.name} is paid for one center: ${designated.name} is designated from ${designation.fromMonth}`
          : `${rivals.length + 1} centers of ${village.name} qualify for ${line.month} and none is designated`,
      };
    }
  }
}

/**
 * What a facility is due for `year` under the facility schemes of its lineage, counting its history up
 * to `through` (the year's last day, or today while the year runs):
 * - a construction subsidy (建设补助) once, under the version in force in the month of its first
 *   acceptance (验收合格), when that acceptance falls in the year;
 * - an operating subsidy (运营补助) when its longest run of consecutive days OPERATING with every
 *   required service (持续运营; within the year, or from the previous year on where the version says so)
 *   reaches the tier's minimum: amount × that month's recorded diners for every month with at least one
 *   such day, each month under the version in force then.
 * Tiers combine within a version (highest or stacked) month by month; under a version paying one center
 * per village, a month several facilities of the `village` qualify is paid to the designated one only;
 * schemes of one exclusion group are not paid for the same month (the larger wins), and each scheme's
 * amount is split among its funders exactly.
 */
export function facilitySubsidyOf(
  facility: FacilityFacts,
  year: number,
  through: string,
  lineage: readonly LineageNode[],
  schemes: readonly SchemeRule[],
  floors: readonly DatedFloor[],
  village: VillageFacts | null = null,
): FacilitySubsidy {
  const { days, acceptedOn, outcomes } = judgedYear(facility, year, through, schemes, floors);
  if (village) onePerVillage(outcomes, facility, village, (other) => judgedYear(other, year, through, schemes, floors).outcomes);
  excludeWithinGroups(outcomes);
  for (const outcome of outcomes) settle(outcome, lineage);

  const lastMonth = monthsThrough(year, through).filter((month) => facility.diners.has(month)).at(-1);
  return {
    facilityId: facility.id,
    year,
    countedThrough: through,
    acceptedOn,
    operatingDays: days.filter(({ state }) => operatingWith(state, [])).length,
    dailyDiners: lastMonth === undefined ? null : facility.diners.get(lastMonth)!,
    schemes: outcomes,
    amountFen: outcomes.reduce((sum, o) => sum + o.amountFen, 0),
    shares: funderTotals(outcomes.flatMap((o) => o.shares)),
  };
}
