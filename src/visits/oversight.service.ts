import { grantFor, requireReach } from '../access/scope';
import { mutation } from '../audit/mutation';
import { careRulesService } from '../care/care-rules.service';
import { maskNationalId } from '../elderly/national-id';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import { byShareDescending, competitionRanks } from '../kernel/ranking';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { parseDayField } from '../procedures/procedure.rules';
import { atLeastPercentOf } from './callback.rules';
import { figureNode, nodeRef } from './node-figures';
import type { RecordOversightVisitInput } from './oversight.inputs';
import { oversightRepository, type OversightVisitRow, type ShareRow } from './oversight.repository';
import { OversightPurpose, parseQuarter } from './oversight.rules';
import type { OversightShare, OversightShares, OversightVisit, RankedOversightShare } from './oversight.types';

const view = (row: OversightVisitRow): OversightVisit => ({ ...row, recipient: { ...row.recipient, nationalId: maskNationalId(row.recipient.nationalId) } });

function shareOf(enrolled: number, reached: number, percent: number | null): OversightShare {
  const required = percent === null ? null : atLeastPercentOf(percent, enrolled);
  return { enrolled, reached, share: enrolled === 0 ? null : reached / enrolled, percentRequired: percent, required, met: required === null ? null : reached >= required };
}

/** Children by share, highest first (competition ranks: equal shares share one), those without anyone enrolled last and unranked; ties by code. */
function ranked(children: { node: ShareRow; figure: OversightShare }[]): RankedOversightShare[] {
  const ranks = competitionRanks(children, (a, b) => byShareDescending(a.figure.share, b.figure.share));
  return children
    .map((child, i) => ({ node: nodeRef(child.node), figure: child.figure, rank: child.figure.share === null ? null : ranks[i] }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.node.code < b.node.code ? -1 : 1));
}

export const oversightService = {
  /**
   * Records a village's or town's call or visit to a person (RECORD_OVERSIGHT over the person's village and
   * the recording node). A spot check is of a recipient enrolled that month; a welfare visit of a
   * left-behind or dispersed 特困 elder that day. A recorded fact: never changed.
   */
  async record(ctx: Context, input: RecordOversightVisitInput): Promise<OversightVisit> {
    const spec = { action: 'oversightVisit.record', capability: Capability.RECORD_OVERSIGHT };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const personId = parseId(input.personId, 'input.personId', 'a person');
      target('Person', [personId]);
      const today = todayInChina();
      const visitedOn = input.visitedOn == null ? today : parseDayField(input.visitedOn, 'input.visitedOn');
      if (visitedOn > today) throw new BadUserInputError('input.visitedOn', text('NOT_AFTER_TODAY', { today }));
      const person = await oversightRepository.person(tx, personId, visitedOn);
      requireReach(grant!, [person && { jurisdictionCode: person.villageCode }], { denial: text('PERSON_NOT_IN_SCOPE') });
      const by = input.by == null ? await jurisdictionService.home(ctx) : await jurisdictionService.get(ctx, input.by, 'input.by');
      at(by.id);
      if (by.level !== JurisdictionLevel.VILLAGE && by.level !== JurisdictionLevel.TOWN) throw new BadUserInputError('input.by', 'must be a village or a town: the community and the town reach recipients');
      if (!person!.villageCode.startsWith(by.code)) throw new BadUserInputError('input.by', `must be the person’s village or town: they live in ${person!.villageCode}`);
      const spotCheck = input.purpose === OversightPurpose.SPOT_CHECK;
      if (spotCheck && !person!.enrolled) throw new BadUserInputError('input.personId', `is not enrolled in ${visitedOn.slice(0, 7)}: a spot check is of a recipient’s service`);
      if (!spotCheck && !person!.welfareTarget) throw new BadUserInputError('input.purpose', 'a welfare visit (探视巡访) is of a left-behind or dispersed 特困 elder, and the person is neither that day');
      const checked = input.checked ?? [];
      if (new Set(checked).size !== checked.length) throw new BadUserInputError('input.checked', 'must list each material once');
      if (!spotCheck && checked.length > 0) throw new BadUserInputError('input.checked', 'only a spot check looks at the service papers');
      if (!spotCheck && input.falsificationSuspected) throw new BadUserInputError('input.falsificationSuspected', 'only a spot check looks for falsification');
      const findings = parseText(input.findings, 'input.findings', { required: true, max: 2000 })!;
      const record = parseText(input.record, 'input.record', { required: true, max: 4000 })!;
      const created = await oversightRepository.insert(tx, {
        by,
        person: person!,
        kind: input.kind,
        purpose: input.purpose,
        visitedOn,
        checked,
        findings,
        falsificationSuspected: input.falsificationSuspected,
        record,
        userId: grant!.actor.userId,
      });
      detail({ visit: created, by: by.code, kind: input.kind, purpose: input.purpose, visitedOn, falsificationSuspected: input.falsificationSuspected });
      return created;
    });
    return view(await oversightRepository.byId(ctx.db, id));
  },

  /** The calls and visits to people living at or below `under` (default the caller's home), in the order recorded. */
  async list(ctx: Context, args: PageArgs & { under?: string | null }): Promise<Page<OversightVisit>> {
    grantFor(ctx, Capability.READ_OVERSIGHT);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => oversightRepository.search(ctx.db, under.code, after, limit),
      count: () => oversightRepository.count(ctx.db, under.code),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map(view),
    });
  },

  /** A quarter's spot-check shares at a node of the subtree (default the caller's home) and at each child, ranked, against the care rules in force at each. */
  async shares(ctx: Context, rawUnder: string | null | undefined, rawQuarter: string): Promise<OversightShares> {
    grantFor(ctx, Capability.READ_OVERSIGHT_FIGURES);
    const node = rawUnder ? await jurisdictionService.get(ctx, rawUnder, 'under') : await jurisdictionService.home(ctx);
    const quarter = parseQuarter(rawQuarter, 'quarter');
    const figured = figureNode(node);
    const rows = await oversightRepository.sharesByChild(ctx.db, figured, quarter);
    const percentAt = async (code: string) => (await careRulesService.rulesAt(ctx, code, quarter.lastDay))?.rules.communityCheckPercent ?? null;
    const [percent, ...childPercents] = await Promise.all([percentAt(node.code), ...rows.map((row) => percentAt(row.code))]);
    const sum = (pick: (row: ShareRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
    return {
      node: nodeRef(node),
      quarter: quarter.key,
      figure: shareOf(sum((r) => r.enrolled), sum((r) => r.reached), percent),
      children: figured.childLength === null ? [] : ranked(rows.map((row, i) => ({ node: row, figure: shareOf(row.enrolled, row.reached, childPercents[i]) }))),
    };
  },
};
