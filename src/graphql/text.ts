import { BadUserInputError } from './errors';

/** Free text from the client, trimmed: null when blank (BAD_USER_INPUT when `required`), refused over `max` characters. */
export function parseText(value: string | null | undefined, field: string, options: { required: boolean; max: number }): string | null {
  const text = value?.trim() ?? '';
  if (text === '') {
    if (options.required) throw new BadUserInputError(field, 'must not be empty');
    return null;
  }
  if ([...text].length > options.max) throw new BadUserInputError(field, `must be at most ${options.max} characters`);
  return text;
}
