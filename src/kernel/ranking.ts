/**
 * Competition ranks ("1224"), the one ranking of siblings on every board: sorted best first by `byRank`
 * (negative when its first argument is the better), an item's rank is 1 + the number of items better
 * than it, so equal items share a rank. The ranks come in the items' own order.
 */
export function competitionRanks<T>(items: readonly T[], byRank: (a: T, b: T) => number): number[] {
  const order = items.map((_, i) => i).sort((i, j) => byRank(items[i], items[j]));
  const ranks = new Array<number>(items.length);
  let start = 0;
  order.forEach((index, position) => {
    if (position > 0 && byRank(items[order[position - 1]], items[index]) !== 0) start = position;
    ranks[index] = start + 1;
  });
  return ranks;
}

/** Highest share first, none (null) last: the order of share boards. */
export const byShareDescending = (a: number | null, b: number | null): number => (b ?? -1) - (a ?? -1);
