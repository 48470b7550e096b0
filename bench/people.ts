import type { DataSource } from 'typeorm';

// Synthetic people for the benchmarks that need a province's elderly (entitlements, cases).

/**
 * `count` people spread over the province's villages by a fixed stride: ages 60 to 100 (birth
 * days spread evenly), valid national IDs (GB 11643 check digit), 户籍 mostly in their village, 2 %
 * deceased, 30 % living alone or in an empty nest, about 8 % in a hardship category, 45 % assessed
 * (some assessments expired).
 */
export async function generatePeople(dataSource: DataSource, province: string, count: number, month: string): Promise<void> {
  await dataSource.query(`
    CREATE TEMP TABLE bench_village AS
    SELECT id, code, (row_number() OVER (ORDER BY code) - 1)::int AS n FROM jurisdiction WHERE level = 'VILLAGE' AND code LIKE '${province}%'`);
  await dataSource.query(`CREATE UNIQUE INDEX ON bench_village (n)`);
  const [{ villages }] = await dataSource.query(`SELECT count(*)::int AS villages FROM bench_village`);
  const weights = '(ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])';
  await dataSource.query(
    `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, resident_since, living_situations, status, status_since)
     SELECT f.first17 || substr('10X98765432', (SELECT sum(substr(f.first17, k, 1)::int * ${weights}[k]) % 11 FROM generate_series(1, 17) k)::int + 1, 1),
       '老人' || g.i, CASE WHEN f.seq % 2 = 1 THEN 'MALE' ELSE 'FEMALE' END::sex, f.birth, v.id,
       CASE WHEN g.i % 20 = 0 THEN h.id ELSE v.id END,
       CASE WHEN g.i % 33 = 0 THEN current_date - (g.i % 150) ELSE date '2005-01-01' END,
       CASE g.i % 10 WHEN 0 THEN '{EMPTY_NEST}' WHEN 1 THEN '{EMPTY_NEST}' WHEN 2 THEN '{ALONE}' ELSE '{}' END::living_situation[],
       CASE WHEN g.i % 50 = 0 THEN 'DECEASED' ELSE 'ACTIVE' END::person_status,
       CASE WHEN g.i % 50 = 0 THEN date '2025-06-01' END
     FROM generate_series(0, $1 - 1) AS g(i)
     JOIN bench_village v ON v.n = (g.i::bigint * 7919 % $2)::int
     JOIN bench_village h ON h.n = ((g.i::bigint * 7919 + 1) % $2)::int
     CROSS JOIN LATERAL (SELECT date '1926-01-01' + g.i % 14600 AS birth, (g.i / 14600) % 1000 AS seq) b
     CROSS JOIN LATERAL (SELECT b.birth, b.seq, left(v.code, 6) || to_char(b.birth, 'YYYYMMDD') || lpad(b.seq::text, 3, '0') AS first17) f`,
    [count, villages],
  );
  await dataSource.query(
    `INSERT INTO person_category (person_id, category, valid_from)
     SELECT id, (ARRAY['MINIMUM_LIVING_ALLOWANCE', 'EXTREME_POVERTY_DISPERSED', 'BEREAVED_PARENTS', 'LOW_INCOME', 'ENTITLED_GROUPS', 'MINIMUM_LIVING_ALLOWANCE'])[id % 6 + 1]::hardship_category,
       date '2020-01-01'
     FROM person WHERE id % 12 = 0`,
  );
  // Assessed up to 240 days before the month's first day: those older than six months have expired.
  await dataSource.query(
    `INSERT INTO ability_assessment (person_id, level, assessed_on, valid_until, assessor)
     SELECT id, (ARRAY['INTACT', 'INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'])[id % 6 + 1]::ability_level, a.on_day,
       (a.on_day + interval '6 months' - interval '1 day')::date, '第三方评估机构'
     FROM person CROSS JOIN LATERAL (SELECT $1::date - (id % 240) AS on_day) a WHERE id % 20 < 9`,
    [`${month}-01`],
  );
  await dataSource.query(`ANALYZE person; ANALYZE person_category; ANALYZE ability_assessment`);
}
