import type { MigrationInterface, QueryRunner } from 'typeorm';

// The metrics written as whole numbers (counts, fen); the others are rates in hundredths of a percent.
const WHOLE = `'OPERATING_FACILITIES', 'OPERATING_BEDS', 'ENTITLEMENT_SPENDING'`;

// Today in China, as the API reads it (graphql/dates.ts).
const TODAY = `((now() AT TIME ZONE 'UTC') + interval '8 hours')::date`;

/**
 * The read-only door for BI tools: schema `bi`, views with stable names and documented columns over
 * the stored roll-ups, targets and subsidy totals, with no personal data. A role that may read only
 * these is made by `npm run bi:grant`. The views read the tables with their owner's rights; the
 * functions here read no table, so they run as the BI role.
 */
export class BiViews1764720000000 implements MigrationInterface {
  name = 'BiViews1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA bi`);
    await q.query(`COMMENT ON SCHEMA bi IS 'Yiyang for BI tools: aggregates by jurisdiction, level and month, no personal data (README: The BI door)'`);

    // The metric catalogue's units, as src/coverage/metrics.ts defines them.
    await q.query(`
      CREATE VIEW bi.coverage_metric (metric, unit_level, description) AS VALUES
        ('VILLAGE_SERVICE', 'VILLAGE', '村级养老服务设施覆盖: villages with an operating station, mutual-aid center, happiness home, day-care center or meal table'),
        ('MEAL_SERVICE', 'VILLAGE', '助餐服务覆盖: villages with an operating facility offering meals'),
        ('COMMUNITY_STATION', 'VILLAGE', '三级网络·站: villages with an operating community or village station'),
        ('TOWN_CENTER', 'TOWN', '三级网络·中心: towns with an operating town center'),
        ('COUNTY_GUIDANCE_CENTER', 'COUNTY', '三级网络·指导中心: counties with an operating guidance center')`);
    await q.query(`
      CREATE FUNCTION bi.unit_count(node_level text, unit_level text, counties integer, towns integer, villages integer) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN node_level = unit_level THEN 1 WHEN unit_level = 'VILLAGE' THEN villages
                    WHEN unit_level = 'TOWN' THEN towns WHEN unit_level = 'COUNTY' THEN counties ELSE 0 END
      $$`);

    await q.query(`
      CREATE VIEW bi.jurisdictions AS
      SELECT j.code, j.name, j.level::text AS level,
        CASE WHEN nlevel(j.path) >= 2 THEN subpath(j.path, nlevel(j.path) - 2, 1)::text END AS parent_code,
        subpath(j.path, 0, 1)::text AS province_code,
        CASE WHEN nlevel(j.path) >= 2 THEN subpath(j.path, 1, 1)::text END AS city_code,
        CASE WHEN nlevel(j.path) >= 3 THEN subpath(j.path, 2, 1)::text END AS county_code,
        CASE WHEN nlevel(j.path) >= 4 THEN subpath(j.path, 3, 1)::text END AS town_code,
        j.county_count AS counties, j.town_count AS towns, j.village_count AS villages
      FROM public.jurisdiction j`);

    await q.query(`
      CREATE VIEW bi.coverage AS
      SELECT j.code, j.level::text AS level, m.metric, coalesce(v.value, 0)::bigint AS numerator, d.denominator,
        CASE WHEN d.denominator > 0 THEN coalesce(v.value, 0)::numeric / d.denominator END AS rate, ${TODAY} AS as_of
      FROM public.jurisdiction j
      CROSS JOIN bi.coverage_metric m
      CROSS JOIN LATERAL (SELECT bi.unit_count(j.level::text, m.unit_level, j.county_count, j.town_count, j.village_count) AS denominator) d
      LEFT JOIN public.rollup_value v ON v.node_id = j.id AND v.key = 'covered:' || m.metric`);

    await q.query(`
      CREATE VIEW bi.coverage_monthly AS
      SELECT j.code, j.level::text AS level, m.metric, e.as_of,
        coalesce(h.figures[width_bucket(e.as_of - date '1970-01-01', h.days)], 0)::bigint AS numerator, d.denominator,
        CASE WHEN d.denominator > 0 THEN coalesce(h.figures[width_bucket(e.as_of - date '1970-01-01', h.days)], 0)::numeric / d.denominator END AS rate
      FROM public.jurisdiction j
      CROSS JOIN bi.coverage_metric m
      CROSS JOIN LATERAL (SELECT bi.unit_count(j.level::text, m.unit_level, j.county_count, j.town_count, j.village_count) AS denominator) d
      CROSS JOIN LATERAL (
        SELECT least((date_trunc('month', s) + interval '1 month - 1 day')::date, ${TODAY}) AS as_of
        FROM generate_series(date '2015-01-01', ${TODAY}, interval '1 month') s
      ) e
      LEFT JOIN public.rollup_history h ON h.node_id = j.id AND h.key = 'covered:' || m.metric
      WHERE j.level <> 'VILLAGE'`);

    await q.query(`
      CREATE VIEW bi.facilities AS
      SELECT j.code, j.level::text AS level, split_part(v.key, ':', 2) AS facility_type, split_part(v.key, ':', 3) AS status,
        v.value::bigint AS facilities
      FROM public.rollup_value v JOIN public.jurisdiction j ON j.id = v.node_id
      WHERE v.key LIKE 'facilities:%' AND v.value <> 0`);

    await q.query(`
      CREATE VIEW bi.beds AS
      SELECT j.code, j.level::text AS level, b.total AS beds_total, b.nursing AS beds_nursing, b.dementia AS beds_dementia,
        CASE WHEN b.total > 0 THEN b.nursing::numeric / b.total END AS nursing_share,
        CASE WHEN b.total > 0 THEN b.dementia::numeric / b.total END AS dementia_share
      FROM public.jurisdiction j
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(v.value) FILTER (WHERE v.key = 'beds:total'), 0)::bigint AS total,
               coalesce(sum(v.value) FILTER (WHERE v.key = 'beds:nursing'), 0)::bigint AS nursing,
               coalesce(sum(v.value) FILTER (WHERE v.key = 'beds:dementia'), 0)::bigint AS dementia
        FROM public.rollup_value v WHERE v.node_id = j.id AND v.key LIKE 'beds:%'
      ) b`);

    await q.query(`
      CREATE VIEW bi.subsidy_totals AS
      SELECT to_char(t.month, 'YYYY-MM') AS month, j.code, j.level::text AS level, t.recipients, t.amount_fen,
        t.province_fen, t.city_fen, t.county_fen, t.town_fen, t.village_fen
      FROM public.entitlement_total t JOIN public.jurisdiction j ON j.id = t.node_id
      WHERE t.scheme_id = 0`);
    await q.query(`
      CREATE VIEW bi.subsidy_totals_by_scheme AS
      SELECT to_char(t.month, 'YYYY-MM') AS month, j.code, j.level::text AS level, s.id AS scheme_id, s.name AS scheme_name,
        s.kind::text AS scheme_kind, o.code AS scheme_set_by, t.recipients, t.amount_fen,
        t.province_fen, t.city_fen, t.county_fen, t.town_fen, t.village_fen
      FROM public.entitlement_total t JOIN public.jurisdiction j ON j.id = t.node_id
      JOIN public.subsidy_scheme s ON s.id = t.scheme_id JOIN public.jurisdiction o ON o.id = s.jurisdiction_id`);

    // The progress rules of src/targets/target-progress.ts, over integers in the metric's unit
    // (hundredths of a percent for a rate); a test holds the two to the same answers.
    await q.query(`
      CREATE FUNCTION bi.target_goal(comparator text, threshold bigint, threshold_high bigint, baseline bigint) RETURNS bigint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN comparator <> 'BETWEEN' OR baseline < threshold THEN threshold
                    WHEN baseline > threshold_high THEN threshold_high ELSE baseline END
      $$`);
    await q.query(`
      CREATE FUNCTION bi.target_expected(comparator text, threshold bigint, threshold_high bigint, baseline bigint, starts_on date, deadline date, day date)
      RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT baseline + (bi.target_goal(comparator, threshold, threshold_high, baseline) - baseline)::numeric
               * least(greatest(day - starts_on, 0), deadline - starts_on) / (deadline - starts_on)
      $$`);
    await q.query(`
      CREATE FUNCTION bi.target_status(comparator text, threshold bigint, threshold_high bigint, baseline bigint, starts_on date, deadline date,
                                       num numeric, den numeric, day date)
      RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        goal bigint := bi.target_goal(comparator, threshold, threshold_high, baseline);
        span integer := deadline - starts_on;
        expected_num numeric := baseline::numeric * span + (goal - baseline)::numeric * least(greatest(day - starts_on, 0), span);
        up boolean;
      BEGIN
        IF num IS NULL OR den IS NULL OR den <= 0 THEN RETURN NULL; END IF;
        IF (comparator = 'AT_LEAST' AND num >= threshold * den) OR (comparator = 'AT_MOST' AND num <= threshold * den)
           OR (comparator = 'EQUAL' AND num = threshold * den)
           OR (comparator = 'BETWEEN' AND num >= threshold * den AND num <= threshold_high * den) THEN
          RETURN 'ACHIEVED';
        END IF;
        IF day > deadline THEN RETURN 'OVERDUE'; END IF;
        up := CASE WHEN goal <> baseline THEN goal > baseline WHEN comparator = 'AT_MOST' THEN false
                   WHEN comparator = 'AT_LEAST' THEN true ELSE num < goal * den END;
        IF (up AND num * span >= expected_num * den) OR (NOT up AND num * span <= expected_num * den) THEN RETURN 'ON_TRACK'; END IF;
        IF abs(expected_num * den - num * span) * 10 <= abs(goal - baseline) * span * den THEN RETURN 'AT_RISK'; END IF;
        RETURN 'BEHIND';
      END $$`);

    await q.query(`
      CREATE VIEW bi.targets AS
      SELECT t.id AS target_id, j.code, j.level::text AS level, t.title, t.metric::text AS metric, t.facility_type::text AS facility_type,
        CASE WHEN t.metric IN ('OPERATING_FACILITIES', 'OPERATING_BEDS') THEN 'COUNT' WHEN t.metric = 'ENTITLEMENT_SPENDING' THEN 'AMOUNT' ELSE 'RATE' END AS metric_kind,
        t.comparator::text AS comparator,
        CASE WHEN t.metric IN (${WHOLE}) THEN t.threshold::numeric ELSE t.threshold / 100.0 END AS threshold,
        CASE WHEN t.metric IN (${WHOLE}) THEN t.threshold_high::numeric ELSE t.threshold_high / 100.0 END AS threshold_high,
        CASE WHEN t.metric IN (${WHOLE}) THEN t.baseline::numeric ELSE t.baseline / 100.0 END AS baseline,
        t.starts_on, t.deadline, t.responsible_unit, t.allocated_from AS allocated_from_target_id, t.created_at
      FROM public.target t JOIN public.jurisdiction j ON j.id = t.jurisdiction_id`);

    await q.query(`
      CREATE VIEW bi.target_progress AS
      SELECT p.target_id, p.code, p.metric, p.as_of, p.numerator, p.denominator,
        CASE WHEN p.denominator > 0 THEN p.numerator * p.scale / p.denominator / (p.scale / p.unit) END AS value,
        bi.target_expected(p.comparator, p.threshold, p.threshold_high, p.baseline, p.starts_on, p.deadline, p.as_of) / (p.scale / p.unit) AS expected,
        bi.target_status(p.comparator, p.threshold, p.threshold_high, p.baseline, p.starts_on, p.deadline, p.numerator * p.scale, p.denominator, p.as_of) AS status
      FROM (
        SELECT t.id AS target_id, j.code, t.metric::text AS metric, ${TODAY} AS as_of, t.comparator::text AS comparator, t.threshold,
          t.threshold_high, t.baseline, t.starts_on, t.deadline,
          -- A rate's value is kept in hundredths of a percent (scale 10,000) and shown in percent; a count as it is.
          CASE WHEN t.metric IN (${WHOLE}) THEN 1 ELSE 10000 END::numeric AS scale,
          CASE WHEN t.metric IN (${WHOLE}) THEN 1 ELSE 100 END::numeric AS unit,
          f.numerator::numeric AS numerator, f.denominator::numeric AS denominator
        FROM public.target t JOIN public.jurisdiction j ON j.id = t.jurisdiction_id
        CROSS JOIN LATERAL (
          SELECT
            CASE
              WHEN t.metric IN ('OPERATING_FACILITIES', 'OPERATING_BEDS', 'NURSING_BED_SHARE', 'DEMENTIA_BED_SHARE', 'SUBSIDY_RECIPIENT_SHARE', 'ENTITLEMENT_SPENDING') THEN NULL
              ELSE (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'covered:' || t.metric::text)
            END AS covered
        ) c
        CROSS JOIN LATERAL (
          SELECT
            CASE t.metric
              WHEN 'OPERATING_FACILITIES' THEN (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'facilities:' || t.facility_type || ':OPERATING')
              WHEN 'OPERATING_BEDS' THEN (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'beds:total')
              WHEN 'NURSING_BED_SHARE' THEN (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'beds:nursing')
              WHEN 'DEMENTIA_BED_SHARE' THEN (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'beds:dementia')
              WHEN 'SUBSIDY_RECIPIENT_SHARE' THEN (SELECT coalesce(max(e.recipients), 0) FROM public.entitlement_total e
                                                    WHERE e.node_id = j.id AND e.scheme_id = 0 AND e.month = date_trunc('month', ${TODAY})::date)
              -- A flow: the months from the target's start through this month.
              WHEN 'ENTITLEMENT_SPENDING' THEN (SELECT coalesce(sum(e.amount_fen), 0) FROM public.entitlement_total e
                                                 WHERE e.node_id = j.id AND e.scheme_id = 0
                                                   AND e.month BETWEEN date_trunc('month', t.starts_on)::date AND date_trunc('month', ${TODAY})::date)
              ELSE c.covered
            END AS numerator,
            CASE
              WHEN t.metric IN (${WHOLE}) THEN 1
              WHEN t.metric IN ('NURSING_BED_SHARE', 'DEMENTIA_BED_SHARE') THEN
                (SELECT coalesce(max(v.value), 0) FROM public.rollup_value v WHERE v.node_id = j.id AND v.key = 'beds:total')
              WHEN t.metric = 'SUBSIDY_RECIPIENT_SHARE' THEN (
                SELECT coalesce(sum(x.delta), 0) FROM (
                  SELECT delta FROM public.rollup_change_period WHERE node_id = j.id AND key = 'people:total' AND grain = 'year'
                    AND start < date_trunc('year', ${TODAY})::date
                  UNION ALL
                  SELECT delta FROM public.rollup_change_period WHERE node_id = j.id AND key = 'people:total' AND grain = 'month'
                    AND start >= date_trunc('year', ${TODAY})::date AND start < date_trunc('month', ${TODAY})::date
                  UNION ALL
                  SELECT delta FROM public.rollup_change WHERE node_id = j.id AND key = 'people:total'
                    AND day >= date_trunc('month', ${TODAY})::date AND day <= ${TODAY}
                ) x)
              ELSE (SELECT bi.unit_count(j.level::text, m.unit_level, j.county_count, j.town_count, j.village_count)
                    FROM bi.coverage_metric m WHERE m.metric = t.metric::text)
            END AS denominator
        ) f
      ) p`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA bi CASCADE`);
  }
}
