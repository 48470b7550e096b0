import type { GraphQLFormattedError } from 'graphql';

// Messages for people: English by default (scripts and logs match on it), Simplified Chinese when the
// client asks for it. Codes, fields and every other extension never change with the language.

export type Locale = 'en' | 'zh-CN';

// `{name}` is a parameter; a parameter that is itself a Text is said in the same language.
const MESSAGES = {
  SIGN_IN_FIRST: { en: 'Sign in first: send Authorization: Bearer <token> from login', zh: '请先登录：在 Authorization 请求头中发送 login 返回的 Bearer <token>' },
  BEARER_FORMAT: { en: 'Send the token as Authorization: Bearer <token>', zh: '请以 Authorization: Bearer <token> 的形式发送令牌' },
  TOKEN_EXPIRED: { en: 'The token has expired: sign in again', zh: '令牌已过期，请重新登录' },
  TOKEN_INVALID: { en: 'The token is not valid: sign in again', zh: '令牌无效，请重新登录' },
  TOKEN_REVOKED: { en: 'The token is no longer valid: sign in again', zh: '令牌已失效，请重新登录' },
  WRONG_CREDENTIALS: { en: 'Wrong username or password', zh: '用户名或密码错误' },
  TOO_MANY_SIGN_INS: { en: 'Too many failed sign-ins: try again in {seconds} s', zh: '登录失败次数过多，请 {seconds} 秒后再试' },
  NOT_ALLOWED: { en: 'Not allowed for this user', zh: '您无权进行此操作' },
  USER_NOT_IN_SCOPE: { en: 'No such user in your jurisdiction', zh: '您的辖区内没有该用户' },
  FACILITY_NOT_IN_SCOPE: { en: 'No such facility in your jurisdiction', zh: '您的辖区内没有该设施' },
  PERSON_NOT_IN_SCOPE: { en: 'No such person in your jurisdiction', zh: '您的辖区内没有该老年人' },
  SCHEME_NOT_IN_SCOPE: { en: 'No such subsidy scheme for your jurisdiction', zh: '您的辖区没有该补贴方案' },
  CASE_NOT_IN_SCOPE: { en: 'No such case in your jurisdiction', zh: '您的辖区内没有该申请' },
  PROCEDURE_NOT_IN_SCOPE: { en: 'No such review procedure for your jurisdiction', zh: '您的辖区没有该审批程序' },
  PROVIDER_ENTRY_NOT_IN_SCOPE: { en: 'No such provider library entry in your jurisdiction', zh: '您的辖区内没有该服务商库条目' },
  BAN_NOT_IN_SCOPE: { en: 'No such provider ban in your jurisdiction', zh: '您的辖区内没有该取消资格记录' },
  CONTRACT_NOT_IN_SCOPE: { en: 'No such service contract in your jurisdiction', zh: '您的辖区内没有该服务合同' },
  WINDOW_NOT_IN_SCOPE: { en: 'No such intake window for your jurisdiction', zh: '您的辖区没有该集中申报期' },
  CAREGIVER_NOT_IN_SCOPE: { en: 'No such caregiver for you', zh: '您无权查看该助老服务人员或其不存在' },
  WORK_CARD_TAKEN: { en: 'The work card number {number} is taken in this organisation', zh: '本机构的服务工号 {number} 已被使用' },
  CAREGIVER_HAS_ACCOUNT: { en: 'The caregiver already has an account', zh: '该助老服务人员已有账号' },
  USERNAME_TAKEN: { en: 'The username {username} is taken', zh: '用户名 {username} 已被占用' },
  NATIONAL_ID_REGISTERED: { en: 'a person with this national ID is already registered', zh: '该身份证号码的老年人已登记' },
  DOES_NOT_EXIST: { en: '{what} does not exist', zh: '{what}不存在' },
  JURISDICTION: { en: 'Jurisdiction {code}', zh: '行政区划 {code} ' },
  THIS_DOWNLOAD: { en: 'This download', zh: '该下载' },
  FIELD_PROBLEM: { en: '{field}: {problem}', zh: '{field}：{problem}' },
  MUST_NOT_BE_EMPTY: { en: 'must not be empty', zh: '不能为空' },
  AT_MOST_CHARACTERS: { en: 'must be at most {max} characters', zh: '不能超过 {max} 个字符' },
  LENGTH_RANGE: { en: 'must be 1 to {max} characters', zh: '长度必须为 1 到 {max} 个字符' },
  PAGE_SIZE: { en: 'must be between 1 and {max}', zh: '必须在 1 到 {max} 之间' },
  NOT_A_CURSOR: { en: 'is not a cursor from this list', zh: '不是本列表的游标' },
  DAY_FORMAT: { en: 'must be a day written YYYY-MM-DD', zh: '必须是 YYYY-MM-DD 格式的日期' },
  DAY_RANGE: { en: 'must be a day from {earliest} to {latest}', zh: '必须是 {earliest} 至 {latest} 之间的日期' },
  NOT_AFTER_TODAY: { en: 'must not be after today ({today})', zh: '不能晚于今天（{today}）' },
  WHOLE_NUMBER_UP_TO: { en: 'must be a whole number from 0 to {max}', zh: '必须是 0 到 {max} 之间的整数' },
  NO_NUL: { en: 'must not contain the NUL character', zh: '不能包含 NUL 字符' },
  NO_LONE_SURROGATE: { en: 'must be valid Unicode (it holds half of a surrogate pair)', zh: '必须是有效的 Unicode 文本（含有不成对的代理字符）' },
  NO_BIDI_CONTROL: { en: 'must not contain bidirectional control characters', zh: '不能包含双向文本控制字符' },
  NOT_ONLY_INVISIBLE: { en: 'must not be made only of invisible characters', zh: '不能只由不可见字符组成' },
  QUERY_COST: {
    en: 'Query cost {cost} is over the limit of {maxCost}; ask for smaller pages, shorter series or fewer fields',
    zh: '查询开销 {cost} 超过上限 {maxCost}，请减小分页、缩短时间序列或减少字段',
  },
  RATE_LIMIT: {
    en: 'Rate limit: more than {points} of query cost in {windowSeconds} s; retry after {retryAfterSeconds} s',
    zh: '请求过于频繁：{windowSeconds} 秒内查询开销超过 {points}，请 {retryAfterSeconds} 秒后再试',
  },
  BUSY: { en: 'The server is busy; try again shortly', zh: '服务器繁忙，请稍后再试' },
  TOO_SLOW: { en: 'The request took too long and was stopped', zh: '请求耗时过长，已被终止' },
  DATABASE_UNREACHABLE: { en: 'The database is unreachable; try again shortly', zh: '数据库暂时无法连接，请稍后再试' },
  COMMIT_OUTCOME_UNKNOWN: {
    en: 'The database connection was lost while this change was being committed: it may or may not have been applied',
    zh: '提交此项更改时与数据库的连接中断：更改可能已生效，也可能未生效，请先核实再重试',
  },
  INTERNAL: { en: 'Internal server error', zh: '服务器内部错误' },
  BODY_TOO_LARGE: { en: 'The request body exceeds {max}', zh: '请求体超过 {max}' },
  BODY_NOT_JSON: { en: 'The request body is not valid JSON', zh: '请求体不是有效的 JSON' },
  WORK_ORDER_NOT_IN_SCOPE: { en: 'No such work order for you', zh: '您无权查看该服务工单或其不存在' },
} satisfies Record<string, { en: string; zh: string }>;

export type MessageId = keyof typeof MESSAGES;

/** A message by its stable id, with its parameters: said in whichever language the client reads. */
export interface Text {
  readonly id: MessageId;
  readonly params: Readonly<Record<string, string | number | Text>>;
}

export function text(id: MessageId, params: Text['params'] = {}): Text {
  return { id, params };
}

function say(message: Text, language: 'en' | 'zh'): string {
  return MESSAGES[message.id][language].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = message.params[name];
    return typeof value === 'object' ? say(value, language) : String(value);
  });
}

/** The message in English, as every client without a language preference reads it. */
export function english(message: Text): string {
  return say(message, 'en');
}

// What a message without a translation says in Chinese: its code's meaning.
const GENERIC: Record<string, string> = {
  UNAUTHENTICATED: '未登录或登录已失效，请重新登录',
  FORBIDDEN: '您无权进行此操作',
  NOT_FOUND: '所请求的记录不存在',
  BAD_USER_INPUT: '输入有误',
  CONFLICT: '与现有数据冲突',
  LIMIT_EXCEEDED: '请求超出限制',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL_SERVER_ERROR: '服务器内部错误',
  GRAPHQL_PARSE_FAILED: '查询语句无法解析',
  GRAPHQL_VALIDATION_FAILED: '查询语句不符合接口定义',
  BAD_REQUEST: '请求有误',
};
// Errors in the query document name the schema's (English) fields and types: their detail is kept.
const DOCUMENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

/**
 * The language a client asked for in Accept-Language (RFC 9110: the highest q-value wins, the first
 * listed among equals; q=0 means "not this"): Chinese for zh, zh-CN and zh-Hans, English otherwise.
 */
export function preferredLocale(acceptLanguage: string | undefined): Locale {
  let best: Locale = 'en';
  let bestWeight = 0;
  for (const entry of (acceptLanguage ?? '').split(',')) {
    const [range, ...params] = entry.split(';').map((part) => part.trim());
    const q = params.find((param) => /^q=/i.test(param));
    const weight = q === undefined ? 1 : /^[01](\.\d{0,3})?$/.test(q.slice(2)) ? Number(q.slice(2)) : 0;
    const locale = localeOfTag(range.toLowerCase());
    if (locale && weight > bestWeight && weight <= 1) {
      best = locale;
      bestWeight = weight;
    }
  }
  return best;
}

function localeOfTag(tag: string): Locale | null {
  if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-hans' || tag === 'zh-hans-cn') return 'zh-CN';
  if (tag === 'en' || tag.startsWith('en-') || tag === '*') return 'en';
  return null;
}

/**
 * `formatted` in `locale`. In Chinese the message is `said`'s translation, or where it has none the
 * generic message of its code followed by its field; `extensions.englishMessage` keeps the English
 * original. Code, field, path and every other extension are left as they are.
 */
export function inLocale(formatted: GraphQLFormattedError, said: Text | null, locale: Locale): GraphQLFormattedError {
  if (locale === 'en') return formatted;
  const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const field = formatted.extensions?.field;
  const generic = GENERIC[code] ?? GENERIC.BAD_REQUEST;
  const message = said
    ? say(said, 'zh')
    : DOCUMENT_CODES.has(code)
      ? `${generic}：${formatted.message}`
      : `${generic}${typeof field === 'string' ? `（${field}）` : ''}`;
  return { ...formatted, message, extensions: { ...formatted.extensions, englishMessage: formatted.message } };
}
