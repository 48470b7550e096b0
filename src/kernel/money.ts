import { GraphQLScalarType, Kind } from 'graphql';

/** Fen written as yuan for messages, exactly: 5000 → "50.00 元". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} 元`;
}

const YUAN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * An amount written in yuan with at most two decimals ("600", "1234.5", "0.05") as fen, exactly: the
 * digits are joined as text, so no floating-point value is ever involved. Null when `text` is not such
 * an amount (a sign, a separator, a third decimal). Amounts too large for a safe integer come back
 * unsafe, for the caller's range check to refuse.
 */
export function fenFromYuan(text: string): number | null {
  const match = YUAN.exec(text.trim());
  if (!match) return null;
  return Number(`${match[1]}${(match[2] ?? '').padEnd(2, '0')}`);
}

function parseFen(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError('Fen must be a whole number of fen');
  return value;
}

/**
 * Money as a whole number of fen (分; 100 fen = 1 元), never a float. Totals outgrow GraphQL's 32-bit
 * Int (21,474,836.47 元), so this scalar carries any safe integer as a JSON number.
 */
export const FenScalar = new GraphQLScalarType<number, number>({
  name: 'Fen',
  description: 'An amount of money in fen (分): a whole number, 100 fen = 1 元.',
  serialize: (value) => parseFen(typeof value === 'string' ? Number(value) : value),
  parseValue: parseFen,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw new TypeError('Fen must be a whole number of fen');
    return parseFen(Number(ast.value));
  },
});
