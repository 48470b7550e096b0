import { dueDate, forgetInTransaction, workingDaysElapsed } from '../../src/calendar/calendar.cache';
import { calendarRepository } from '../../src/calendar/calendar.repository';
import { PACKAGE_VERSION } from '../../src/calendar/package-calendar';
import { beginCounting, endCounting, statementsSince } from '../../src/db/query-counter';
import { inTransactionScope } from '../../src/db/transaction';
import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

// Deadlines of the review loop are counted in working days (seed 004 篇二, 深圳:
// 「並在10個工作日內完成初審(含公示時間)」), and working days are those the State Council's yearly notice
// sets. An administrator enters a year the package does not know yet; until then it is refused.

const h = useHarness();

const SET = `mutation($input: SetWorkingCalendarYearInput!) {
  setWorkingCalendarYear(input: $input) { year origin revision enteredAtCode sourceTitle sourceNumber enteredBy workingDays holidays { date name } makeupDays { date name } }
}`;
const YEAR = `query($code: String!, $year: Int!) {
  workingCalendar(code: $code, year: $year) { year origin packageVersion revision enteredAtCode sourceNumber workingDays holidays { date name } makeupDays { date } }
}`;
const DEADLINE = `query($code: String!, $from: Date!, $days: Int!) { workingDeadline(code: $code, from: $from, days: $days) { countedFrom workingDays dueDate } }`;

// A plainly example arrangement for 2027, not the official one (which is not out): 01-01 (Fri) off,
// Saturday 01-09 worked.
const EXAMPLE_2027 = {
  jurisdictionCode: '32',
  year: 2027,
  holidays: [{ date: '2027-01-01', name: '元旦（示例）' }],
  makeupDays: ['2027-01-09'],
  sourceTitle: '示例：2027年部分节假日安排',
  sourceNumber: '示例〔2026〕1号',
};

let admin: TestUser;
let county: TestUser;
let beijing: TestUser;

beforeEach(async () => {
  await smallTree(h.db);
  admin = await createUser(h.db, '32', [Role.PLATFORM_ADMIN]);
  county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  beijing = await createUser(h.db, '11', [Role.PLATFORM_ADMIN]);
});

async function ok(query: string, variables: Record<string, unknown>, token: string): Promise<any> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const stored = async () => (await h.db.query(`SELECT count(*)::int AS n FROM working_calendar_year`))[0].n;

describe('the calendar through the API', () => {
  it('answers 国庆 2025 from the package (国办发明电〔2024〕12号) with a deadline where the notice puts it', async () => {
    const year = (await ok(YEAR, { code: '321012', year: 2025 }, county.token)).workingCalendar;
    expect(year).toMatchObject({ year: 2025, origin: 'PACKAGE', packageVersion: PACKAGE_VERSION, revision: null });
    expect(year.makeupDays.map((d: { date: string }) => d.date)).toEqual(expect.arrayContaining(['2025-09-28', '2025-10-11']));
    // 2025 has 261 weekdays (365 days from a Wednesday). The notice's holidays on weekdays: 01-01; 01-28…01-31,
    // 02-03, 02-04; 04-04; 05-01, 05-02, 05-05; 06-02; 10-01…10-03, 10-06…10-08: 1 + 6 + 1 + 3 + 1 + 6 = 18.
    // Make-up days: 01-26, 02-08, 04-27, 09-28, 10-11 = 5. So 261 − 18 + 5 = 248 working days.
    const weekdayHolidays = year.holidays.filter((d: { date: string }) => ![0, 6].includes(new Date(`${d.date}T00:00:00Z`).getUTCDay()));
    expect(weekdayHolidays.length).toBe(18);
    expect(year.makeupDays).toHaveLength(5);
    expect(year.workingDays).toBe(248);
    // 10 working days from Friday 09-26: 09-28 = 1, 09-29 = 2, 09-30 = 3, 10-09 = 4, 10-10 = 5,
    // 10-11 (Sat, worked) = 6, 10-13 = 7, 10-14 = 8, 10-15 = 9, 10-16 = 10.
    const deadline = (await ok(DEADLINE, { code: '321012', from: '2025-09-26', days: 10 }, county.token)).workingDeadline;
    expect(deadline).toEqual({ countedFrom: '2025-09-26', workingDays: 10, dueDate: '2025-10-16' });
    // Received on National Day itself: counted from 10-09.
    expect((await ok(DEADLINE, { code: '321012', from: '2025-10-01', days: 1 }, county.token)).workingDeadline).toEqual({ countedFrom: '2025-10-09', workingDays: 1, dueDate: '2025-10-10' });
  });

  it('refuses 2027 until it is entered; then a county below counts in it, a sibling province does not, and the entry is audited', async () => {
    const refused = await h.gql(DEADLINE, { code: '321012', from: '2026-12-28', days: 10 }, county.token);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].extensions.field).toBe('from');
    expect(errorCodes(await h.gql(YEAR, { code: '321012', year: 2027 }, county.token))).toEqual(['BAD_USER_INPUT']);

    const set = (await ok(SET, { input: EXAMPLE_2027 }, admin.token)).setWorkingCalendarYear;
    expect(set).toMatchObject({ year: 2027, origin: 'ENTERED', revision: 1, enteredAtCode: '32', sourceNumber: '示例〔2026〕1号', enteredBy: admin.username });
    // 2027 has 261 weekdays (it starts and ends on a Friday): 01-01 off, 01-09 worked.
    expect(set.workingDays).toBe(261);

    // 12-28 (Mon) + 10: 12-29 = 1, 12-30 = 2, 12-31 = 3, 2027-01-01 off, 01-04 = 4 … 01-08 = 8, 01-09 (Sat, worked) = 9, 01-11 = 10.
    expect((await ok(DEADLINE, { code: '321012', from: '2026-12-28', days: 10 }, county.token)).workingDeadline.dueDate).toBe('2027-01-11');
    expect((await ok(YEAR, { code: '321012100', year: 2027 }, county.token)).workingCalendar).toMatchObject({ origin: 'ENTERED', enteredAtCode: '32', revision: 1 });
    const beijingAnswer = await h.gql(DEADLINE, { code: '110101', from: '2026-12-28', days: 10 }, beijing.token);
    expect(errorCodes(beijingAnswer)).toEqual(['BAD_USER_INPUT']);

    const [entry] = await h.db.query(
      `SELECT a.actor_username, a.target_type, a.target_ids, a.outcome, j.code, a.detail FROM audit_entry a JOIN jurisdiction j ON j.id = a.jurisdiction_id WHERE a.action = 'workingCalendar.set'`,
    );
    expect(entry).toMatchObject({ actor_username: admin.username, target_type: 'Jurisdiction', target_ids: ['32'], outcome: 'SUCCESS', code: '32' });
    expect(entry.detail).toMatchObject({ year: 2027, revision: 1, sourceNumber: '示例〔2026〕1号', makeupDays: ['2027-01-09'] });
  });

  it('keeps every revision; the latest of the nearest node applies below it', async () => {
    await ok(SET, { input: EXAMPLE_2027 }, admin.token);
    // A region adding a holiday of its own for its subtree (an example): the county's whole year, with 01-04 off too.
    const local = { ...EXAMPLE_2027, jurisdictionCode: '321012', holidays: [...EXAMPLE_2027.holidays, { date: '2027-01-04', name: '地方假日（示例）' }] };
    await ok(SET, { input: local }, admin.token);
    const second = (await ok(SET, { input: { ...EXAMPLE_2027, makeupDays: [] } }, admin.token)).setWorkingCalendarYear;
    expect(second).toMatchObject({ revision: 2, workingDays: 260 });
    const rows = await h.db.query(`SELECT revision, makeup_days::text[] AS m FROM working_calendar_year w JOIN jurisdiction j ON j.id = w.jurisdiction_id WHERE j.code = '32' ORDER BY revision`);
    expect(rows).toEqual([{ revision: 1, m: ['2027-01-09'] }, { revision: 2, m: [] }]);
    // The county's own arrangement is nearer than the province's for the county and its towns.
    expect((await ok(YEAR, { code: '321012100', year: 2027 }, county.token)).workingCalendar).toMatchObject({ enteredAtCode: '321012', revision: 1, workingDays: 260 });
    expect((await ok(YEAR, { code: '321023', year: 2027 }, admin.token)).workingCalendar).toMatchObject({ enteredAtCode: '32', revision: 2, workingDays: 260 });
  });

  it.each([
    ['a make-up day on a weekday', { makeupDays: ['2027-01-08'] }, 'input.makeupDays[0]'],
    ['a date listed twice', { holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-01', name: '元旦' }] }, 'input.holidays[1].date'],
    ['a day of another year', { holidays: [{ date: '2026-12-31', name: '元旦' }] }, 'input.holidays[0].date'],
    ['a holiday that is also a make-up day', { holidays: [{ date: '2027-01-09', name: '元旦' }], makeupDays: ['2027-01-09'] }, 'input.makeupDays[0]'],
    ['a year out of range', { year: 1800 }, 'input.year'],
    ['a blank source', { sourceNumber: ' ' }, 'input.sourceNumber'],
  ])('refuses %s naming the field, writing nothing', async (_case, change, field) => {
    const res = await h.gql(SET, { input: { ...EXAMPLE_2027, ...change } }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe(field);
    expect(await stored()).toBe(0);
  });

  it('is entered by a platform admin in its own subtree only', async () => {
    expect(errorCodes(await h.gql(SET, { input: { ...EXAMPLE_2027, jurisdictionCode: '11' } }, admin.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(SET, { input: EXAMPLE_2027 }, county.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(YEAR, { code: '110101', year: 2025 }, county.token))).toEqual(['FORBIDDEN']);
    expect(await stored()).toBe(0);
  });
});

describe('two administrators entering the same year at once', () => {
  it('both get a revision, numbered in the order they committed, and the latest applies', async () => {
    const other = await createUser(h.db, '32', [Role.PLATFORM_ADMIN], 'second-admin@32');
    const calls = Array.from({ length: 20 }, (_, i) =>
      h.gql(SET, { input: { ...EXAMPLE_2027, sourceNumber: `示例〔2026〕${i}号` } }, (i % 2 === 0 ? admin : other).token),
    );
    const revisions = (await Promise.all(calls)).map((res) => {
      expect(res.errors).toBeUndefined();
      return res.data.setWorkingCalendarYear.revision as number;
    });
    const numbers = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([...revisions].sort((a, b) => a - b)).toEqual(numbers);
    const rows = await h.db.query(`SELECT revision, source_number FROM working_calendar_year ORDER BY entered_at, id`);
    expect(rows.map((row: { revision: number }) => row.revision)).toEqual(numbers);
    const latest = rows[rows.length - 1].source_number;
    expect((await ok(YEAR, { code: '321012', year: 2027 }, county.token)).workingCalendar).toMatchObject({ revision: 20, sourceNumber: latest });
  });
});

describe('dueDate and workingDaysElapsed for the features that count deadlines', () => {
  it('answer from the cache region: a second call costs no statement, in a transaction too', async () => {
    await ok(SET, { input: EXAMPLE_2027 }, admin.token);
    await forgetCaches(h);
    const [{ path }] = await h.db.query(`SELECT path::text FROM jurisdiction WHERE code = '321012100'`);
    const counted = async <T>(work: () => Promise<T>): Promise<[T, number | null]> => {
      const count = beginCounting();
      try {
        const value = await work();
        return [value, statementsSince(count)];
      } finally {
        endCounting(count);
      }
    };
    expect(await counted(() => dueDate(h.app.manager, path, '2026-12-28', 10))).toEqual(['2027-01-11', 1]);
    expect(await counted(() => dueDate(h.app.manager, path, '2025-09-26', 10))).toEqual(['2025-10-16', 0]);
    expect(await counted(() => workingDaysElapsed(h.app.manager, path, '2025-09-26', '2025-10-13'))).toEqual([7, 0]);

    await forgetCaches(h);
    const [{ id }] = await h.db.query(`SELECT id FROM jurisdiction WHERE code = '321012100'`);
    await h.app.transaction((tx) =>
      inTransactionScope(async () => {
        expect(await counted(() => dueDate(tx, id, '2026-12-28', 10))).toEqual(['2027-01-11', 1]);
        expect(await counted(() => dueDate(tx, id, '2026-12-31', 1))).toEqual(['2027-01-04', 0]);
      }),
    );
    // A change made by hand is heard: the next call reads the database again and counts in it.
    await h.db.query(`UPDATE working_calendar_year SET makeup_days = '{}'`);
    await forgetCaches(h);
    expect(await counted(() => dueDate(h.app.manager, path, '2026-12-28', 10))).toEqual(['2027-01-12', 1]);
  });

  it('answer a transaction that entered an arrangement from that arrangement, and never keep it after a rollback', async () => {
    await ok(SET, { input: EXAMPLE_2027 }, admin.token);
    const [{ id, path }] = await h.db.query(`SELECT id, path::text FROM jurisdiction WHERE code = '32'`);
    const [{ userId }] = await h.db.query(`SELECT id AS "userId" FROM app_user WHERE username = $1`, [admin.username]);
    expect(await dueDate(h.app.manager, path, '2026-12-28', 10)).toBe('2027-01-11');
    await expect(
      h.app.transaction((tx) =>
        inTransactionScope(async () => {
          const withoutMakeupDay = { ...EXAMPLE_2027, makeupDays: [], jurisdictionId: id, enteredById: userId, enteredBy: admin.username };
          await calendarRepository.insertRevision(tx, withoutMakeupDay);
          forgetInTransaction(tx);
          // Without the make-up Saturday 01-09, the tenth working day moves to Tuesday 01-12.
          expect(await dueDate(tx, path, '2026-12-28', 10)).toBe('2027-01-12');
          throw new Error('rolled back on purpose');
        }),
      ),
    ).rejects.toThrow('rolled back on purpose');
    expect(await dueDate(h.app.manager, path, '2026-12-28', 10)).toBe('2027-01-11');
  });
});
