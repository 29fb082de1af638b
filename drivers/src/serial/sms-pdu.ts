/**
 * SMS-SUBMIT PDUs for AT+CMGS in PDU mode (3GPP TS 23.040 §9.2.2.2; 27.005 §3.5.1): GSM 7-bit
 * default alphabet when the whole text fits it (23.038 §6.2.1, with the escape table), else
 * UCS2 (Chinese). A text too long for one message is split into parts joined by the
 * concatenation information element (23.040 §9.2.3.24.1, 8-bit reference) in the user data header.
 */

// 23.038 §6.2.1: the default alphabet by septet value; ESC (0x1b) introduces the extension table.
const GSM7 = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXT: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 };
const GSM7_INDEX = new Map([...GSM7].map((c, i) => [c, i]));
const GSM7_EXT_CHAR = new Map(Object.entries(GSM7_EXT).map(([c, v]) => [v, c]));

/** Septets of one character in the default alphabet, or undefined when it has none. */
function gsm7Septets(ch: string): number[] | undefined {
  const i = GSM7_INDEX.get(ch);
  if (i !== undefined && i !== 0x1b) return [i];
  const e = GSM7_EXT[ch];
  return e === undefined ? undefined : [0x1b, e];
}

export function fitsGsm7(text: string): boolean {
  return [...text].every((c) => gsm7Septets(c) !== undefined);
}

/** Packs septets LSB first, after `fillBits` zero bits (the padding that aligns them after a UDH). */
export function packSeptets(septets: readonly number[], fillBits = 0): Buffer {
  const out = Buffer.alloc(Math.ceil((fillBits + septets.length * 7) / 8));
  septets.forEach((s, i) => {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (s << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= s >> (8 - shift);
  });
  return out;
}

export function unpackSeptets(octets: Uint8Array, count: number, fillBits = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    const v = ((octets[byte] ?? 0) | ((octets[byte + 1] ?? 0) << 8)) >> shift;
    out.push(v & 0x7f);
  }
  return out;
}

function gsm7Text(septets: readonly number[]): string {
  let s = '';
  for (let i = 0; i < septets.length; i++) {
    if (septets[i] === 0x1b && i + 1 < septets.length) s += GSM7_EXT_CHAR.get(septets[++i]!) ?? ' ';
    else s += GSM7[septets[i]!] ?? '?';
  }
  return s;
}

/** Semi-octet address (TP-DA): +86... international (0x91), else unknown (0x81). */
function encodeAddress(number: string): Buffer {
  const intl = number.startsWith('+');
  const digits = intl ? number.slice(1) : number;
  if (!/^[0-9]{1,20}$/.test(digits)) throw new RangeError(`not a phone number: ${JSON.stringify(number)}`);
  const padded = digits.length % 2 ? `${digits}F` : digits;
  const swapped = padded.replace(/(.)(.)/g, '$2$1');
  return Buffer.concat([Buffer.from([digits.length, intl ? 0x91 : 0x81]), Buffer.from(swapped, 'hex')]);
}

export interface SmsSubmitPdu {
  /** Hex of the whole PDU, starting with the SMSC length octet (00: the SIM's SMSC). */
  hex: string;
  /** The length AT+CMGS wants: octets after the SMSC part. */
  tpduLength: number;
}

/** Per message: 160 septets / 140 octets; a 6-octet concatenation header takes 7 septets / 6 octets. */
const GSM7_SINGLE = 160;
const GSM7_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/**
 * Encodes `text` to `to` as one SMS-SUBMIT, or several joined with reference `ref` (0-255,
 * one per long message so the phone does not mix two). Never splits an escape sequence or a
 * UTF-16 surrogate pair across parts.
 */
export function encodeSmsSubmit(to: string, text: string, ref = 0): SmsSubmitPdu[] {
  const da = encodeAddress(to);
  const gsm = fitsGsm7(text);
  // Units: septet groups per character (GSM-7) or UTF-16 code units per character (UCS2).
  const units = [...text].map((c) => (gsm ? gsm7Septets(c)!.length : c.length));
  const total = units.reduce((a, b) => a + b, 0);
  const single = gsm ? GSM7_SINGLE : UCS2_SINGLE;
  const partMax = gsm ? GSM7_PART : UCS2_PART;
  const chars = [...text];
  const parts: string[][] = [];
  if (total <= single) parts.push(chars);
  else {
    let cur: string[] = [];
    let used = 0;
    chars.forEach((c, i) => {
      if (used + units[i]! > partMax) {
        parts.push(cur);
        cur = [];
        used = 0;
      }
      cur.push(c);
      used += units[i]!;
    });
    parts.push(cur);
  }
  if (parts.length > 255) throw new RangeError('message too long: more than 255 parts');
  return parts.map((p, i) => {
    const udh = parts.length > 1 ? Buffer.from([0x05, 0x00, 0x03, ref & 0xff, parts.length, i + 1]) : Buffer.alloc(0);
    let ud: Buffer;
    let udl: number;
    if (gsm) {
      const septets = p.flatMap((c) => gsm7Septets(c)!);
      const headerSeptets = Math.ceil((udh.length * 8) / 7);
      ud = Buffer.concat([udh, packSeptets(septets, headerSeptets * 7 - udh.length * 8)]);
      udl = headerSeptets + septets.length;
    } else {
      const body = Buffer.from(p.join(''), 'utf16le').swap16();
      ud = Buffer.concat([udh, body]);
      udl = ud.length;
    }
    // First octet: SMS-SUBMIT, relative validity period (VPF=10), UDHI when there is a header.
    const first = 0x11 | (udh.length ? 0x40 : 0);
    const tpdu = Buffer.concat([Buffer.from([first, 0x00]), da, Buffer.from([0x00, gsm ? 0x00 : 0x08, 0xaa, udl]), ud]);
    return { hex: `00${tpdu.toString('hex').toUpperCase()}`, tpduLength: tpdu.length };
  });
}

export interface DecodedSmsSubmit {
  to: string;
  text: string;
  /** The concatenation element, when the message is one part of several. */
  concat?: { ref: number; total: number; seq: number };
}

/** Reads back an SMS-SUBMIT (the modem simulator and the tests check what was sent). */
export function decodeSmsSubmit(hex: string): DecodedSmsSubmit {
  const b = Buffer.from(hex, 'hex');
  if (b.length * 2 !== hex.length || b.length < 8) throw new RangeError('not a hex PDU');
  let o = 1 + b[0]!;
  const first = b[o++]!;
  if ((first & 0x03) !== 0x01) throw new RangeError('not an SMS-SUBMIT');
  o++; // TP-MR
  const digits = b[o++]!;
  const toa = b[o++]!;
  const addr = b.subarray(o, o + Math.ceil(digits / 2)).toString('hex').replace(/(.)(.)/g, '$2$1').slice(0, digits);
  o += Math.ceil(digits / 2);
  o++; // TP-PID
  const dcs = b[o++]!;
  const vpf = (first >> 3) & 0x03;
  o += vpf === 0 ? 0 : vpf === 2 ? 1 : 7;
  const udl = b[o++]!;
  const ud = b.subarray(o);
  let headerLen = 0;
  let concat: DecodedSmsSubmit['concat'];
  if (first & 0x40) {
    headerLen = ud[0]! + 1;
    const h = ud.subarray(1, headerLen);
    for (let i = 0; i < h.length; i += 2 + h[i + 1]!) {
      if (h[i] === 0x00 && h[i + 1] === 3) concat = { ref: h[i + 2]!, total: h[i + 3]!, seq: h[i + 4]! };
    }
  }
  let text: string;
  if ((dcs & 0x0c) === 0x08) text = Buffer.from(ud.subarray(headerLen, udl)).swap16().toString('utf16le');
  else {
    const headerSeptets = Math.ceil((headerLen * 8) / 7);
    text = gsm7Text(unpackSeptets(ud.subarray(headerLen), udl - headerSeptets, headerSeptets * 7 - headerLen * 8));
  }
  const out: DecodedSmsSubmit = { to: (toa === 0x91 ? '+' : '') + addr, text };
  if (concat) out.concat = concat;
  return out;
}
