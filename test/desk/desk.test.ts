import ExcelJS from 'exceljs';
import { ROLE_CAPABILITIES } from '../../src/access/roles';
import { Capability, Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, facilityWithHistory, insertJurisdictions, smallTree, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const CREATE_TARGET = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
const CREATE_ITEM = `mutation($input: CreateSupervisionItemInput!) {
  createSupervisionItem(input: $input) { id title issuedBy { code } responsible { code } responsibleUnit deadline status closedOn overdue targetId }
}`;
const NOTE = `mutation($id: ID!, $note: String!, $status: SupervisionStatus) {
  addSupervisionNote(id: $id, note: $note, status: $status) { id status closedOn overdue notes { note statusAfter writtenBy } }
}`;
const BOARD = `query($id: ID!) { target(id: $id) { board { asOf rows { jurisdiction { code } value status rank } overdueItems { id title responsible { code } } } } }`;
const ISSUE = `mutation($input: IssueNoticeInput!) {
  issueNotice(input: $input) {
    id title body issuedBy { code } target { id title threshold } asOf author laggards
    progress { numerator denominator status } rows { jurisdiction { code name level } value numerator denominator threshold status rank }
  }
}`;

let office: TestUser;
let townAdmin: TestUser;
let otherTown: TestUser;
let targetId: string;

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

beforeEach(async () => {
  await smallTree(h.db);
  office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
  townAdmin = await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_ADMIN]);
  otherTown = await createUser(h.db, '321012101', [Role.CIVIL_AFFAIRS_ADMIN]);
  const input = { jurisdictionCode: '321012', title: '村级养老服务设施覆盖率', metric: 'VILLAGE_SERVICE', threshold: 50, startsOn: '2025-01-01', deadline: '2027-12-31' };
  targetId = (await ok(CREATE_TARGET, { input }, office.token)).createTarget.id;
});

describe('supervision items (督办)', () => {
  it('are issued to a unit, followed up by it, closed by the issuer, and surface on the issuer’s board while overdue', async () => {
    const created = await ok(
      CREATE_ITEM,
      { input: { jurisdictionCode: '321012', responsibleCode: '321012100', responsibleUnit: '仙女镇人民政府', title: '东苑社区站点建设', deadline: '2025-06-30', targetId } },
      office.token,
    );
    const item = created.createSupervisionItem;
    expect(item).toMatchObject({ issuedBy: { code: '321012' }, responsible: { code: '321012100' }, status: 'OPEN', closedOn: null, overdue: true, targetId });
    await ok(CREATE_ITEM, { input: { jurisdictionCode: '321012', responsibleCode: '321012101', title: '小纪镇助餐点', deadline: '2099-12-31' } }, office.token);

    // The board of the issuing level shows the overdue item, not the one still running.
    const board = (await ok(BOARD, { id: targetId }, office.token)).target.board;
    expect(board.overdueItems).toEqual([{ id: item.id, title: '东苑社区站点建设', responsible: { code: '321012100' } }]);
    const listed = await ok(`{ supervisionItems(overdue: true) { totalCount edges { node { id } } } }`, {}, office.token);
    expect(listed.supervisionItems).toEqual({ totalCount: 1, edges: [{ node: { id: item.id } }] });

    // The responsible town sees it and reports progress; the other town sees only its own.
    const townList = await ok(`{ supervisionItems { totalCount edges { node { title } } } }`, {}, townAdmin.token);
    expect(townList.supervisionItems).toEqual({ totalCount: 1, edges: [{ node: { title: '东苑社区站点建设' } }] });
    expect((await ok(`{ supervisionItems { totalCount } }`, {}, otherTown.token)).supervisionItems.totalCount).toBe(1);
    const noted = await ok(NOTE, { id: item.id, note: '已完成选址，正在施工' }, townAdmin.token);
    expect(noted.addSupervisionNote).toMatchObject({ status: 'OPEN', notes: [{ note: '已完成选址，正在施工', statusAfter: 'OPEN', writtenBy: townAdmin.username }] });
    expect(errorCodes(await h.gql(NOTE, { id: item.id, note: '...' }, otherTown.token))).toEqual(['FORBIDDEN']);

    // Only the issuing level closes it; then it leaves the board.
    const before = await h.db.query(`SELECT * FROM supervision_item ORDER BY id`);
    expect(errorCodes(await h.gql(NOTE, { id: item.id, note: '已办结', status: 'DONE' }, townAdmin.token))).toEqual(['FORBIDDEN']);
    expect(await h.db.query(`SELECT * FROM supervision_item ORDER BY id`)).toEqual(before);
    const closed = await ok(NOTE, { id: item.id, note: '验收合格，办结', status: 'DONE' }, office.token);
    expect(closed.addSupervisionNote).toMatchObject({ status: 'DONE', closedOn: todayInChina(), overdue: false });
    expect(closed.addSupervisionNote.notes).toHaveLength(2);
    expect((await ok(BOARD, { id: targetId }, office.token)).target.board.overdueItems).toEqual([]);
  });

  it('closes once: of 50 concurrent closes one writes the DONE note, the others are told the item is closed', async () => {
    const created = await ok(CREATE_ITEM, { input: { jurisdictionCode: '321012', responsibleCode: '321012100', title: '助餐点验收', deadline: '2099-12-31' } }, office.token);
    const id = created.createSupervisionItem.id;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => h.gql(NOTE, { id, note: `办结 ${i}`, status: 'DONE' }, office.token)));
    const codes = answers.map((answer) => errorCodes(answer).join());
    expect(codes.filter((code) => code === '')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(49);
    expect(answers.find((answer) => answer.errors)!.errors![0].extensions.field).toBe('status');
    const notes = await h.db.query(`SELECT status_after FROM supervision_note WHERE item_id = $1`, [id]);
    expect(notes).toEqual([{ status_after: 'DONE' }]);
    // Cancelling a closed item is refused too; reopening it, then closing it again, is not.
    expect(errorCodes(await h.gql(NOTE, { id, note: '撤销', status: 'CANCELLED' }, office.token))).toEqual(['CONFLICT']);
    await ok(NOTE, { id, note: '复查发现问题，重新督办', status: 'OPEN' }, office.token);
    expect((await ok(NOTE, { id, note: '整改完成', status: 'DONE' }, office.token)).addSupervisionNote.status).toBe('DONE');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const valid = { jurisdictionCode: '321012', responsibleCode: '321012100', title: '督办事项', deadline: '2026-06-30' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ responsibleCode: '321023' }, 'FORBIDDEN', ''],
      [{ jurisdictionCode: '321012100', responsibleCode: '321012101' }, 'BAD_USER_INPUT', 'input.responsibleCode'],
      [{ title: '' }, 'BAD_USER_INPUT', 'input.title'],
      [{ deadline: '1999-01-01' }, 'BAD_USER_INPUT', 'input.deadline'],
      [{ jurisdictionCode: '321012100', targetId }, 'BAD_USER_INPUT', 'input.targetId'],
      [{ detail: 'x'.repeat(4001) }, 'BAD_USER_INPUT', 'input.detail'],
    ];
    for (const [change, code, field] of cases) {
      const res = await h.gql(CREATE_ITEM, { input: { ...valid, ...change } }, office.token);
      expect([change, errorCodes(res)]).toEqual([change, [code]]);
      if (field) expect(res.errors![0].extensions!.field).toBe(field);
    }
    expect(await h.db.query(`SELECT * FROM supervision_item`)).toEqual([]);
  });
});

describe('what the desk refuses and pages', () => {
  it('answers an item or a notice out of the caller’s reach exactly as one that does not exist', async () => {
    const item = (await ok(CREATE_ITEM, { input: { jurisdictionCode: '321012', responsibleCode: '321012100', title: '东苑社区站点建设', deadline: '2099-12-31' } }, office.token))
      .createSupervisionItem;
    const notice = (await ok(ISSUE, { input: { targetId, title: '2025年第一季度通报' } }, office.token)).issueNotice;
    const elsewhere = await createUser(h.db, '321023', [Role.LEADERSHIP_OFFICE]);
    const answer = (res: { errors?: readonly any[] }) => res.errors?.map((e) => ({ code: e.extensions.code, message: e.message }));
    const missing = (id: string) => String(Number(id) + 1000);

    const note = async (id: string) => answer(await h.gql(NOTE, { id, note: '...' }, otherTown.token));
    expect(await note(item.id)).toEqual([{ code: 'FORBIDDEN', message: expect.any(String) }]);
    expect(await note(missing(item.id))).toEqual(await note(item.id));

    const read = async (id: string) => answer(await h.gql(`query($id: ID!) { notice(id: $id) { id } }`, { id }, elsewhere.token));
    expect(await read(notice.id)).toEqual([{ code: 'FORBIDDEN', message: expect.any(String) }]);
    expect(await read(missing(notice.id))).toEqual(await read(notice.id));
  });

  it('pages items by position and notices by id, counting every match', async () => {
    for (const deadline of ['2099-01-31', '2099-02-28', '2099-03-31']) {
      await ok(CREATE_ITEM, { input: { jurisdictionCode: '321012', responsibleCode: '321012100', title: `到期 ${deadline}`, deadline } }, office.token);
      await ok(ISSUE, { input: { targetId, title: `通报 ${deadline}` } }, office.token);
    }
    const ITEMS = `query($after: String) { supervisionItems(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { deadline } } } }`;
    const head = (await ok(ITEMS, {}, office.token)).supervisionItems;
    expect(head).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, edges: [{ node: { deadline: '2099-01-31' } }, { node: { deadline: '2099-02-28' } }] });
    const rest = (await ok(ITEMS, { after: head.pageInfo.endCursor }, office.token)).supervisionItems;
    expect(rest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false }, edges: [{ node: { deadline: '2099-03-31' } }] });

    const NOTICES = `query($after: String) { notices(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }`;
    const newest = (await ok(NOTICES, {}, townAdmin.token)).notices;
    expect(newest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, edges: [{ node: { title: '通报 2099-03-31' } }, { node: { title: '通报 2099-02-28' } }] });
    const oldest = (await ok(NOTICES, { after: newest.pageInfo.endCursor }, townAdmin.token)).notices;
    expect(oldest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false }, edges: [{ node: { title: '通报 2099-01-31' } }] });
    expect(errorCodes(await h.gql(NOTICES, { after: 'not a cursor' }, townAdmin.token))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('notices (通报)', () => {
  it('keep a board as it stood, for every level they concern, and cannot be changed', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await facilityWithHistory(h, admin.token, {
      name: '东苑互助养老中心',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012100001',
      services: ['MEALS'],
      status: 'OPERATING',
      since: '2025-01-01',
    });
    const issued = await ok(ISSUE, { input: { targetId, title: '2025年第四季度养老服务设施覆盖情况通报', body: '小纪镇进度滞后，请加快推进。' } }, office.token);
    const notice = issued.issueNotice;
    expect(notice).toMatchObject({
      issuedBy: { code: '321012' },
      target: { id: targetId, threshold: 50 },
      asOf: todayInChina(),
      author: office.username,
      progress: { numerator: 1, denominator: 3 },
      laggards: 1,
    });
    // 仙女镇 has 1 of its 2 villages (50 %: achieved); 小纪镇 none (lagging, listed first).
    expect(notice.rows).toEqual([
      { jurisdiction: { code: '321012101', name: '小纪镇', level: 'TOWN' }, value: 0, numerator: 0, denominator: 1, threshold: 50, status: expect.stringMatching(/BEHIND|AT_RISK/), rank: 2 },
      { jurisdiction: { code: '321012100', name: '仙女镇', level: 'TOWN' }, value: 50, numerator: 1, denominator: 2, threshold: 50, status: 'ACHIEVED', rank: 1 },
    ]);

    // The board moves on; the notice does not.
    await facilityWithHistory(h, admin.token, {
      name: '小纪村互助养老中心',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012101200',
      services: [],
      status: 'OPERATING',
      since: '2025-02-01',
    });
    const NOTICE = `query($id: ID!) { notice(id: $id) { laggards rows { jurisdiction { code } value status } } }`;
    const again = await ok(NOTICE, { id: notice.id }, office.token);
    expect(again.notice.rows.map((row: any) => row.value)).toEqual([0, 50]);
    expect(again.notice.laggards).toBe(1);
    await expect(h.db.query(`UPDATE notice SET title = 'x'`)).rejects.toThrow(/kept as issued/);
    await expect(h.db.query(`DELETE FROM notice`)).rejects.toThrow(/kept as issued/);

    // Listed for the towns it names and the levels above; not for a county it does not concern.
    const townStaff = await createUser(h.db, '321012101', [Role.CIVIL_AFFAIRS_STAFF]);
    const villageWorker = await createUser(h.db, '321012100001', [Role.VILLAGE_WORKER]);
    const city = await createUser(h.db, '3210', [Role.LEADERSHIP_OFFICE]);
    const elsewhere = await createUser(h.db, '321023', [Role.LEADERSHIP_OFFICE]);
    for (const user of [townStaff, villageWorker, city]) {
      expect((await ok(`{ notices { totalCount edges { node { id } } } }`, {}, user.token)).notices).toEqual({ totalCount: 1, edges: [{ node: { id: notice.id } }] });
    }
    expect((await ok(`{ notices { totalCount } }`, {}, elsewhere.token)).notices.totalCount).toBe(0);
    expect(errorCodes(await h.gql(NOTICE, { id: notice.id }, elsewhere.token))).toEqual(['FORBIDDEN']);
  });

  it('is issued as of a past day from the figures of that day', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await facilityWithHistory(h, admin.token, {
      name: '东苑互助养老中心',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012100001',
      services: [],
      status: 'OPERATING',
      since: '2025-03-01',
    });
    const past = await ok(ISSUE, { input: { targetId, title: '2月通报', asOf: '2025-02-28' } }, office.token);
    expect(past.issueNotice).toMatchObject({ asOf: '2025-02-28', progress: { numerator: 0 } });
    const now = await ok(ISSUE, { input: { targetId, title: '现状通报' } }, office.token);
    expect(now.issueNotice.progress.numerator).toBe(1);
  });
});

describe('downloads of a board and a notice', () => {
  const get = (path: string, token?: string) => fetch(`${h.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('serve the board and the notice as CSV and XLSX to those who may read them', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    await facilityWithHistory(h, admin.token, {
      name: '东苑互助养老中心, 一号',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012100001',
      services: [],
      status: 'OPERATING',
      since: '2025-01-01',
    });
    const board = (await ok(`query($id: ID!) { target(id: $id) { board { rows { jurisdiction { code name } value status rank } } } }`, { id: targetId }, office.token)).target.board;

    const csv = await get(`/exports/targets/${targetId}/board.csv`, office.token);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    // The byte-order mark that makes Excel read UTF-8, then CRLF lines.
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('区划代码,名称,目标值,当前值,分子,分母,预期值,状态,状态代码,排名');
    expect(lines.slice(1, -1).map((line) => line.split(',').slice(0, 2))).toEqual(board.rows.map((row: any) => [row.jurisdiction.code, row.jurisdiction.name]));
    expect(lines.slice(1, -1).map((line) => line.split(',')[8])).toEqual(board.rows.map((row: any) => row.status));
    expect(lines.at(-1)).toBe('');

    const xlsx = await get(`/exports/targets/${targetId}/board.xlsx?order=CODE`, office.token);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    const values = sheet.getSheetValues().filter(Boolean).map((row: any) => row.slice(1));
    const header = values.findIndex((row: any[]) => row[0] === '区划代码');
    expect(header).toBeGreaterThan(0);
    expect(values.slice(header + 1).map((row: any[]) => row[0])).toEqual(['321012100', '321012101']);
    expect(values.slice(header + 1).map((row: any[]) => row[4])).toEqual([1, 0]);

    // A notice downloads as it was issued.
    const notice = (await ok(ISSUE, { input: { targetId, title: '通报, 第一期' } }, office.token)).issueNotice;
    const noticeCsv = await (await get(`/exports/notices/${notice.id}.csv`, office.token)).text();
    expect(noticeCsv.split('\r\n').slice(1, -1).map((line) => line.split(',')[0])).toEqual(notice.rows.map((row: any) => row.jurisdiction.code));
    expect((await get(`/exports/notices/${notice.id}.xlsx`, office.token)).status).toBe(200);

    // Refusals answer JSON with their code, as the API does.
    const refusals: [string, string | undefined, number, string][] = [
      [`/exports/targets/${targetId}/board.csv`, undefined, 401, 'UNAUTHENTICATED'],
      [`/exports/targets/${targetId}/board.csv`, (await createUser(h.db, '321023', [Role.LEADERSHIP_OFFICE])).token, 403, 'FORBIDDEN'],
      [`/exports/targets/${targetId}/board.csv?order=SIDEWAYS`, office.token, 400, 'BAD_USER_INPUT'],
      [`/exports/targets/${targetId}/board.csv?asOf=2999-01-01`, office.token, 400, 'BAD_USER_INPUT'],
      [`/exports/targets/${targetId}/board.pdf`, office.token, 404, 'NOT_FOUND'],
      [`/exports/notices/${notice.id}.csv`, (await createUser(h.db, '321012', [Role.SERVICE_PROVIDER])).token, 403, 'FORBIDDEN'],
    ];
    for (const [path, token, status, code] of refusals) {
      const res = await get(path, token);
      expect([path, res.status, ((await res.json()) as any).errors[0].extensions.code]).toEqual([path, status, code]);
    }
  });
});

describe('downloads people read', () => {
  const get = (path: string, token: string) => fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  // A county of four towns, `covered` of each town's `villages` served by a mutual-aid center; `rate` is
  // covered / villages in percent to one decimal, half away from zero (1 of 16 = 6.25 % → 6.3 %).
  const COUNTY = { code: '321088', name: '测试区' };
  const TOWNS = [
    { code: '321088101', name: '甲镇', villages: 7, covered: 3, rate: '42.9%' },
    { code: '321088102', name: '乙镇', villages: 8, covered: 1, rate: '12.5%' },
    { code: '321088103', name: '丙镇', villages: 3, covered: 2, rate: '66.7%' },
    { code: '321088104', name: '丁镇', villages: 16, covered: 1, rate: '6.3%' },
  ];
  // The target: at least 33.33 % by 2025-06-30, read on 2025-12-31, when every town is held to the goal itself.
  const THRESHOLD = 33.33;
  const AS_OF = '2025-12-31';
  const TITLE = '村级养老服务覆盖目标';
  const LABELS: Record<string, string> = { ACHIEVED: '已达标', OVERDUE: '逾期未达标' };
  const met = (town: (typeof TOWNS)[number]) => town.covered * 100 >= THRESHOLD * town.villages;
  // Rank by rate, best first, from the test's own parts.
  const rankOf = (town: (typeof TOWNS)[number]) => 1 + TOWNS.filter((other) => other.covered * town.villages > town.covered * other.villages).length;
  let leader: TestUser;
  let countyTarget: string;

  beforeEach(async () => {
    const villages = TOWNS.flatMap((town) => Array.from({ length: town.villages }, (_, v): [string, string] => [`${town.code}${200 + v + 1}`, `${town.name}${v + 1}村`]));
    await insertJurisdictions(h.db, [[COUNTY.code, COUNTY.name], ...TOWNS.map((town): [string, string] => [town.code, town.name]), ...villages]);
    const admin = await createUser(h.db, COUNTY.code, [Role.CIVIL_AFFAIRS_ADMIN]);
    for (const town of TOWNS) {
      for (let v = 1; v <= town.covered; v++) {
        await facilityWithHistory(h, admin.token, {
          name: `${town.name}${v}村互助养老中心`,
          type: 'MUTUAL_AID_CENTER',
          jurisdictionCode: `${town.code}${200 + v}`,
          services: [],
          status: 'OPERATING',
          since: '2025-01-01',
        });
      }
    }
    leader = await createUser(h.db, COUNTY.code, [Role.LEADERSHIP_OFFICE]);
    const input = { jurisdictionCode: COUNTY.code, title: TITLE, metric: 'VILLAGE_SERVICE', threshold: THRESHOLD, startsOn: '2025-02-01', deadline: '2025-06-30' };
    countyTarget = (await ok(CREATE_TARGET, { input }, leader.token)).createTarget.id;
  });

  it('writes rates as percentages rounded from their parts, statuses in Chinese beside their codes, under Chinese headers', async () => {
    const csv = await get(`/exports/targets/${countyTarget}/board.csv?order=CODE&asOf=${AS_OF}`, leader.token);
    expect(csv.status).toBe(200);
    const name = `${COUNTY.name}-${TITLE}-进度-${AS_OF}.csv`;
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="target-${countyTarget}-board-${AS_OF}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines).toEqual([
      '区划代码,名称,目标值,当前值,分子,分母,预期值,状态,状态代码,排名',
      ...TOWNS.map((town) => {
        const status = met(town) ? 'ACHIEVED' : 'OVERDUE';
        return [town.code, town.name, '33.33%', town.rate, town.covered, town.villages, '33.3%', LABELS[status], status, rankOf(town)].join(',');
      }),
      '',
    ]);

    // The workbook: the same table with rates as numbers in a percent format, so that a spreadsheet can compute.
    const xlsx = await get(`/exports/targets/${countyTarget}/board.xlsx?order=CODE&asOf=${AS_OF}`, leader.token);
    expect(xlsx.headers.get('content-disposition')).toBe(
      `attachment; filename="target-${countyTarget}-board-${AS_OF}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${COUNTY.name}-${TITLE}-进度-${AS_OF}.xlsx`)}`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    const covered = TOWNS.reduce((sum, town) => sum + town.covered, 0);
    const units = TOWNS.reduce((sum, town) => sum + town.villages, 0);
    // 7 of 34 villages: 20.588… % → 20.6 %; two towns are overdue.
    expect([covered, units]).toEqual([7, 34]);
    expect([1, 2, 3, 4].map((n) => sheet.getRow(n).getCell(1).value)).toEqual([
      `${TITLE} — ${COUNTY.name}（${COUNTY.code}）`,
      `指标：村级养老服务设施覆盖（VILLAGE_SERVICE），不低于 33.33%；期限：2025-02-01 至 2025-06-30`,
      expect.stringMatching(new RegExp(`^统计日期：${AS_OF}（数据读取于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d 北京时间）$`)),
      `总体进度：20.6%，逾期未达标；落后单位（有滞后风险、滞后、逾期未达标）：${TOWNS.filter((town) => !met(town)).length} 个`,
    ]);
    const header = sheet.getRow(6);
    expect((header.values as unknown[]).slice(1)).toEqual(['区划代码', '名称', '目标值', '当前值', '分子', '分母', '预期值', '状态', '状态代码', '排名']);
    TOWNS.forEach((town, i) => {
      const row = sheet.getRow(7 + i);
      const status = met(town) ? 'ACHIEVED' : 'OVERDUE';
      expect((row.values as unknown[]).slice(1)).toEqual([town.code, town.name, THRESHOLD / 100, town.covered / town.villages, town.covered, town.villages, THRESHOLD / 100, LABELS[status], status, rankOf(town)]);
      expect([row.getCell(3).numFmt, row.getCell(4).numFmt, row.getCell(7).numFmt]).toEqual(['0.0#%', '0.0%', '0.0%']);
    });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 6 });
    // Every column is at least as wide as its header (a CJK character is two columns wide).
    const headers = (header.values as string[]).slice(1);
    headers.forEach((title, i) => expect([title, sheet.getColumn(i + 1).width! >= [...title].length * 2]).toEqual([title, true]));
  });

  it('writes a count as a whole number, with no percent, under the same headers', async () => {
    const input = { jurisdictionCode: COUNTY.code, title: '互助养老中心建设', metric: 'OPERATING_FACILITIES', facilityType: 'MUTUAL_AID_CENTER', threshold: 10, startsOn: '2025-01-01', deadline: '2099-12-31' };
    const id = (await ok(CREATE_TARGET, { input }, leader.token)).createTarget.id;
    // A town without an allocation of a count is held to nothing: no threshold, expected value or status.
    const placeOf = (town: (typeof TOWNS)[number]) => 1 + TOWNS.filter((other) => other.covered > town.covered).length;
    const text = await (await get(`/exports/targets/${id}/board.csv?order=CODE`, leader.token)).text();
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      '区划代码,名称,目标值,当前值,分子,分母,预期值,状态,状态代码,排名',
      ...TOWNS.map((town) => [town.code, town.name, '', town.covered, town.covered, 1, '', '', '', placeOf(town)].join(',')),
      '',
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (await get(`/exports/targets/${id}/board.xlsx?order=CODE`, leader.token)).arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(2).getCell(1).value).toBe('指标：运营设施数（OPERATING_FACILITIES），不低于 10；期限：2025-01-01 至 2099-12-31');
    expect(TOWNS.map((_, i) => sheet.getRow(7 + i).getCell(4).value)).toEqual(TOWNS.map((town) => town.covered));
  });

  it('names a notice’s file after its issuer, title and day, safely for every file system', async () => {
    const title = '2025年度/覆盖情况(第4期)通报';
    const notice = (await ok(ISSUE, { input: { targetId: countyTarget, title, asOf: AS_OF } }, leader.token)).issueNotice;
    const res = await get(`/exports/notices/${notice.id}.csv`, leader.token);
    const disposition = res.headers.get('content-disposition')!;
    const [, ascii, encoded] = /^attachment; filename="([^"]+)"; filename\*=UTF-8''(.+)$/.exec(disposition)!;
    expect(ascii).toBe(`notice-${notice.id}-${AS_OF}.csv`);
    // RFC 5987 attr-chars only: ( ) ' * are escaped too.
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(decodeURIComponent(encoded)).toBe(`${COUNTY.name}-2025年度_覆盖情况(第4期)通报-${AS_OF}.csv`);
    // The notice keeps the board as it stood, in its order: the same rates and labels.
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').slice(1, -1);
    const inOrder = notice.rows.map((row: any) => TOWNS.find((town) => town.code === row.jurisdiction.code)!);
    expect(lines.map((line) => line.split(',').slice(0, 4).concat(line.split(',').slice(7, 9)))).toEqual(
      inOrder.map((town: (typeof TOWNS)[number]) => [town.code, town.name, '33.33%', town.rate, LABELS[met(town) ? 'ACHIEVED' : 'OVERDUE'], met(town) ? 'ACHIEVED' : 'OVERDUE']),
    );
  });
});

describe('downloads × roles', () => {
  const get = (path: string, token: string) => fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it.each(Object.values(Role))('%s downloads a board and a notice of its subtree only with READ_TARGETS', async (role) => {
    const notice = (await ok(ISSUE, { input: { targetId, title: '通报' } }, office.token)).issueNotice;
    const own = await createUser(h.db, '321012', [role], `${role.toLowerCase()}-own`);
    const sibling = await createUser(h.db, '321023', [role], `${role.toLowerCase()}-sibling`);
    const allowed = ROLE_CAPABILITIES[role].includes(Capability.READ_TARGETS);
    for (const path of [`/exports/targets/${targetId}/board.csv`, `/exports/notices/${notice.id}.xlsx`]) {
      expect([path, (await get(path, own.token)).status]).toEqual([path, allowed ? 200 : 403]);
      expect([path, (await get(path, sibling.token)).status]).toEqual([path, 403]);
    }
  });
});
