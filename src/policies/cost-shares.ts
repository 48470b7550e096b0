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
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  if (Number.isSafeInteger(amount * totalWeight)) return allocateExactly(amount, weights, totalWeight);
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

// The same split in doubles, for amounts whose products stay below 2^53 (every integer there is exact).
function allocateExactly(amount: number, weights: readonly number[], total: number): number[] {
  // The remainder first: % is exact on integers, and an exact multiple divides exactly.
  const remainders = weights.map((weight) => (amount * weight) % total);
  const shares = weights.map((weight, i) => (amount * weight - remainders[i]) / total);
  let leftOver = amount - shares.reduce((sum, share) => sum + share, 0);
  if (leftOver === 0) return shares;
  const order = weights.map((_, i) => i).sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[b] - remainders[a]));
  for (const i of order) {
    if (leftOver-- === 0) break;
    shares[i] += 1;
  }
  return shares;
}
