import { Role } from '../../src/kernel/actor';
import { preferredLocale } from '../../src/kernel/messages';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { useHarness } from '../support/harness';

const h = useHarness();

interface Answer {
  status: number;
  language: string | null;
  errors: { message: string; path?: string[]; extensions: Record<string, unknown> }[];
}

async function ask(query: string, options: { token?: string; language?: string; variables?: Record<string, unknown> } = {}): Promise<Answer> {
  const response = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.language ? { 'accept-language': options.language } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const body = (await response.json()) as { errors: Answer['errors'] };
  return { status: response.status, language: response.headers.get('content-language'), errors: body.errors };
}

/** An error without its message, its stack trace (it quotes the English message) and englishMessage. */
function apartFromMessage(error: Answer['errors'][number]): string {
  const { englishMessage: _english, stacktrace: _stack, ...extensions } = error.extensions;
  return JSON.stringify({ path: error.path, extensions });
}

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
// A page of 100 ten-year trends reads 12,000 month-ends: over the served cost limit of 10,000.
const EXPENSIVE = `{ jurisdictions(first: 100) { edges { node { coverageTrend(metric: VILLAGE_SERVICE, from: "2016-01-01", to: "2025-12-31") { numerator } } } } }`;

describe('messages in the language the client asks for', () => {
  let token: string;
  beforeEach(async () => {
    await smallTree(h.db);
    token = (await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN], 'admin@321012')).token;
  });

  const refusals: [what: string, send: () => { query: string; token?: string; variables?: Record<string, unknown> }, code: string, chinese: string][] = [
    ['a node outside the subtree', () => ({ query: `{ jurisdiction(code: "320102") { code } }`, token }), 'FORBIDDEN', '您无权进行此操作'],
    ['a missing node inside it', () => ({ query: `{ jurisdiction(code: "321012999") { code } }`, token }), 'NOT_FOUND', '行政区划 321012999 不存在'],
    ['a page over the cap', () => ({ query: `{ jurisdiction(code: "321012") { children(first: 500) { totalCount } } }`, token }), 'BAD_USER_INPUT', 'first：必须在 1 到 100 之间'],
    ['a wrong password', () => ({ query: LOGIN, variables: { u: 'admin@321012', p: 'not-the-password' } }), 'UNAUTHENTICATED', '用户名或密码错误'],
    ['a query over the cost limit', () => ({ query: EXPENSIVE, token }), 'LIMIT_EXCEEDED', '查询开销'],
    [
      'a taken username',
      () => ({
        query: `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`,
        variables: { input: { username: 'admin@321012', password: 'new-password-1', jurisdictionCode: '321012100', roles: ['CIVIL_AFFAIRS_STAFF'] } },
        token,
      }),
      'CONFLICT',
      '用户名 admin@321012 已被占用',
    ],
    ['a token that is not one', () => ({ query: `{ me { username } }`, token: 'not-a-token' }), 'UNAUTHENTICATED', '令牌无效，请重新登录'],
  ];

  it.each(refusals)('refuses %s in Chinese for zh-CN, in English otherwise, with the same code, field and extensions', async (_what, send, code, chinese) => {
    const request = send();
    const english = await ask(request.query, request);
    const zh = await ask(request.query, { ...request, language: 'zh-CN' });
    expect(english.errors.map((e) => e.extensions.code)).toEqual([code]);
    expect(english.language).toBe('en');
    expect(zh.language).toBe('zh-CN');
    expect(zh.status).toBe(english.status);
    expect(zh.errors).toHaveLength(1);
    expect(zh.errors[0].message.startsWith(chinese)).toBe(true);
    expect(zh.errors[0].message).not.toBe(english.errors[0].message);
    expect(zh.errors[0].extensions.englishMessage).toBe(english.errors[0].message);
    expect(english.errors[0].extensions).not.toHaveProperty('englishMessage');
    expect(apartFromMessage(zh.errors[0])).toBe(apartFromMessage(english.errors[0]));
  });

  it('answers a message without a translation with its code’s generic message and field, keeping the English', async () => {
    const query = `{ jurisdiction(code: "321012") { coverageTrend(metric: VILLAGE_SERVICE, from: "2000-01-01", to: "2025-11-30") { asOf } } }`;
    const english = await ask(query, { token });
    const zh = await ask(query, { token, language: 'zh-CN' });
    expect(english.errors[0]).toMatchObject({ message: 'to: a trend spans at most 120 months', extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
    expect(zh.errors[0].message).toBe('输入有误（to）');
    expect(zh.errors[0].extensions.englishMessage).toBe('to: a trend spans at most 120 months');
    expect(apartFromMessage(zh.errors[0])).toBe(apartFromMessage(english.errors[0]));
  });

  it('keeps the English detail of an error in the query document after a Chinese prefix', async () => {
    const english = await ask(`{ nosuchfield }`, { token });
    const zh = await ask(`{ nosuchfield }`, { token, language: 'zh-CN' });
    expect(english.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(zh.errors[0].message).toBe(`查询语句不符合接口定义：${english.errors[0].message}`);
    expect(apartFromMessage(zh.errors[0])).toBe(apartFromMessage(english.errors[0]));
  });

  it('refuses a body that is not JSON in Chinese too', async () => {
    const response = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' }, body: '{' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-language')).toBe('zh-CN');
    expect(((await response.json()) as Answer).errors).toEqual([
      { message: '请求体不是有效的 JSON', extensions: { code: 'BAD_REQUEST', englishMessage: 'The request body is not valid JSON' } },
    ]);
  });

  it.each([
    ['en;q=0.9, zh-CN;q=0.8', 'en'],
    ['zh-CN;q=0.8, en;q=0.9', 'en'],
    ['zh;q=0.9, en;q=0.8', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['fr, zh-cn;q=0.5', 'zh-CN'],
    ['zh-TW', 'en'],
    ['zh-CN;q=0', 'en'],
  ])('answers Accept-Language: %s in %s', async (header, language) => {
    const answer = await ask(LOGIN, { variables: { u: 'admin@321012', p: 'not-the-password' }, language: header });
    expect(answer.language).toBe(language);
    expect(answer.errors[0].message).toBe(language === 'en' ? 'Wrong username or password' : '用户名或密码错误');
  });

  it('signs in as before whatever the language', async () => {
    const answer = await ask(LOGIN, { variables: { u: 'admin@321012', p: TEST_PASSWORD }, language: 'zh-CN' });
    expect(answer.errors).toBeUndefined();
  });

  it('refuses a download in Chinese too', async () => {
    const get = (path: string, headers: Record<string, string>) => fetch(`${h.url}${path}`, { headers });
    const english = await get('/exports/notices/1.csv', {});
    const zh = await get('/exports/notices/1.csv', { 'accept-language': 'zh-CN' });
    expect(zh.status).toBe(401);
    expect(english.status).toBe(401);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    const [englishError] = ((await english.json()) as Answer).errors;
    const [zhError] = ((await zh.json()) as Answer).errors;
    expect(zhError.message).toBe('请先登录：在 Authorization 请求头中发送 login 返回的 Bearer <token>');
    expect(zhError.extensions.englishMessage).toBe(englishError.message);
    expect(apartFromMessage(zhError)).toBe(apartFromMessage(englishError));
    const missing = await get('/exports/notices/1.pdf', { 'accept-language': 'zh-CN', authorization: `Bearer ${token}` });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Answer).errors[0]).toMatchObject({ message: '该下载不存在', extensions: { code: 'NOT_FOUND', englishMessage: 'This download does not exist' } });
  });
});

describe('preferredLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['en-GB, zh;q=0.9', 'en'],
    ['*;q=0.5, zh;q=0.4', 'en'],
    ['zh;q=1.5', 'en'],
    ['zh;q=abc, en;q=0.1', 'en'],
    ['de, ja', 'en'],
  ])('%s → %s', (header, locale) => {
    expect(preferredLocale(header)).toBe(locale);
  });
});
