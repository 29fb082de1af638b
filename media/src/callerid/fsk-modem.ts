// The two 1200-baud FSK modems used for on-hook caller ID.
//
// Bell 202 (Telcordia GR-30-CORE): mark (1) 1200 Hz, space (0) 2200 Hz.
// ITU-T V.23 forward channel (ETSI EN 300 659-1, and China's YD/T 1136
// FSK caller ID): mark 1300 Hz, space 2100 Hz.

/** Which FSK modem carries the caller ID. */
export type FskStandard = 'bell202' | 'v23';

/** Mark/space frequencies and the preamble lengths a standard asks for. */
export interface FskModem {
  /** Frequency of a 1 bit, Hz. */
  readonly markHz: number;
  /** Frequency of a 0 bit, Hz. */
  readonly spaceHz: number;
  /** Nominal bit rate, baud. */
  readonly baud: number;
  /** Channel seizure bits (alternating 0101…): 300 in GR-30 and EN 300 659-1. */
  readonly seizureBits: number;
  /** Mark bits before the message: 180 in GR-30; 80 ± 25 in EN 300 659-1. */
  readonly markBits: number;
}

/** The modem parameters of each standard. */
export const FSK_MODEMS: Readonly<Record<FskStandard, FskModem>> = Object.freeze({
  bell202: Object.freeze({ markHz: 1200, spaceHz: 2200, baud: 1200, seizureBits: 300, markBits: 180 }),
  v23: Object.freeze({ markHz: 1300, spaceHz: 2100, baud: 1200, seizureBits: 300, markBits: 80 }),
});
