import { registerEnumType } from 'type-graphql';

export enum PersonStatus {
  ACTIVE = 'ACTIVE',
  MOVED_AWAY = 'MOVED_AWAY',
  DECEASED = 'DECEASED',
}

export enum LivingSituation {
  EMPTY_NEST = 'EMPTY_NEST',
  ALONE = 'ALONE',
  LEFT_BEHIND = 'LEFT_BEHIND',
}

export enum HardshipCategory {
  EXTREME_POVERTY_DISPERSED = 'EXTREME_POVERTY_DISPERSED',
  EXTREME_POVERTY_CENTRALIZED = 'EXTREME_POVERTY_CENTRALIZED',
  MINIMUM_LIVING_ALLOWANCE = 'MINIMUM_LIVING_ALLOWANCE',
  NEAR_MINIMUM_ALLOWANCE = 'NEAR_MINIMUM_ALLOWANCE',
  LOW_INCOME = 'LOW_INCOME',
  LIFTED_FROM_POVERTY = 'LIFTED_FROM_POVERTY',
  BEREAVED_PARENTS = 'BEREAVED_PARENTS',
  ENTITLED_GROUPS = 'ENTITLED_GROUPS',
  THREE_NOS = 'THREE_NOS',
  CHILDLESS_WIDOWED = 'CHILDLESS_WIDOWED',
  DISABILITY = 'DISABILITY',
  MODEL_WORKER = 'MODEL_WORKER',
  WORKED_BEFORE_1949 = 'WORKED_BEFORE_1949',
}

/** 老年人能力评估: from intact to dementia; MILD and MODERATE together are 半失能. */
export enum AbilityLevel {
  INTACT = 'INTACT',
  MILD = 'MILD',
  MODERATE = 'MODERATE',
  SEVERE = 'SEVERE',
  DEMENTIA = 'DEMENTIA',
}

export const PERSON_STATUS_NAMES: Record<PersonStatus, string> = {
  ACTIVE: '在册',
  MOVED_AWAY: '迁出 — each scheme pays up to the month its lastMonth rule says (the month of the move, or the month before)',
  DECEASED: '死亡 — each scheme pays up to the month its lastMonth rule says (the month of death, or the month before); accounts freeze',
};

export const LIVING_SITUATION_NAMES: Record<LivingSituation, string> = {
  EMPTY_NEST: '空巢',
  ALONE: '独居',
  LEFT_BEHIND: '留守',
};

export const HARDSHIP_CATEGORY_NAMES: Record<HardshipCategory, string> = {
  EXTREME_POVERTY_DISPERSED: '特困人员(分散供养)',
  EXTREME_POVERTY_CENTRALIZED: '特困人员(集中供养)',
  MINIMUM_LIVING_ALLOWANCE: '低保',
  NEAR_MINIMUM_ALLOWANCE: '低保边缘',
  LOW_INCOME: '低收入',
  LIFTED_FROM_POVERTY: '脱贫户',
  BEREAVED_PARENTS: '计划生育特殊困难家庭 / 失独',
  ENTITLED_GROUPS: '重点优抚对象',
  THREE_NOS: '三无',
  CHILDLESS_WIDOWED: '孤寡',
  DISABILITY: '残疾 (with grade 1–4)',
  MODEL_WORKER: '市级以上劳模 / 特殊贡献',
  WORKED_BEFORE_1949: '1949年以前参加工作',
};

// The names offices write in their spreadsheets for each category (the CSV import accepts these and the enum values).
export const HARDSHIP_CATEGORY_CHINESE: Record<HardshipCategory, readonly string[]> = {
  EXTREME_POVERTY_DISPERSED: ['特困人员(分散供养)', '分散供养特困人员'],
  EXTREME_POVERTY_CENTRALIZED: ['特困人员(集中供养)', '集中供养特困人员'],
  MINIMUM_LIVING_ALLOWANCE: ['低保'],
  NEAR_MINIMUM_ALLOWANCE: ['低保边缘'],
  LOW_INCOME: ['低收入'],
  LIFTED_FROM_POVERTY: ['脱贫户'],
  BEREAVED_PARENTS: ['计划生育特殊困难家庭', '失独'],
  ENTITLED_GROUPS: ['重点优抚对象'],
  THREE_NOS: ['三无'],
  CHILDLESS_WIDOWED: ['孤寡'],
  DISABILITY: ['残疾'],
  MODEL_WORKER: ['市级以上劳模', '特殊贡献'],
  WORKED_BEFORE_1949: ['1949年以前参加工作'],
};

/** Why a row of a people import was refused. */
export enum ImportRowErrorCode {
  BAD_ROW = 'BAD_ROW',
  BAD_NATIONAL_ID = 'BAD_NATIONAL_ID',
  BAD_CODE = 'BAD_CODE',
  OUT_OF_SCOPE = 'OUT_OF_SCOPE',
  DUPLICATE_IN_FILE = 'DUPLICATE_IN_FILE',
  ALREADY_REGISTERED = 'ALREADY_REGISTERED',
  BAD_TEXT = 'BAD_TEXT',
  BAD_PHONE = 'BAD_PHONE',
  BAD_DATE = 'BAD_DATE',
  BAD_AMOUNT = 'BAD_AMOUNT',
  BAD_VALUE = 'BAD_VALUE',
}

export const IMPORT_ROW_ERROR_NAMES: Record<ImportRowErrorCode, string> = {
  BAD_ROW: 'The row has more fields than the header (often an unquoted comma).',
  BAD_NATIONAL_ID: '身份证号 is not a valid national ID: length, characters, province, birth date or check digit.',
  BAD_CODE: 'A division code is malformed, names no jurisdiction, or (for the village) names one that is not a village or community.',
  OUT_OF_SCOPE: 'The village (in a population file, the jurisdiction) lies outside the caller’s jurisdiction.',
  DUPLICATE_IN_FILE: 'The national ID is on an earlier line of the file too; the message names that line.',
  ALREADY_REGISTERED: 'A person with this national ID is already registered (wherever they live).',
  BAD_TEXT: 'A name or address is missing or too long.',
  BAD_PHONE: 'Not a mainland mobile or landline number.',
  BAD_DATE: 'Not a day, in the future, or before the birth date.',
  BAD_AMOUNT: 'Not an amount in 元 with at most 2 decimals, or out of range.',
  BAD_VALUE: 'An unknown living situation or hardship category, a category listed twice, or a wrong disability grade.',
};

export const ABILITY_LEVEL_NAMES: Record<AbilityLevel, string> = {
  INTACT: '自理 (能力完好)',
  MILD: '半失能 — 轻度失能',
  MODERATE: '半失能 — 中度失能',
  SEVERE: '失能 — 重度失能',
  DEMENTIA: '失智',
};

const described = <T extends string>(names: Record<T, string>) =>
  Object.fromEntries(Object.entries(names).map(([value, description]) => [value, { description: description as string }]));

registerEnumType(PersonStatus, { name: 'PersonStatus', valuesConfig: described(PERSON_STATUS_NAMES) });
registerEnumType(LivingSituation, { name: 'LivingSituation', valuesConfig: described(LIVING_SITUATION_NAMES) });
registerEnumType(HardshipCategory, {
  name: 'HardshipCategory',
  description: 'Hardship categories; several may apply to one person, each for a span of days.',
  valuesConfig: described(HARDSHIP_CATEGORY_NAMES),
});
registerEnumType(AbilityLevel, { name: 'AbilityLevel', description: '生活能力评估 level.', valuesConfig: described(ABILITY_LEVEL_NAMES) });
registerEnumType(ImportRowErrorCode, {
  name: 'ImportRowErrorCode',
  description: 'Why a row of a people import was refused.',
  valuesConfig: described(IMPORT_ROW_ERROR_NAMES),
});

/** Age bands of the people counts, by age in completed years on the day (a year completes on the birthday). */
export enum AgeBand {
  UNDER_60 = 'UNDER_60',
  AGE_60_69 = 'AGE_60_69',
  AGE_70_79 = 'AGE_70_79',
  AGE_80_89 = 'AGE_80_89',
  AGE_90_99 = 'AGE_90_99',
  AGE_100_PLUS = 'AGE_100_PLUS',
}

export const AGE_BAND_NAMES: Record<AgeBand, string> = {
  UNDER_60: '60岁以下 — under 60',
  AGE_60_69: '60–69岁 (低龄老人)',
  AGE_70_79: '70–79岁 (中龄老人)',
  AGE_80_89: '80–89岁 (高龄老人)',
  AGE_90_99: '90–99岁 (高龄老人)',
  AGE_100_PLUS: '100岁及以上 (百岁老人)',
};

/** A person's ability as the counts group it on a day: the level of their valid assessment, or none. */
export enum AbilityStanding {
  INTACT = 'INTACT',
  MILD = 'MILD',
  MODERATE = 'MODERATE',
  SEVERE = 'SEVERE',
  DEMENTIA = 'DEMENTIA',
  NOT_ASSESSED = 'NOT_ASSESSED',
}

export const ABILITY_STANDING_NAMES: Record<AbilityStanding, string> = {
  ...ABILITY_LEVEL_NAMES,
  NOT_ASSESSED: '未评估 — never assessed, or the latest assessment is past its validUntil',
};

registerEnumType(AgeBand, { name: 'AgeBand', description: 'Age in completed years on the day, in bands.', valuesConfig: described(AGE_BAND_NAMES) });
registerEnumType(AbilityStanding, {
  name: 'AbilityStanding',
  description: 'The level of the assessment valid on the day (the latest made on or before it, up to its validUntil), or NOT_ASSESSED.',
  valuesConfig: described(ABILITY_STANDING_NAMES),
});
