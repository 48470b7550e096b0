import { errorCodes, useHarness } from '../support/harness';

// A server as deployed: introspection off, and with it every hint of the schema's names.
const h = useHarness({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://unused@127.0.0.1/unused', JWT_SECRET: 'x'.repeat(40) });

describe('a production server', () => {
  it('refuses introspection', async () => {
    const res = await h.gql('{ __schema { queryType { name } } }');
    expect([res.status, errorCodes(res)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
  });

  it('names no field, type or argument the client did not write ("Did you mean")', async () => {
    for (const query of ['{ jurisdictons { totalCount } }', '{ me { usernam } }', '{ jurisdiction(cod: "32") { code } }', 'query($d: Dat) { me { username } }']) {
      const res = await h.gql(query);
      expect([query, res.status, [...new Set(errorCodes(res))]]).toEqual([query, 400, ['GRAPHQL_VALIDATION_FAILED']]);
      const messages = (res.errors ?? []).map((e) => e.message).join(' ');
      expect(messages).not.toMatch(/Did you mean|jurisdictions"|username"|"Date"/);
    }
  });

  it('answers the documents that once crashed the depth rule with HTTP 400, without a stack', async () => {
    for (const query of ['{ ...Nope }', 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }', 'fragment A on Query { ...A } { ...A }']) {
      const res = await h.gql(query);
      expect([query, res.status, errorCodes(res)]).toEqual([query, 400, ['GRAPHQL_VALIDATION_FAILED']]);
      expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|at .*\.js/);
    }
  });
});
