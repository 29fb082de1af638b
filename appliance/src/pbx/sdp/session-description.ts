import sdpTransform from 'sdp-transform';

/** The G.711 laws the PBX relays and transcodes between. */
export type Law = 'PCMU' | 'PCMA';
/** RFC 3264 §6.1 media directions. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Static payload types of RFC 3551 §6 for the two laws. */
export const STATIC_PT: Readonly<Record<Law, number>> = { PCMU: 0, PCMA: 8 };

/** What the PBX needs from one side's SDP: where its audio goes and what it can do. */
export interface AudioDescription {
  address: string;
  rtpPort: number;
  rtcpPort: number;
  /** G.711 laws offered or answered, in the peer's order of preference, with their payload types. */
  laws: Array<{ law: Law; payloadType: number }>;
  /** RFC 4733 telephone-event payload type, when present. */
  telephoneEventPt?: number;
  direction: Direction;
  /** A port of 0 rejects the stream (RFC 3264 §6). */
  rejected: boolean;
}

/** Why an SDP body was not usable; becomes a 488 Not Acceptable Here. */
export class SdpError extends Error {}

/**
 * Reads the first audio stream of an SDP body (RFC 4566). Dynamic payload types are
 * recognised by their rtpmap; the static 0 and 8 also without one (RFC 3551 §6).
 */
export function parseAudio(body: Buffer | string): AudioDescription {
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    throw new SdpError(`unparsable SDP: ${(err as Error).message}`);
  }
  const audio = session.media?.find((m) => m.type === 'audio');
  if (!audio) throw new SdpError('no audio stream in SDP');
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (!address) throw new SdpError('no connection address (c=) for the audio stream');
  const pts = String(audio.payloads ?? '').split(/\s+/).filter(Boolean).map(Number);
  const laws: AudioDescription['laws'] = [];
  let telephoneEventPt: number | undefined;
  for (const pt of pts) {
    const map = audio.rtp.find((r) => r.payload === pt);
    const codec = map?.codec.toUpperCase() ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : '');
    if ((codec === 'PCMU' || codec === 'PCMA') && (map?.rate ?? 8000) === 8000) laws.push({ law: codec, payloadType: pt });
    else if (codec === 'TELEPHONE-EVENT' && (map?.rate ?? 8000) === 8000 && telephoneEventPt === undefined) telephoneEventPt = pt;
  }
  const direction = (audio.direction ?? session.direction ?? 'sendrecv') as Direction;
  const port = Number(audio.port);
  // RFC 3264 §8.4 (old style hold): c=0.0.0.0 means the peer does not want to receive.
  const held = address === '0.0.0.0';
  return {
    address, rtpPort: port, rtcpPort: audio.rtcp?.port ?? port + 1, laws, telephoneEventPt,
    direction: held && direction === 'sendrecv' ? 'sendonly' : direction, rejected: port === 0,
  };
}

/** What goes into an SDP the PBX writes for one leg. */
export interface AudioOffer {
  address: string;
  rtpPort: number;
  laws: Array<{ law: Law; payloadType: number }>;
  telephoneEventPt?: number;
  direction: Direction;
  /** o= session id and version: the version goes up with every change (RFC 3264 §8). */
  sessionId: number;
  version: number;
}

/** Writes an SDP offer or answer with one audio stream (RFC 4566, RFC 3264). */
export function writeAudio(o: AudioOffer): Buffer {
  const pts = o.laws.map((l) => l.payloadType);
  if (o.telephoneEventPt !== undefined) pts.push(o.telephoneEventPt);
  const lines = [
    'v=0',
    `o=hotline ${o.sessionId} ${o.version} IN IP4 ${o.address}`,
    's=Hotline',
    `c=IN IP4 ${o.address}`,
    't=0 0',
    `m=audio ${o.rtpPort} RTP/AVP ${pts.join(' ')}`,
    ...o.laws.map((l) => `a=rtpmap:${l.payloadType} ${l.law}/8000`),
    ...(o.telephoneEventPt !== undefined ? [`a=rtpmap:${o.telephoneEventPt} telephone-event/8000`, `a=fmtp:${o.telephoneEventPt} 0-16`] : []),
    'a=ptime:20',
    `a=${o.direction}`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** The direction to answer with (RFC 3264 §6.1): sendonly ↔ recvonly, the rest as is. */
export function answerDirection(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}
