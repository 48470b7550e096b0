/**
 * Splits `amount` fen in proportion to `weights`: the shares add up to `amount` exactly and each is
 * within one fen of its exact value. List funders from the highest level down: ties favour the earlier.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`amount must be a whole, non-negative number of fen, got ${amount}`);
  }
  if (weights.length === 0) throw new RangeError('at least one weight is needed');
  for (const weight of weights) {
    if (!Number.isSafeInteger(weight) || weight <= 0) throw new RangeError(`weights must be positive whole numbers, got ${weight}`);
  }
  // BigInt: amount × weight can pass 2^53, where a double would round.
  const whole = BigInt(amount);
  const total = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  const shares = weights.map((weight) => (whole * BigInt(weight)) / total);
  const remainders = weights.map((weight) => (whole * BigInt(weight)) % total);
  // Largest remainder (Hamilton): the fen the floors leave over, fewer than there are funders, go one each
  // to the largest remainders; every remainder has the denominator `total`, so numerators compare.
  const leftOver = Number(whole - shares.reduce((sum, share) => sum + share, 0n));
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1));
  for (const i of order.slice(0, leftOver)) shares[i] += 1n;
  return shares.map(Number);
}
