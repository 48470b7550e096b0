import { registerEnumType } from 'type-graphql';
import { Capability } from '../kernel/actor';
import { JurisdictionLevel } from '../kernel/division-codes';

export enum StepKind {
  VILLAGE_REVIEW = 'VILLAGE_REVIEW',
  PUBLIC_NOTICE = 'PUBLIC_NOTICE',
  ASSESSMENT = 'ASSESSMENT',
  TOWN_REVIEW = 'TOWN_REVIEW',
  COUNTY_APPROVAL = 'COUNTY_APPROVAL',
  FILING = 'FILING',
}

registerEnumType(StepKind, {
  name: 'ReviewStepKind',
  description: 'What a step of a review procedure does.',
  valuesConfig: {
    VILLAGE_REVIEW: { description: '村(社区)初审 / 审核: the applicant’s village or community checks the application.' },
    PUBLIC_NOTICE: { description: '公示 (张榜公布): the applicant is posted for objections for at least the step’s minimum.' },
    ASSESSMENT: { description: '评估: an assessor (e.g. a third party the county commissions) assesses the applicant.' },
    TOWN_REVIEW: { description: '镇(街道)复审 / 审批: the town or street reviews or approves.' },
    COUNTY_APPROVAL: { description: '区(县)民政核准: the county civil-affairs bureau approves or refuses with written reasons.' },
    FILING: { description: '备案: the decision is filed with a higher level, which records it.' },
  },
});

/** The capabilities a step may name: a review or approval, or ASSESS_PEOPLE for an assessment (filing an application is FILE_CASES, before any step). */
export enum StepCapability {
  REVIEW_CASES = 'REVIEW_CASES',
  APPROVE_CASES = 'APPROVE_CASES',
  ASSESS_PEOPLE = 'ASSESS_PEOPLE',
}

registerEnumType(StepCapability, {
  name: 'ReviewStepCapability',
  description: 'The capability a user needs to act on a step (see docs/access.md).',
});

export const STEP_CAPABILITY: Record<StepCapability, Capability> = {
  REVIEW_CASES: Capability.REVIEW_CASES,
  APPROVE_CASES: Capability.APPROVE_CASES,
  ASSESS_PEOPLE: Capability.ASSESS_PEOPLE,
};

/** A step as stored and served: `countedWithin` and positions are 1-based places in the procedure’s list. */
export interface Step {
  position: number;
  kind: StepKind;
  name: string;
  level: JurisdictionLevel;
  capability: StepCapability;
  /** Working days to complete the step; null: no deadline. */
  deadlineWorkingDays: number | null;
  /** The position of the step whose deadline this one's time is counted in (深圳's 公示 within 初审). */
  countedWithin: number | null;
  /** The least the step lasts, in working days (a 公示's ≥ 5). */
  minWorkingDays: number | null;
  /** Whether the step may refuse an application; otherwise it only passes it on or returns it for more material. */
  mayRefuse: boolean;
}

export type StepSpec = Omit<Step, 'position'>;

export interface ProcedureTemplate {
  key: string;
  name: string;
  /** The document and the passage the procedure follows, quoted as it is written. */
  source: string;
  usesIntakeWindows: boolean;
  steps: StepSpec[];
  /** What the documents leave open and the template sets as a default the level may change. */
  settings: string;
}

const SHENZHEN_SOURCE =
  '深圳市社區居家養老服務(004 篇五「審批程序」;篇二同): 「社區工作站收到相關申請後,凡申請材料齊備的應予受理,並在10個工作日內完成初審(含公示時間)」' +
  '「社區工作站需將申請人的有關情況張榜公佈,接受監督」「街道辦事處對申請人的情況進行復審,並在5個工作日內簽署複審意見,報區民政部門」' +
  '「區民政部門收到街道辦事處的複審材料後,在10個工作日內進行核准。對同意補助的,發給書面核准通知書;對不同意補助的,書面説明理由」';

const JIANGDU_SOURCE =
  '江都區居家養老服務(004 篇四「實施步驟」「加強動態管理」): 「須到户籍所在地村(社區)提出申請並提交相關材料。村(社區)對申請人准入條件進行審核後,' +
  '錄入揚州市智慧民政雲平台居家養老服務管理系統,完善老年人基本資料上報鎮審批,並報區民政局備案」「評估工作由區民政局委託第三方組織上門評估。' +
  '評估完成後,村(社區)對申辦服務對象進行公示,公示時間不少於5個工作日」「新增對象每半年新增一次,做到集中申報、集中審批、集中評估」';

const step = (spec: StepSpec): StepSpec => spec;

/** The procedures of the documents, offered to a level that wants to follow one. */
export const PROCEDURE_TEMPLATES: readonly ProcedureTemplate[] = [
  {
    key: 'SHENZHEN',
    name: '深圳市社區居家養老服務補助審批程序',
    source: SHENZHEN_SOURCE,
    usesIntakeWindows: false,
    settings: 'The documents set no length for the 公示 inside the 10 working days of 初審: the template uses 5 working days, a setting of the level.',
    steps: [
      step({ kind: StepKind.VILLAGE_REVIEW, name: '社區工作站初審', level: JurisdictionLevel.VILLAGE, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: 10, countedWithin: null, minWorkingDays: null, mayRefuse: false }),
      step({ kind: StepKind.PUBLIC_NOTICE, name: '張榜公佈', level: JurisdictionLevel.VILLAGE, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: null, countedWithin: 1, minWorkingDays: 5, mayRefuse: false }),
      step({ kind: StepKind.TOWN_REVIEW, name: '街道辦事處複審', level: JurisdictionLevel.TOWN, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: 5, countedWithin: null, minWorkingDays: null, mayRefuse: false }),
      step({ kind: StepKind.COUNTY_APPROVAL, name: '區民政部門核准', level: JurisdictionLevel.COUNTY, capability: StepCapability.APPROVE_CASES, deadlineWorkingDays: 10, countedWithin: null, minWorkingDays: null, mayRefuse: true }),
    ],
  },
  {
    key: 'JIANGDU',
    name: '江都區居家養老服務申請審批程序',
    source: JIANGDU_SOURCE,
    usesIntakeWindows: true,
    settings: 'The documents give no deadline for the village’s 審核, the town’s 審批, the filing or the assessment: those deadlines are unset (no deadline) until the level sets them.',
    steps: [
      step({ kind: StepKind.VILLAGE_REVIEW, name: '村(社區)審核', level: JurisdictionLevel.VILLAGE, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: null, countedWithin: null, minWorkingDays: null, mayRefuse: false }),
      step({ kind: StepKind.TOWN_REVIEW, name: '鎮審批', level: JurisdictionLevel.TOWN, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: null, countedWithin: null, minWorkingDays: null, mayRefuse: true }),
      step({ kind: StepKind.FILING, name: '區民政局備案', level: JurisdictionLevel.COUNTY, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: null, countedWithin: null, minWorkingDays: null, mayRefuse: false }),
      step({ kind: StepKind.ASSESSMENT, name: '第三方上門評估', level: JurisdictionLevel.COUNTY, capability: StepCapability.ASSESS_PEOPLE, deadlineWorkingDays: null, countedWithin: null, minWorkingDays: null, mayRefuse: false }),
      step({ kind: StepKind.PUBLIC_NOTICE, name: '村(社區)公示', level: JurisdictionLevel.VILLAGE, capability: StepCapability.REVIEW_CASES, deadlineWorkingDays: null, countedWithin: null, minWorkingDays: 5, mayRefuse: false }),
    ],
  },
];

export function templateByKey(key: string): ProcedureTemplate | undefined {
  return PROCEDURE_TEMPLATES.find((template) => template.key === key);
}
