import { ageOn, maskNationalId, maskPhone, nationalIdCheck, parseNationalId, parsePhone, Sex } from '../../src/elderly/national-id';

const TODAY = '2025-06-01';
const withCheck = (first17: string) => first17 + nationalIdCheck(first17);
const problemOf = (raw: string, today = TODAY) => {
  const parsed = parseNationalId(raw, today);
  return parsed.ok ? null : parsed.problem;
};

describe('national ID check character', () => {
  // 3210121944022900 (江都区, born 1944-02-29) weighted by 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 sums to
  // 21+18+10+0+8+8+2+9+24+12+0+18+20+45+0+0 = 195; the 17th digit d (weight 2) adds 2d, and the
  // check is (12 - (195 + 2d) mod 11) mod 11. For 018 the 16th digit (weight 4) adds 4 + 16: 215 mod 11 = 6.
  it.each([
    ['32101219440229000', '4'], // 195 mod 11 = 8
    ['32101219440229001', '2'], // 197 mod 11 = 10
    ['32101219440229002', '0'], // 199 mod 11 = 1
    ['32101219440229003', '9'], // 201 mod 11 = 3
    ['32101219440229004', '7'], // 203 mod 11 = 5
    ['32101219440229005', '5'], // 205 mod 11 = 7
    ['32101219440229006', '3'], // 207 mod 11 = 9
    ['32101219440229007', '1'], // 209 mod 11 = 0, (12 - 0) mod 11 = 1
    ['32101219440229008', 'X'], // 211 mod 11 = 2, 12 - 2 = 10, written X
    ['32101219440229009', '8'], // 213 mod 11 = 4
    ['32101219440229018', '6'], // 215 mod 11 = 6
  ])('%s is completed by %s', (first17, check) => {
    expect(nationalIdCheck(first17)).toBe(check);
  });

  it.each(['', '3210121944022900', '321012194402290012', '3210121944022900X'])('needs 17 digits, not %j', (first17) => {
    expect(() => nationalIdCheck(first17)).toThrow(RangeError);
  });
});

describe('parseNationalId', () => {
  it('reads the region, birth date and sex of a valid ID', () => {
    expect(parseNationalId('321012194402290012', TODAY)).toEqual({
      ok: true,
      id: { value: '321012194402290012', birthDate: '1944-02-29', sex: Sex.MALE, regionCode: '321012' },
    });
  });

  // GB 11643-1999's own example. 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 weighted by
  // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167;
  // 167 mod 11 = 2, (12 - 2) mod 11 = 10, written X. Sequence 002 is even: a woman.
  it('accepts X as the check character', () => {
    expect(parseNationalId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      id: { value: '11010519491231002X', birthDate: '1949-12-31', sex: Sex.FEMALE, regionCode: '110105' },
    });
  });

  it('accepts a lowercase x and writes it X, and ignores surrounding space', () => {
    const parsed = parseNationalId(' 11010519491231002x\n', TODAY);
    expect(parsed.ok && parsed.id.value).toBe('11010519491231002X');
  });

  it.each([
    ['321012194402290012', Sex.MALE], // sequence 001
    ['321012194402290020', Sex.FEMALE], // 002
    ['32101219440229008X', Sex.FEMALE], // 008
    ['321012194402290071', Sex.MALE], // 007
  ])('%s belongs to a %s holder (odd 17th digit: 男)', (value, sex) => {
    const parsed = parseNationalId(value, TODAY);
    expect(parsed.ok && parsed.id.sex).toBe(sex);
  });

  it.each([
    ['321012194402290013', 'has a wrong check digit (expected 2)'],
    ['32101219440229001X', 'has a wrong check digit (expected 2)'],
    ['110105194912310020', 'has a wrong check digit (expected X)'],
    // 321012194402290186 with 1 and 8 swapped: 195 + 4×8 + 2×1 = 229, 229 mod 11 = 9, 12 - 9 = 3.
    ['321012194402290816', 'has a wrong check digit (expected 3)'],
  ])('%s %s', (value, problem) => {
    expect(problemOf(value)).toBe(problem);
  });

  it.each([
    '',
    '   ',
    '32101219440229001',
    '3210121944022900122',
    '321012440229001', // a first-generation 15-digit number
    '3210 1219 4402 2900 12',
  ])('%j must be 18 characters', (value) => {
    expect(problemOf(value)).toBe('must be 18 characters');
  });

  it.each([
    '3210121944022900A2',
    'X21012194402290012',
    '3210121944022900XX',
    '32101219440229001Y',
    '３２１０１２１９４４０２２９００１２', // full-width digits
    '32101219440229-012',
  ])('%j must be digits with only a final X', (value) => {
    expect(problemOf(value)).toBe('must be 17 digits followed by a digit or X');
  });

  it.each(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37'])(
    'accepts province %s',
    (province) => {
      expect(parseNationalId(withCheck(`${province}010119500101001`), TODAY).ok).toBe(true);
    },
  );

  it.each(['41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82'])(
    'accepts province %s',
    (province) => {
      expect(parseNationalId(withCheck(`${province}010119500101001`), TODAY).ok).toBe(true);
    },
  );

  it.each(['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '83', '90', '99'])(
    'rejects province %s even with a right check digit',
    (province) => {
      expect(problemOf(withCheck(`${province}010119500101001`))).toBe(`has an unknown province code ${province}`);
    },
  );

  it.each([
    ['19990230', 'February 30'],
    ['19000229', '1900 is not a leap year (divisible by 100, not by 400)'],
    ['20230229', '2023 is not a leap year'],
    ['19991301', 'month 13'],
    ['19990001', 'month 00'],
    ['19990100', 'day 00'],
    ['19990431', 'April 31'],
  ])('rejects the impossible birth date %s (%s)', (digits) => {
    expect(problemOf(withCheck(`321012${digits}001`))).toBe(`has an impossible birth date ${digits}`);
  });

  it.each(['20000229', '19440229', '19000101', '19991231', '20250601'])('accepts the birth date %s', (digits) => {
    const parsed = parseNationalId(withCheck(`321012${digits}001`), TODAY);
    expect(parsed.ok && parsed.id.birthDate).toBe(`${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`);
  });

  // GB 11643-1999's other example, 440524188001010014 (check: 195 mod 11 = 8, 12 - 8 = 4), was born in 1880.
  it.each(['440524188001010014', withCheck('32101218991231001')])('rejects %s, born before 1900', (value) => {
    expect(problemOf(value)).toBe('has a birth date before 1900');
  });

  it('rejects a birth date after today, in China', () => {
    expect(problemOf(withCheck('32101220250602001'))).toBe('has a birth date in the future');
    expect(problemOf(withCheck('32101220250602001'), '2025-06-02')).toBeNull();
  });

  it('reports an impossible date before a wrong check digit: the typo is in the date', () => {
    expect(problemOf('321012199902300012')).toBe('has an impossible birth date 19990230');
  });

  it.each(['', '2025-6-1', '2025-02-30', '20250601'])('needs a real today, not %j', (today) => {
    expect(() => parseNationalId('321012194402290012', today)).toThrow(RangeError);
  });
});

describe('masking', () => {
  it.each([
    ['321012194402290012', '3*****************'],
    ['11010519491231002X', '1*****************'],
  ])('shows the national ID %s as %s', (value, masked) => {
    expect(maskNationalId(value)).toBe(masked);
  });

  it('shows no more than the first character of something that is not a full ID', () => {
    expect(maskNationalId('321012440229001')).toBe('3**************');
  });

  it.each([
    ['13812345678', '138****5678'],
    ['19912345678', '199****5678'],
    ['025-84561234', '***-****1234'],
    ['0512-6521234', '****-***1234'],
    ['02584561234', '*******1234'], // 11 digits but a landline: not shown like a mobile
    ['12812345678', '*******5678'],
    ['1234', '1234'],
  ])('shows the phone %s as %s', (value, masked) => {
    expect(maskPhone(value)).toBe(masked);
  });
});

describe('parsePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['19912345678', '19912345678'],
    [' 138 1234 5678 ', '13812345678'],
    ['010-12345678', '010-12345678'],
    ['025-84561234', '025-84561234'],
    ['02584561234', '02584561234'],
    ['025 8456 1234', '02584561234'],
    ['0512-6521234', '0512-6521234'],
    ['0512-65212345', '0512-65212345'],
    ['05126521234', '05126521234'],
  ])('accepts %j as %s', (raw, value) => {
    expect(parsePhone(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['12812345678', 'is not a mobile number (11 digits starting 13–19)'],
    ['1381234567', 'is not a mobile number (11 digits starting 13–19)'],
    ['138123456789', 'is not a mobile number (11 digits starting 13–19)'],
    ['138-1234-5678', 'is not a mobile number (11 digits starting 13–19)'],
    ['025-123456', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['025-123456789', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['0-84561234', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['001-84561234', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['025--84561234', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['025-8456123x', 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)'],
    ['+8613812345678', 'must be a mobile number or a landline number with its area code'],
    ['84561234', 'must be a mobile number or a landline number with its area code'],
    ['phone', 'must be a mobile number or a landline number with its area code'],
  ])('rejects %j: %s', (raw, problem) => {
    expect(parsePhone(raw)).toEqual({ ok: false, problem });
  });
});

describe('ageOn', () => {
  it.each([
    ['1945-06-15', '2025-06-14', 79],
    ['1945-06-15', '2025-06-15', 80],
    ['1945-06-15', '2025-06-16', 80],
    ['1945-06-15', '2025-12-31', 80],
    ['1945-06-15', '2026-01-01', 80],
    ['1945-12-31', '2025-12-30', 79],
    ['1945-12-31', '2025-12-31', 80],
    ['1946-01-01', '2025-12-31', 79],
    ['1946-01-01', '2026-01-01', 80],
    ['2025-06-01', '2025-06-01', 0],
    ['1900-01-01', '2025-06-01', 125],
  ])('born %s, on %s is %i', (birthDate, day, age) => {
    expect(ageOn(birthDate, day)).toBe(age);
  });

  // Born on a leap day: a birthday on 02-29 in leap years, on 03-01 otherwise.
  it.each([
    ['2024-02-28', 79],
    ['2024-02-29', 80],
    ['2024-03-01', 80],
    ['2023-02-28', 78],
    ['2023-03-01', 79],
    ['2025-02-28', 80],
    ['2025-03-01', 81],
    ['1945-02-28', 0],
    ['1945-03-01', 1],
  ])('born 1944-02-29, on %s is %i', (day, age) => {
    expect(ageOn('1944-02-29', day)).toBe(age);
  });

  it('takes its birth date from a parsed ID', () => {
    const parsed = parseNationalId('321012194402290012', TODAY);
    expect(parsed.ok && ageOn(parsed.id.birthDate, TODAY)).toBe(81);
  });

  it.each([
    ['1945-06-15', '2025-06-31'],
    ['1945-02-29', '2025-06-01'],
    ['19450615', '2025-06-01'],
    ['2025-06-02', '2025-06-01'], // not born yet
  ])('refuses born %s on %s', (birthDate, day) => {
    expect(() => ageOn(birthDate, day)).toThrow(RangeError);
  });
});
