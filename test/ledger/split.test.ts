import { JurisdictionLevel } from '../../src/kernel/division-codes';
import { allocate } from '../../src/policies/cost-shares';
import { villageShares } from '../../src/ledger/settlement.service';

// The statement's split (docs/settlement.md#the-split-to-the-fen): every village's shares add up to its
// vouchers, and each funder's total over the villages is the largest-remainder split of the statement's
// total, for any amounts (charges and clawbacks alike) and any weights.

/** A small deterministic generator, so that a failure can be replayed from its seed. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % below;
  };
}

describe('villageShares', () => {
  it('splits each village to the fen and the total exactly as one largest-remainder split, over 500 random statements', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = generator(seed);
      const towns = 1 + next(4);
      const villages = Array.from({ length: 1 + next(12) }, (_, i) => `3210121${String(100 + (i % towns)).padStart(2, '0')}${String(1 + i).padStart(3, '0')}`);
      const lineages = new Map(villages.map((code) => [code, new Map([[JurisdictionLevel.CITY, 3210], [JurisdictionLevel.COUNTY, 321012], [JurisdictionLevel.TOWN, Number(code.slice(0, 9))]])]));
      const arrangements = ['COUNTY:7,TOWN:3', 'CITY:4,COUNTY:6', `CITY:${1 + next(9)},COUNTY:${1 + next(9)},TOWN:${1 + next(9)}`];
      const groups = villages.flatMap((villageCode) =>
        arrangements.filter(() => next(3) > 0).map((weights) => ({ villageCode, weights, fen: next(5) === 0 ? -next(20_000) : next(2_000_000) })),
      );
      const shares = villageShares(groups, lineages);
      for (const code of villages) {
        const vouchers = groups.filter((g) => g.villageCode === code).reduce((sum, g) => sum + g.fen, 0);
        expect(shares.filter((s) => s.villageCode === code).reduce((sum, s) => sum + s.amountFen, 0)).toBe(vouchers);
      }
      // Per funder, the sum over villages equals the split of each arrangement's total (largest remainder, highest level first).
      const expected = new Map<number, number>();
      for (const weights of arrangements) {
        const members = groups.filter((g) => g.weights === weights);
        if (members.length === 0) continue;
        const total = members.reduce((sum, g) => sum + g.fen, 0);
        const levels = weights.split(',').map((p) => p.split(':'));
        const parts = total >= 0 ? allocate(total, levels.map(([, w]) => Number(w))) : allocate(-total, levels.map(([, w]) => Number(w))).map((x) => -x);
        levels.forEach(([level], i) => {
          // Funders of one level across towns (TOWN) are summed as the level's total.
          const key = level === 'TOWN' ? -1 : level === 'COUNTY' ? 321012 : 3210;
          expected.set(key, (expected.get(key) ?? 0) + parts[i]);
        });
      }
      const actual = new Map<number, number>();
      for (const s of shares) {
        const key = s.funderId === 321012 || s.funderId === 3210 ? s.funderId : -1;
        actual.set(key, (actual.get(key) ?? 0) + s.amountFen);
      }
      for (const [key, fen] of expected) expect(actual.get(key) ?? 0).toBe(fen);
    }
  });
});
