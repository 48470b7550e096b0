import type { Context } from '../kernel/context';
import { fileNameOf, type Sheet } from '../desk/desk.exports';
import { Sex } from '../elderly/national-id';
import { publicNoticeService } from './public-notice.service';
import type { PublicNoticeEntry } from './public-notice.types';

// A village's public notice (公示) printed and posted: «須將申請人的有關情況張榜公佈,接受監督» (seed 004
// 篇二, 篇五), «公示時間不少於5個工作日» (篇四). It says who is applying for what, from when to when it
// runs, and where an objection (异议) is raised; IDs masked as in the registry (docs/exports.md).

export const PUBLIC_NOTICE_HEADER = ['序号', '姓名', '性别', '年龄', '公民身份号码', '申请补贴项目', '张贴日期', '最早期满日', '办结期限', '受理异议单位'];

const SEX_NAMES: Record<Sex, string> = { MALE: '男', FEMALE: '女' };

const row = (entry: PublicNoticeEntry, i: number) => [
  i + 1,
  entry.name,
  SEX_NAMES[entry.sex],
  entry.age,
  entry.nationalId,
  entry.schemes.join('、'),
  entry.posted,
  entry.earliestPass,
  entry.dueDate ?? '—',
  entry.office.name,
];

/** The period line: one period when every entry shares it, else where the table gives each. */
function periodLine(entries: readonly PublicNoticeEntry[]): string {
  if (entries.length === 0) return '公示期：本日无公示对象';
  const periods = new Set(entries.map((e) => `${e.posted}|${e.earliestPass}|${e.minWorkingDays}`));
  if (periods.size > 1) return `公示期：自张贴之日起不少于 ${Math.min(...entries.map((e) => e.minWorkingDays))} 个工作日，各申请人的张贴日期和最早期满日见下表`;
  const [first] = entries;
  return `公示期：${first.posted} 起，不少于 ${first.minWorkingDays} 个工作日（${first.earliestPass} 前不期满）`;
}

/** A village's public-notice list on `on` (default today) as a sheet to print (A4 landscape) and post. */
export async function publicNoticeSheet(ctx: Context, villageCode: string, on: string | null): Promise<Sheet> {
  const list = await publicNoticeService.ofVillage(ctx, villageCode, on);
  const title = `${list.village.name}养老服务补贴申请公示`;
  const offices = list.offices.length > 0 ? list.offices : [list.village];
  return {
    title,
    fileName: fileNameOf(list.village.name, '养老服务补贴申请公示', list.on),
    asciiFileName: `public-notice-${list.village.code}-${list.on}`,
    preamble: [
      title,
      `下列申请人申请养老服务补贴，现将其有关情况张榜公布，接受监督。（${list.village.name}，区划代码 ${list.village.code}）`,
      periodLine(list.entries),
      `如有异议，请在公示期内向${offices.map((o) => `${o.name}（${o.code}）`).join('、')}提出，并说明理由。`,
      `公示名单日期：${list.on}；共 ${list.entries.length} 人；公民身份号码按个人信息保护要求隐去。`,
    ],
    header: PUBLIC_NOTICE_HEADER,
    rows: list.entries.map(row),
    orientation: 'landscape',
  };
}
