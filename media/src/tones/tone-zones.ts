// Call-progress tone definitions per country, as data.
//
// A cadence lists on/off times in milliseconds, starting with "on" and
// repeating; an empty cadence is a continuous tone. China's plan (450 Hz for
// everything, told apart by cadence) is the one given in issue 4; the others
// follow the national entries of ITU-T E.180 Supplement 2 (US precise tone
// plan levels; the CEPT/ETSI 425 Hz plan of ETSI TR 101 041).

/** The call-progress tones a zone defines. */
export type ToneName = 'dial' | 'ringback' | 'busy' | 'congestion' | 'callWaiting';

/** One tone: frequencies summed, each at the zone's level, gated by the cadence. */
export interface ToneSpec {
  /** Frequencies in Hz, summed (one or two). */
  readonly frequencies: readonly number[];
  /** On/off durations in ms starting with "on", repeated; empty means continuous. */
  readonly cadenceMs: readonly number[];
  /** Level of each frequency in dBm0, when it differs from the zone's. */
  readonly levelDbm0?: number;
}

/** A country's tone plan. */
export interface ToneZone {
  /** Short name used in configuration (`cn`, `us`, ...). */
  readonly name: string;
  /** Human description. */
  readonly description: string;
  /** Level of each frequency in dBm0. */
  readonly levelDbm0: number;
  /** The tones; every zone defines all of them. */
  readonly tones: Readonly<Record<ToneName, ToneSpec>>;
}

/** Built-in tone zones; `cn` is the default. */
export const TONE_ZONES: Readonly<Record<string, ToneZone>> = {
  cn: {
    name: 'cn',
    description: 'China (GB/YD): 450 Hz, told apart by cadence',
    levelDbm0: -10,
    tones: {
      dial: { frequencies: [450], cadenceMs: [] },
      ringback: { frequencies: [450], cadenceMs: [1000, 4000] },
      busy: { frequencies: [450], cadenceMs: [350, 350] },
      congestion: { frequencies: [450], cadenceMs: [700, 700] },
      callWaiting: { frequencies: [450], cadenceMs: [400, 4000] },
    },
  },
  us: {
    name: 'us',
    description: 'United States / North America (precise tone plan)',
    levelDbm0: -13,
    tones: {
      dial: { frequencies: [350, 440], cadenceMs: [] },
      ringback: { frequencies: [440, 480], cadenceMs: [2000, 4000], levelDbm0: -19 },
      busy: { frequencies: [480, 620], cadenceMs: [500, 500], levelDbm0: -24 },
      congestion: { frequencies: [480, 620], cadenceMs: [250, 250], levelDbm0: -24 },
      callWaiting: { frequencies: [440], cadenceMs: [300, 9700] },
    },
  },
  eu: {
    name: 'eu',
    description: 'ETSI / CEPT common plan, 425 Hz',
    levelDbm0: -10,
    tones: {
      dial: { frequencies: [425], cadenceMs: [] },
      ringback: { frequencies: [425], cadenceMs: [1000, 4000] },
      busy: { frequencies: [425], cadenceMs: [500, 500] },
      congestion: { frequencies: [425], cadenceMs: [250, 250] },
      callWaiting: { frequencies: [425], cadenceMs: [200, 200, 200, 4600] },
    },
  },
  uk: {
    name: 'uk',
    description: 'United Kingdom',
    levelDbm0: -10,
    tones: {
      dial: { frequencies: [350, 450], cadenceMs: [] },
      ringback: { frequencies: [400, 450], cadenceMs: [400, 200, 400, 2000] },
      busy: { frequencies: [400], cadenceMs: [375, 375] },
      congestion: { frequencies: [400], cadenceMs: [400, 350, 225, 525] },
      callWaiting: { frequencies: [400], cadenceMs: [100, 3000] },
    },
  },
};

/** The zone used when configuration names none. */
export const DEFAULT_TONE_ZONE = 'cn';

/** Thrown when configuration names a tone zone that does not exist. */
export class UnknownToneZoneError extends Error {
  override readonly name = 'UnknownToneZoneError';
  /** Creates the error for zone `zone`. */
  constructor(readonly zone: string) {
    super(`unknown tone zone '${zone}' (known: ${Object.keys(TONE_ZONES).join(', ')})`);
  }
}

/** Looks a zone up by name (case-insensitive); throws UnknownToneZoneError. */
export function toneZone(name: string = DEFAULT_TONE_ZONE): ToneZone {
  const zone = TONE_ZONES[name.toLowerCase()];
  if (!zone) throw new UnknownToneZoneError(name);
  return zone;
}
