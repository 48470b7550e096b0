import { byShareDescending, competitionRanks } from '../../src/kernel/ranking';

describe('competition ranks', () => {
  it('give equal items one rank and the next item its place after them, in the items’ own order', () => {
    const shares = [0.5, 0.9, null, 0.5, 1, 0.2];
    expect(competitionRanks(shares, byShareDescending)).toEqual([3, 2, 6, 3, 1, 5]);
  });

  it('break ties by a second figure when the order says so', () => {
    const rows = [
      { share: 1, other: 0.1 },
      { share: 1, other: 0.3 },
      { share: 0.8, other: 0.9 },
    ];
    expect(competitionRanks(rows, (a, b) => byShareDescending(a.share, b.share) || byShareDescending(a.other, b.other))).toEqual([2, 1, 3]);
    expect(competitionRanks([], byShareDescending)).toEqual([]);
  });
});
