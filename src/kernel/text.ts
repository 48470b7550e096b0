import { BadUserInputError } from './errors';
import { text as message } from './messages';

/** Free text from the client, trimmed: null when blank (BAD_USER_INPUT when `required`), refused over `max` characters. */
export function parseText(value: string | null | undefined, field: string, options: { required: boolean; max: number }): string | null {
  const text = value?.trim() ?? '';
  if (text === '') {
    if (options.required) throw new BadUserInputError(field, message('MUST_NOT_BE_EMPTY'));
    return null;
  }
  if ([...text].length > options.max) throw new BadUserInputError(field, message('AT_MOST_CHARACTERS', { max: options.max }));
  return text;
}

// A UTF-16 surrogate without its partner: no character, and PostgreSQL refuses it in jsonb.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` as PostgreSQL can store it: a lone surrogate becomes U+FFFD, a NUL (refused by text and jsonb) is dropped. */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(/\0/g, '');
}

/** `value` with every string in it (keys included) made storable, for a jsonb column. */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storableJson) as T;
  // Plain objects only: anything else (a Date) keeps its own JSON form.
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storableJson(item)])) as T;
  }
  return value;
}
