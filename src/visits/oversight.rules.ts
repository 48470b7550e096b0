import { registerEnumType } from 'type-graphql';
import { BadUserInputError } from '../kernel/errors';

/** How a village or town reached a recipient: «電話或上門回訪» (seed 004 篇五). */
export enum OversightKind {
  PHONE_CALL = 'PHONE_CALL',
  HOME_VISIT = 'HOME_VISIT',
}

/** Why: a spot check of the service (回訪, 抽查; seed 004 篇五) or a welfare visit (探视巡访; seed 003). */
export enum OversightPurpose {
  SPOT_CHECK = 'SPOT_CHECK',
  WELFARE_VISIT = 'WELFARE_VISIT',
}

/** What a spot check looked at: «抽查服務協議、服務記錄本等相關證明材料» (seed 004 篇五). */
export enum CheckedMaterial {
  SERVICE_AGREEMENT = 'SERVICE_AGREEMENT',
  SERVICE_RECORDS = 'SERVICE_RECORDS',
}

registerEnumType(OversightKind, {
  name: 'OversightKind',
  description: 'How the recipient was reached («電話或上門回訪», seed 004 篇五).',
  valuesConfig: { PHONE_CALL: { description: '電話回訪' }, HOME_VISIT: { description: '上門回訪' } },
});

registerEnumType(OversightPurpose, {
  name: 'OversightPurpose',
  description: 'Why the recipient was reached.',
  valuesConfig: {
    SPOT_CHECK: { description: '回訪、抽查: of the service, counted against communityCheckPercent («每季度的回訪或抽查受助人人數不少於本轄區補助總人數的5%以上», seed 004 篇五).' },
    WELFARE_VISIT: { description: '探视巡访 of a left-behind or dispersed 特困 elder («农村留守老年人和分散供养特困老年人探视巡访制度», seed 003).' },
  },
});

registerEnumType(CheckedMaterial, {
  name: 'CheckedMaterial',
  description: 'What a spot check looked at («抽查服務協議、服務記錄本», seed 004 篇五).',
  valuesConfig: { SERVICE_AGREEMENT: { description: '服務協議' }, SERVICE_RECORDS: { description: '服務記錄本' } },
});

export interface Quarter {
  /** YYYY-Qn as written. */
  key: string;
  firstDay: string;
  lastDay: string;
  /** The first days of its first and last months. */
  firstMonth: string;
  lastMonth: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

/** A quarter written YYYY-Qn (2026-Q3), or BAD_USER_INPUT naming `field`. */
export function parseQuarter(raw: string, field: string): Quarter {
  const match = QUARTER.exec(raw.trim());
  const year = match ? Number(match[1]) : NaN;
  if (!match || year < 1900 || year > 2999) throw new BadUserInputError(field, 'must be a quarter written YYYY-Qn, n from 1 to 4 (e.g. 2026-Q3)');
  const first = (Number(match[2]) - 1) * 3 + 1;
  const month = (m: number) => `${match[1]}-${String(m).padStart(2, '0')}`;
  const lastDay = new Date(Date.UTC(year, first + 2, 0)).toISOString().slice(0, 10);
  return { key: `${match[1]}-Q${match[2]}`, firstDay: `${month(first)}-01`, lastDay, firstMonth: `${month(first)}-01`, lastMonth: `${month(first + 2)}-01` };
}

/** The quarter a day falls in. */
export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}
