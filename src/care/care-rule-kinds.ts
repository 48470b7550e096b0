import { AbilityLevel, HardshipCategory, LivingSituation } from '../elderly/elderly-kinds';
import { ServiceClass } from './care-kinds';

/**
 * Who a visit frequency applies to and how many visits a month it asks for. A condition left empty
 * does not narrow: a recipient matches when aged `minAge` or more, holding any of `categoriesAny`,
 * living in any of `livingSituationsAny`, and assessed at one of `abilities` (an assessment in force).
 */
export interface VisitRule {
  name: string;
  minAge: number | null;
  categoriesAny: HardshipCategory[];
  livingSituationsAny: LivingSituation[];
  abilities: AbilityLevel[];
  visitsPerMonth: number;
}

/** Which class of service a recipient gets: the most favourable class among the rules they match; PAID when none. */
export interface ClassRule {
  name: string;
  serviceClass: ServiceClass;
  minAge: number | null;
  categoriesAny: HardshipCategory[];
}

/** A level's care rules, as stored in one version (`care_rules.rules`). */
export interface CareRuleSet {
  visitRules: VisitRule[];
  minMinutesPerVisit: number;
  distinctItemsPerYear: number;
  makeUpNextMonth: boolean;
  classRules: ClassRule[];
  /** Shares in whole percent: of each day's orders the provider calls back, of each day's orders the district calls back online, of recipients a community reaches each quarter. */
  providerCallbackPercent: number;
  onlineCallbackPercent: number;
  communityCheckPercent: number;
  /** Not from the documents: the level's own settings, with the defaults below. */
  checkInRadiusMetres: number;
  offlineSyncDays: number;
  sharedServiceAreas: boolean;
}

export interface CareRulesTemplate {
  key: string;
  name: string;
  /** The documents and passages the rules follow, quoted as they are written. */
  source: string;
  /** What the documents leave open and the template sets as a default the level may change. */
  settings: string;
  rules: CareRuleSet;
}

/** The defaults of what no document sets (docs/care.md): a level changes them in its own rules. */
export const UNDOCUMENTED_DEFAULTS = { checkInRadiusMetres: 300, offlineSyncDays: 7, sharedServiceAreas: false } as const;

// 江都区's 困難老人 (seed 004 篇四 三(一)1): the categories, and 空巢獨居 as living situations.
export const JIANGDU_HARDSHIP = [
  HardshipCategory.EXTREME_POVERTY_DISPERSED,
  HardshipCategory.MINIMUM_LIVING_ALLOWANCE,
  HardshipCategory.BEREAVED_PARENTS,
  HardshipCategory.ENTITLED_GROUPS,
  HardshipCategory.MODEL_WORKER,
  HardshipCategory.CHILDLESS_WIDOWED,
];
const ALONE = [LivingSituation.EMPTY_NEST, LivingSituation.ALONE];

// 自理 (能力完好), 半失能 (輕度和中度失能), 失能 (重度失能): the ability groups of seed 004 篇四 三(一)1.
const ABILITY_GROUPS: [string, AbilityLevel[], number][] = [
  ['自理', [AbilityLevel.INTACT], 1],
  ['半失能', [AbilityLevel.MILD, AbilityLevel.MODERATE], 2],
  ['失能', [AbilityLevel.SEVERE, AbilityLevel.DEMENTIA], 4],
];

const JIANGDU_SOURCE =
  '江都區居家養老服務(004 篇四「服務頻次監管」「實行多重監管」「服務對象及標準」): 「原則上高齡老人上門服務每月不少於1次;困難老人中自理老人每月不少於1次、' +
  '半失能老人每月不少於2次、失能老人每月不少於4次。每次服務時長不低於1小時」「政府購買居家養老服務對象因特殊原因導致當月不能享受上門服務,可在下月補增服務時間和次數」' +
  '「服務對象每人每年服務項目不得少於3個以上」「線上回訪率不低於日工單的10%」「各服務商要對日工單進行100%回訪」' +
  '「城鄉散居特困老人、低保家庭老人、失獨家庭老人、重點優撫對象和特殊貢獻(如市級以上勞模)老人、孤寡老人、空巢獨居老人(以上對象簡稱為“困難老人”)」' +
  '「根據自理(能力完好)、半失能(輕度失能和中度失能)、失能(重度失能)類別」「年滿80週歲及以上」; 服務類別按松崗(004 篇二): ' +
  '「無償服務的對象為具有鬆崗户籍的“三無”老人;低償服務的對象為具有鬆崗户籍的高齡老人、特殊羣體老人」; 社區抽查按深圳(004 篇五): ' +
  '「每季度的回訪或抽查受助人人數不少於本轄區補助總人數的5%以上,並作書面回訪記錄」';

/** The rules of the documents, offered to a level that wants to follow them. */
export const CARE_RULES_TEMPLATES: readonly CareRulesTemplate[] = [
  {
    key: 'JIANGDU',
    name: '江都區居家養老上門服務規則',
    source: JIANGDU_SOURCE,
    settings:
      '失智 (DEMENTIA) is not placed by the document: the template counts it with 失能 (4 visits). 困難老人 must be 60 or older (「年滿60週歲以上」). ' +
      '江都 names no service classes: they follow 松岗, where 特殊羣體老人 is read as 低保 and 重點優撫 (the groups its 補助 lists) and 高齡 as 80 or older; ' +
      'the 户籍 condition is the enrolment’s. The community’s quarterly share is 深圳’s. Check-in radius 300 m, offline sync 7 days and one provider per village and item are not from the documents.',
    rules: {
      visitRules: [
        { name: '高齡老人', minAge: 80, categoriesAny: [], livingSituationsAny: [], abilities: [], visitsPerMonth: 1 },
        ...ABILITY_GROUPS.flatMap(([group, abilities, visits]) => [
          { name: `困難老人·${group}`, minAge: 60, categoriesAny: JIANGDU_HARDSHIP, livingSituationsAny: [], abilities, visitsPerMonth: visits },
          { name: `空巢獨居老人·${group}`, minAge: 60, categoriesAny: [], livingSituationsAny: ALONE, abilities, visitsPerMonth: visits },
        ]),
      ],
      minMinutesPerVisit: 60,
      distinctItemsPerYear: 3,
      makeUpNextMonth: true,
      classRules: [
        { name: '“三無”老人', serviceClass: ServiceClass.FREE, minAge: null, categoriesAny: [HardshipCategory.THREE_NOS] },
        { name: '高齡老人', serviceClass: ServiceClass.LOW_PAID, minAge: 80, categoriesAny: [] },
        { name: '特殊羣體老人', serviceClass: ServiceClass.LOW_PAID, minAge: null, categoriesAny: [HardshipCategory.MINIMUM_LIVING_ALLOWANCE, HardshipCategory.ENTITLED_GROUPS] },
      ],
      providerCallbackPercent: 100,
      onlineCallbackPercent: 10,
      communityCheckPercent: 5,
      ...UNDOCUMENTED_DEFAULTS,
    },
  },
];

export function careTemplateByKey(key: string): CareRulesTemplate | undefined {
  return CARE_RULES_TEMPLATES.find((template) => template.key === key);
}
