import { ServiceItem } from '../../src/care/care-kinds';
import { PersonStatus } from '../../src/elderly/elderly-kinds';
import { distanceMetres, voidReasons, VisitVoidReason as R, type VisitEvidence, type VisitStanding } from '../../src/visits/verification.rules';

// The verification rules of a home visit, each alone: a visit that breaks one rule is void for that
// reason only, so every reason is shown to be reachable and independent of the others.

const HOME = { lat: 32.4346, lng: 119.5696 }; // a village of 江都区
const at = (time: string) => new Date(`2026-11-03T${time}:00+08:00`);

const visit = (over: Partial<VisitEvidence> = {}): VisitEvidence => ({
  checkInAt: at('09:00'),
  checkOutAt: at('10:05'),
  receivedAt: at('10:05'),
  place: { lat: HOME.lat + 0.0005, lng: HOME.lng }, // about 56 m north of home
  scannedCard: 'card-1',
  ...over,
});

const standing = (over: Partial<VisitStanding> = {}): VisitStanding => ({
  items: [{ item: ServiceItem.CLEANING, minMinutes: 60, contracted: true }],
  recipient: { enrolled: true, status: PersonStatus.ACTIVE, statusSince: null, home: HOME, cardToken: 'card-1' },
  caregiver: { trained: true, barred: false },
  caregiverVisits: [],
  rules: { radiusMetres: 200, lateSyncDays: 7 },
  day: '2026-11-03',
  ...over,
});

describe('a home visit’s verification', () => {
  it('verifies a visit of an hour or more at the recipient’s home, signed in and out, by a trained caregiver under contract', () => {
    expect(voidReasons(visit(), standing())).toEqual([]);
  });

  it('voids a 40-minute visit: «每次服務時長不低於1小時» (seed 004 篇四)', () => {
    expect(voidReasons(visit({ checkOutAt: at('09:40') }), standing())).toEqual([R.SHORTER_THAN_MINIMUM]);
    // Exactly the minimum is enough; a minute less is not.
    expect(voidReasons(visit({ checkOutAt: at('10:00') }), standing())).toEqual([]);
    expect(voidReasons(visit({ checkOutAt: at('09:59') }), standing())).toEqual([R.SHORTER_THAN_MINIMUM]);
  });

  it('takes the largest of the items’ minimums as the visit’s', () => {
    const items = [
      { item: ServiceItem.PERSONAL_CARE, minMinutes: 30, contracted: true },
      { item: ServiceItem.CLEANING, minMinutes: 90, contracted: true },
    ];
    expect(voidReasons(visit({ checkOutAt: at('10:05') }), standing({ items }))).toEqual([R.SHORTER_THAN_MINIMUM]);
    expect(voidReasons(visit({ checkOutAt: at('10:30') }), standing({ items }))).toEqual([]);
  });

  it('needs the sign-out after the sign-in: «服務前掃二維碼簽入,服務結束後簽出» (seed 004 篇四)', () => {
    expect(voidReasons(visit({ checkOutAt: null }), standing())).toEqual([R.NO_CHECK_OUT]);
    expect(voidReasons(visit({ checkOutAt: at('09:00') }), standing())).toEqual([R.CHECK_OUT_NOT_AFTER_CHECK_IN]);
    expect(voidReasons(visit({ checkOutAt: at('08:00') }), standing())).toEqual([R.CHECK_OUT_NOT_AFTER_CHECK_IN]);
  });

  it('voids a visit overlapping another of the same caregiver, and not one that ends as the other begins', () => {
    const overlapping = [{ start: at('09:30'), end: at('10:30') }];
    expect(voidReasons(visit(), standing({ caregiverVisits: overlapping }))).toEqual([R.CAREGIVER_OVERLAP]);
    const backToBack = [{ start: at('10:05'), end: at('11:05') }];
    expect(voidReasons(visit(), standing({ caregiverVisits: backToBack }))).toEqual([]);
  });

  it('refuses the day of and after a death or a move, not the day before: «遷離、去世…停止提供服務» (seed 004 篇四)', () => {
    const died = (statusSince: string) => standing({ recipient: { ...standing().recipient, status: PersonStatus.DECEASED, statusSince } });
    expect(voidReasons(visit(), died('2026-11-02'))).toEqual([R.RECIPIENT_DECEASED]);
    expect(voidReasons(visit(), died('2026-11-03'))).toEqual([R.RECIPIENT_DECEASED]);
    expect(voidReasons(visit(), died('2026-11-04'))).toEqual([]);
    const moved = standing({ recipient: { ...standing().recipient, status: PersonStatus.MOVED_AWAY, statusSince: '2026-11-01' } });
    expect(voidReasons(visit(), moved)).toEqual([R.RECIPIENT_MOVED_AWAY]);
  });

  it('serves only enrolled recipients, with items the provider’s contract covers that day', () => {
    expect(voidReasons(visit(), standing({ recipient: { ...standing().recipient, enrolled: false } }))).toEqual([R.RECIPIENT_NOT_ENROLLED]);
    const uncontracted = [{ item: ServiceItem.MEALS, minMinutes: 60, contracted: false }];
    expect(voidReasons(visit(), standing({ items: uncontracted }))).toEqual([R.ITEM_NOT_CONTRACTED]);
    expect(voidReasons(visit(), standing({ items: [] }))).toEqual([R.ITEM_NOT_CONTRACTED]);
  });

  it('refuses an untrained caregiver «培訓不合格人員不得上崗» (seed 004 篇四) and a barred one', () => {
    expect(voidReasons(visit(), standing({ caregiver: { trained: false, barred: false } }))).toEqual([R.CAREGIVER_NOT_TRAINED]);
    expect(voidReasons(visit(), standing({ caregiver: { trained: true, barred: true } }))).toEqual([R.CAREGIVER_BARRED]);
  });

  it('places the visit by coordinates within the county’s radius, else by the recipient’s own card scanned', () => {
    const far = { lat: HOME.lat + 0.01, lng: HOME.lng }; // about 1.1 km north
    expect(voidReasons(visit({ place: far }), standing())).toEqual([R.AWAY_FROM_HOME]);
    expect(voidReasons(visit({ place: far }), standing({ rules: { radiusMetres: 1500, lateSyncDays: 7 } }))).toEqual([]);
    // No coordinates: the scan of the right card places it; of another card, or of none, not.
    expect(voidReasons(visit({ place: null }), standing())).toEqual([]);
    expect(voidReasons(visit({ place: null, scannedCard: 'card-2' }), standing())).toEqual([R.WRONG_CARD]);
    expect(voidReasons(visit({ place: null, scannedCard: null }), standing())).toEqual([R.NO_PLACE_EVIDENCE]);
    // Coordinates without a registered home to compare them with are no evidence of place on their own.
    const homeless = standing({ recipient: { ...standing().recipient, home: null } });
    expect(voidReasons(visit({ scannedCard: null }), homeless)).toEqual([R.NO_PLACE_EVIDENCE]);
  });

  it('accepts events from an offline device within the county’s days, keeping the device’s clock for the duration', () => {
    const lateBy = (days: number) => new Date(at('10:05').getTime() + days * 86_400_000);
    expect(voidReasons(visit({ receivedAt: lateBy(7) }), standing())).toEqual([]);
    expect(voidReasons(visit({ receivedAt: new Date(lateBy(7).getTime() + 1) }), standing())).toEqual([R.SYNCED_TOO_LATE]);
  });

  it('lists every reason a visit breaks, in a fixed order', () => {
    const reasons = voidReasons(
      visit({ checkOutAt: at('09:20'), place: null, scannedCard: null }),
      standing({ caregiver: { trained: false, barred: true }, recipient: { ...standing().recipient, enrolled: false } }),
    );
    expect(reasons).toEqual([R.SHORTER_THAN_MINIMUM, R.RECIPIENT_NOT_ENROLLED, R.CAREGIVER_NOT_TRAINED, R.CAREGIVER_BARRED, R.NO_PLACE_EVIDENCE]);
  });
});

describe('distanceMetres', () => {
  it('measures great-circle distance on the mean Earth radius (6,371.0088 km): a quarter meridian is πR/2, half the equator πR', () => {
    const R_M = 6_371_008.8;
    expect(distanceMetres(HOME, HOME)).toBe(0);
    expect(distanceMetres({ lat: 0, lng: 0 }, { lat: 90, lng: 0 })).toBeCloseTo((Math.PI * R_M) / 2, 3);
    expect(distanceMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(Math.PI * R_M, 3);
    // One degree of latitude: 2πR / 360, about 111.2 km, wherever it is taken.
    expect(distanceMetres({ lat: 32, lng: 119 }, { lat: 33, lng: 119 })).toBeCloseTo((2 * Math.PI * R_M) / 360, 3);
  });
});
