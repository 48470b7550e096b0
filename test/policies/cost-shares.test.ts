import { allocate } from '../../src/policies/cost-shares';

describe('allocate', () => {
  // Expected shares worked out by hand: floor(amount × w / W) each, then the fen left over one each to
  // the largest remainders (numerators over W), ties to the earlier weight.
  it.each([
    // 8001 × 7 = 56007 → 5600 r 7; 8001 × 3 = 24003 → 2400 r 3; 1 fen left, to r 7.
    [8001, [7, 3], [5601, 2400]],
    // 8001 × 4 = 32004 → 3200 r 4; 8001 × 6 = 48006 → 4800 r 6; 1 fen left, to the later weight's larger r 6.
    [8001, [4, 6], [3200, 4801]],
    // 12345 × 4 / 10 = 4938 and 12345 × 6 / 10 = 7407 exactly: nothing left over.
    [12345, [4, 6], [4938, 7407]],
    // 33 r 1 each, 1 fen left: the tie goes to the first.
    [100, [1, 1, 1], [34, 33, 33]],
    // 33 r 2 each, 2 fen left: to the first two.
    [101, [1, 1, 1], [34, 34, 33]],
    // 1, 2, 1, 2 of 7 fen (W = 6): 1 r 1, 2 r 2, 1 r 1, 2 r 2; 1 fen left, to the first r 2.
    [7, [1, 2, 1, 2], [1, 3, 1, 2]],
    // 99999 × 5, 3, 2 / 10: 49999 r 5, 29999 r 7, 19999 r 8; 2 fen left, to r 8 and r 7.
    [99999, [5, 3, 2], [49999, 30000, 20000]],
    // 123456789 × 40, 30, 20, 10 / 100: 49382715 r 60, 37037036 r 70, 24691357 r 80, 12345678 r 90;
    // 3 fen left, to r 90, 80, 70: the first, with the smallest remainder, gets none.
    [123456789, [40, 30, 20, 10], [49382715, 37037037, 24691358, 12345679]],
    [1, [1, 1], [1, 0]],
    // 0 r 1 and 0 r 2 over W = 3: the fen goes to the larger remainder, not the earlier weight.
    [1, [1, 2], [0, 1]],
    [0, [7, 3], [0, 0]],
    [0, [1], [0]],
    [8001, [3], [8001]],
  ])('splits %i fen by %j into %j', (amount, weights, shares) => {
    expect(allocate(amount, weights)).toEqual(shares);
  });

  it('keeps every fen where amount × weight passes 2^53', () => {
    // 9007199254740991 (2^53 - 1) × 0.3 = 2702159776422297.3 and × 0.7 = 6305039478318693.7:
    // floors r 3 and r 7 (over 10), 1 fen left, to r 7.
    expect(allocate(Number.MAX_SAFE_INTEGER, [3, 7])).toEqual([2702159776422297, 6305039478318694]);
    // 2^53 - 2 = 6 × 1501199875790165 splits 1:2:3 exactly; in doubles 3 × (2^53 - 2) rounds and its floor falls a fen short.
    expect(allocate(2 ** 53 - 2, [1, 2, 3])).toEqual([1501199875790165, 3002399751580330, 4503599627370495]);
    // W = 2 (2^53 - 1): 1 r (2^53 - 1) each, a tie, so the earlier takes the odd fen.
    expect(allocate(3, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])).toEqual([2, 1]);
  });

  it.each([-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the amount %p', (amount) => {
    expect(() => allocate(amount, [1, 1])).toThrow(RangeError);
  });

  it.each([[[]], [[0]], [[7, 0, 3]], [[-1, 2]], [[1.5]], [[Number.NaN]], [[2 ** 53]]])('refuses the weights %j', (weights) => {
    expect(() => allocate(100, weights)).toThrow(RangeError);
  });
});

// mulberry32: a seeded PRNG, so a failure here reproduces.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('allocate on random cases', () => {
  it('sums to the amount, stays within a fen of the exact share, follows the remainder order and repeats itself', () => {
    const random = mulberry32(0x5eed2026);
    const upTo = (max: number) => {
      // 53 random bits, so amounts up to 10^12 are not limited to 2^32 values.
      const bits = Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32);
      return bits % (max + 1);
    };
    const failures: string[] = [];
    for (let n = 0; n < 100_000 && failures.length < 10; n++) {
      // Small amounts and small weights make ties and exact splits common; the others reach 10^12.
      const amount = upTo([99, 100_000, 1e12][n % 3]);
      const maxWeight = n % 4 === 0 ? 3 : 10_000;
      const weights = Array.from({ length: 1 + upTo(5) }, () => 1 + upTo(maxWeight - 1));
      const given = [...weights];
      const shares = allocate(amount, weights);
      const label = `allocate(${amount}, [${weights.join(', ')}]) = [${shares.join(', ')}]`;

      const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
      const whole = BigInt(amount);
      if (shares.length !== weights.length || shares.some((s) => !Number.isSafeInteger(s) || s < 0)) {
        failures.push(`${label}: not one whole share per weight`);
        continue;
      }
      if (shares.reduce((sum, s) => sum + BigInt(s), 0n) !== whole) failures.push(`${label}: does not sum to the amount`);
      // |share - amount × w / W| < 1, multiplied through by W.
      const errors = shares.map((s, i) => BigInt(s) * total - whole * BigInt(weights[i]));
      if (errors.some((e) => e <= -total || e >= total)) failures.push(`${label}: a share is a fen or more off`);
      // Every share rounded up has a larger remainder than every share rounded down, or an equal one and comes first.
      const remainders = weights.map((w) => (whole * BigInt(w)) % total);
      const up = errors.flatMap((e, i) => (e > 0n ? [i] : []));
      const down = errors.flatMap((e, i) => (e <= 0n ? [i] : []));
      for (const i of up) {
        for (const j of down) {
          if (remainders[i] < remainders[j] || (remainders[i] === remainders[j] && i > j)) {
            failures.push(`${label}: share ${i} took a fen before share ${j}`);
          }
        }
      }
      if (JSON.stringify(allocate(amount, given)) !== JSON.stringify(shares)) failures.push(`${label}: differs on a second call`);
      if (JSON.stringify(weights) !== JSON.stringify(given)) failures.push(`${label}: changed its weights`);
      // Only the ratio matters: scaled weights leave the same remainder order.
      const k = 2 + upTo(998);
      if (JSON.stringify(allocate(amount, weights.map((w) => w * k))) !== JSON.stringify(shares)) {
        failures.push(`${label}: differs with the weights × ${k}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
