import { execute, parse } from 'graphql';
import { Role } from '../../src/kernel/actor';
import type { Context } from '../../src/kernel/context';
import { buildApiSchema } from '../../src/app/schema';
import { userService } from '../../src/users/user.service';
import { countyOfTowns, createUser, insertJurisdictions } from '../support/factories';
import { forgetCaches, useHarness } from '../support/harness';

// The server runs queries compiled by graphql-jit (src/graphql/executor.ts); graphql-js is the
// reference. The same operation, as the same caller, must answer the same.

const h = useHarness();

async function byGraphqlJs(query: string, variables: Record<string, unknown>, token: string) {
  const schema = await buildApiSchema();
  const ctx: Context = { actor: null, dataSource: h.db, db: h.db.manager, requestId: 'reference', clientAddress: '127.0.0.1', locale: 'en', loaders: new Map() };
  ctx.actor = await userService.authenticate(ctx, token);
  const result = await execute({ schema, document: parse(query), contextValue: ctx, variableValues: variables });
  return JSON.parse(JSON.stringify(result));
}

const DASHBOARD = `query($code: String!, $metric: CoverageMetric!, $first: Int) {
  jurisdiction(code: $code) {
    code name level parent { code } ancestors { code name }
    village: coverage(metric: $metric) { numerator denominator rate rank rankedAmong }
    facilityStats { count beds { total nursingShare } byTypeAndStatus { type status count } }
    children(first: $first) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ...town ... on Jurisdiction { meals: coverage(metric: MEAL_SERVICE) { numerator rate rank } } } }
    }
    childCoverage(metric: $metric, order: RATE_ASC, first: 5) { totalCount edges { node { numerator rank jurisdiction { code } } } }
  }
}
fragment town on Jurisdiction { code name village: coverage(metric: $metric) { numerator denominator rate rank rankedAmong } }`;

describe('compiled queries', () => {
  it('answer a dashboard exactly as graphql-js does', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
    await countyOfTowns(h, '321084', 12);
    const office = await createUser(h.db, '3210', [Role.LEADERSHIP_OFFICE]);
    const variables = { code: '321084', metric: 'VILLAGE_SERVICE', first: 10 };

    await forgetCaches(h);
    const served = await h.gql(DASHBOARD, variables, office.token);
    expect(served.errors).toBeUndefined();
    expect(served.data.jurisdiction.children.edges).toHaveLength(10);
    expect(served.data.jurisdiction.children.totalCount).toBe(12);
    const reference = await byGraphqlJs(DASHBOARD, variables, office.token);
    // observedAt is the moment each answer was read: the only field allowed to differ.
    const withoutMoments = (value: unknown) => JSON.parse(JSON.stringify(value, (key, v) => (key === 'observedAt' ? undefined : v)));
    expect(withoutMoments(served.data)).toEqual(withoutMoments(reference.data));
  });

  it('refuse what graphql-js refuses, with the same codes and the same nulls', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
    await countyOfTowns(h, '321084', 3);
    const assessor = await createUser(h.db, '3210', [Role.ASSESSOR]);
    const query = `query($code: String!) { jurisdiction(code: $code) { code coverage(metric: VILLAGE_SERVICE) { numerator } } other: jurisdiction(code: "32") { code } }`;

    const served = await h.gql(query, { code: '321084' }, assessor.token);
    const reference = await byGraphqlJs(query, { code: '321084' }, assessor.token);
    expect(served.data).toEqual(reference.data);
    expect(served.data).toEqual({ jurisdiction: null, other: null });
    expect(served.errors?.map((e) => [e.path, e.extensions.code])).toEqual(reference.errors.map((e: any) => [e.path, e.extensions.code]));
  });

  it('leave variables that do not fit their type to graphql-js: BAD_USER_INPUT, HTTP 400, nothing run', async () => {
    await insertJurisdictions(h.db, [['32', '江苏省']]);
    const office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    const res = await h.gql(`query($metric: CoverageMetric!) { jurisdiction(code: "32") { coverage(metric: $metric) { numerator } } }`, { metric: 'NO_SUCH_METRIC' }, office.token);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0].message).toMatch(/Variable "\$metric" got invalid value "NO_SUCH_METRIC"/);
  });
});
