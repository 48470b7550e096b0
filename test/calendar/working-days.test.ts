import { PACKAGE_VERSION, PACKAGE_YEARS } from '../../src/calendar/package-calendar';
import { WorkingCalendar, type YearArrangement } from '../../src/calendar/working-days';

// Working days are those of the State Council's yearly notice (国务院办公厅关于20xx年部分节假日安排的通知):
// statutory holidays off, make-up working days (调休上班) worked, otherwise Monday to Friday. Deadlines in
// them come from seed 004 (篇二, 深圳): 「並在10個工作日內完成初審(含公示時間)」.

const packageCalendar = new WorkingCalendar(PACKAGE_YEARS);

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) out.push(day);
  return out;
}

describe('国庆 2025 (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号)', () => {
  // The notice: 「国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。」
  it('has 10-01 to 10-08 off and 09-28 (Sunday) and 10-11 (Saturday) worked', () => {
    for (const day of days('2025-10-01', '2025-10-08')) expect([day, packageCalendar.isWorkingDay(day)]).toEqual([day, false]);
    expect(packageCalendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(packageCalendar.isWorkingDay('2025-10-11')).toBe(true);
    // Around them, an ordinary week: Saturday 09-27 and Sunday 10-12 off, Friday 09-26 and Thursday 10-09 worked.
    expect(packageCalendar.isWorkingDay('2025-09-27')).toBe(false);
    expect(packageCalendar.isWorkingDay('2025-10-12')).toBe(false);
    expect(packageCalendar.isWorkingDay('2025-09-26')).toBe(true);
    expect(packageCalendar.isWorkingDay('2025-10-09')).toBe(true);
  });

  it('puts 10 working days after Friday 2025-09-26 on Thursday 2025-10-16', () => {
    // Counted by hand: 09-26 (Fri) is received, not counted. 09-27 Sat off; 09-28 Sun worked = 1;
    // 09-29 Mon = 2; 09-30 Tue = 3; 10-01…10-08 off; 10-09 Thu = 4; 10-10 Fri = 5; 10-11 Sat worked = 6;
    // 10-12 Sun off; 10-13 Mon = 7; 10-14 Tue = 8; 10-15 Wed = 9; 10-16 Thu = 10.
    expect(packageCalendar.addWorkingDays('2025-09-26', 10)).toBe('2025-10-16');
    expect(packageCalendar.workingDaysBetween('2025-09-26', '2025-10-16')).toBe(10);
    expect(packageCalendar.workingDaysBetween('2025-09-26', '2025-10-15')).toBe(9);
    // Monday to Friday alone would have said 10-10.
    expect(packageCalendar.addWorkingDays('2025-09-26', 10)).not.toBe('2025-10-10');
  });

  it('counts from the next working day what is received on a holiday, and day 0 is that day', () => {
    // Received on 10-03 (a holiday): counted as received on 10-09, the next working day; 10-10 = 1,
    // 10-11 (Sat, worked) = 2, 10-13 = 3, 10-14 = 4, 10-15 = 5.
    expect(packageCalendar.firstWorkingDay('2025-10-03')).toBe('2025-10-09');
    expect(packageCalendar.addWorkingDays('2025-10-03', 0)).toBe('2025-10-09');
    expect(packageCalendar.addWorkingDays('2025-10-03', 5)).toBe('2025-10-15');
    expect(packageCalendar.workingDaysBetween('2025-10-03', '2025-10-15')).toBe(5);
    // On a working day, day 0 is the day itself; a day before it has elapsed nothing.
    expect(packageCalendar.addWorkingDays('2025-09-26', 0)).toBe('2025-09-26');
    expect(packageCalendar.workingDaysBetween('2025-09-26', '2025-09-20')).toBe(0);
  });
});

describe('春节 2026 (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号)', () => {
  // The notice: 春节 2月15日（周日）至23日（周一）放假调休，共9天；2月14日（周六）、2月28日（周六）上班.
  it('is read from the package as the notice has it', () => {
    const year = PACKAGE_YEARS.get(2026)!;
    expect(year.origin).toEqual({ kind: 'PACKAGE', version: PACKAGE_VERSION });
    const springFestival = [...year.holidays].filter(([, name]) => name === '春节').map(([day]) => day);
    expect(springFestival).toEqual(days('2026-02-15', '2026-02-23'));
    expect([...year.makeupDays].filter(([, name]) => name === '春节').map(([day]) => day)).toEqual(['2026-02-14', '2026-02-28']);
    expect(packageCalendar.isWorkingDay('2026-02-14')).toBe(true);
    expect(packageCalendar.isWorkingDay('2026-02-28')).toBe(true);
    // 5 working days from Friday 02-13: 02-14 Sat worked = 1, 02-15…02-23 off, 02-24 = 2, 02-25 = 3, 02-26 = 4, 02-27 = 5.
    expect(packageCalendar.addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
  });
});

describe('years the calendar does not know', () => {
  it('refuses 2027, which the package reads as ordinary weekdays, naming the field', () => {
    expect(PACKAGE_YEARS.has(2027)).toBe(false);
    expect(() => packageCalendar.naming('from').isWorkingDay('2027-01-01')).toThrow(expect.objectContaining({ field: 'from' }));
    // A deadline that would cross into 2027 is refused too, not guessed.
    expect(() => packageCalendar.addWorkingDays('2026-12-28', 10)).toThrow(/2027/);
  });

  it('uses an arrangement given for a year, before the package', () => {
    // A plainly example arrangement (not an official one): 2027-01-01 (Fri) off, Saturday 01-09 worked.
    const example: YearArrangement = {
      year: 2027,
      holidays: new Map([['2027-01-01', '元旦']]),
      makeupDays: new Map([['2027-01-09', '调休上班']]),
      origin: { kind: 'ENTERED', jurisdictionCode: '11', revision: 1, sourceTitle: '示例', sourceNumber: '示例〔0〕1号', enteredBy: null, enteredAt: '' },
    };
    const calendar = new WorkingCalendar(new Map([...PACKAGE_YEARS, [2027, example]]));
    // From Thursday 2026-12-31: 2027-01-01 off, 01-02/03 weekend, 01-04 Mon = 1 … 01-08 Fri = 5, 01-09 Sat worked = 6.
    expect(calendar.addWorkingDays('2026-12-31', 6)).toBe('2027-01-09');
    // A holiday on a weekend is off, as the weekend is; a make-up day wins over the weekend.
    expect(calendar.isWorkingDay('2027-01-09')).toBe(true);
    expect(calendar.workingDaysIn(2027)).toBe(261 - 1 + 1);
  });
});
