// SDP of a recording session (RFC 7866 §7): the SRC offers one m=audio line per recorded
// stream, each a=sendonly with an a=label (RFC 4574) that the metadata's <stream> points
// to; the SRS answers every stream a=recvonly with its own receive port. The PBX's
// pbx/sdp reads only the first audio stream, so the recorder reads all of them here.
import sdpTransform from 'sdp-transform';
import { RecordingOfferError } from './errors.ts';

/** The G.711 laws the recorder stores as they arrive (no transcoding). */
export type RecordLaw = 'PCMU' | 'PCMA';

/** One offered audio stream. */
export interface OfferedStream {
  /** Position of the m= line in the offer (the answer keeps the order, RFC 3264 §6). */
  index: number;
  /** a=label value; the m= index as a string when the SRC sent none. */
  label: string;
  /** Where the SRC sends from (c=), and its port; 0 rejects the stream. */
  address: string;
  port: number;
  /** G.711 payload types offered, in order. */
  laws: Array<{ law: RecordLaw; payloadType: number }>;
  /** a=sendonly (normal), inactive (paused recording) ... */
  direction: string;
  /** True for m= lines that are not audio or have port 0. */
  rejected: boolean;
  /** The raw media type and protocol, echoed when rejecting (RFC 3264 §6). */
  mediaType: string;
  protocol: string;
  payloads: string;
}

/** Reads every m= line of a recording offer. Throws RecordingOfferError(488) when none is usable. */
export function parseRecordingOffer(sdp: Buffer | string): OfferedStream[] {
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(typeof sdp === 'string' ? sdp : sdp.toString('utf8'));
  } catch (err) {
    throw new RecordingOfferError(400, `unparsable SDP: ${(err as Error).message}`);
  }
  const media = session.media ?? [];
  if (media.length === 0) throw new RecordingOfferError(488, 'SDP offers no media stream');
  return media.map((m, index) => {
    const address = m.connection?.ip ?? session.connection?.ip ?? '';
    const laws: OfferedStream['laws'] = [];
    for (const pt of String(m.payloads ?? '').split(/\s+/).filter(Boolean).map(Number)) {
      const map = m.rtp.find((r) => r.payload === pt);
      const codec = map?.codec.toUpperCase() ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : '');
      if ((codec === 'PCMU' || codec === 'PCMA') && (map?.rate ?? 8000) === 8000) laws.push({ law: codec, payloadType: pt });
    }
    const label = (m as { label?: string | number }).label;
    const port = Number(m.port);
    return {
      index, label: label !== undefined ? String(label) : String(index), address, port, laws,
      direction: m.direction ?? session.direction ?? 'sendrecv',
      rejected: m.type !== 'audio' || port === 0 || !address || laws.length === 0,
      mediaType: m.type, protocol: m.protocol, payloads: String(m.payloads ?? ''),
    };
  });
}

/**
 * Picks the one law every recorded stream will use: a WAV holds one encoding for all its
 * channels, and the recorder never transcodes. The SRC's first preference that every
 * usable stream offers wins.
 */
export function chooseLaw(streams: OfferedStream[]): RecordLaw {
  const usable = streams.filter((s) => !s.rejected);
  if (usable.length === 0) throw new RecordingOfferError(488, 'no audio stream offers PCMU or PCMA');
  for (const { law } of usable[0]!.laws) if (usable.every((s) => s.laws.some((l) => l.law === law))) return law;
  return usable[0]!.laws[0]!.law;
}

/** What the SRS answers for one stream: a port, or 0 to reject it. */
export interface AnsweredStream {
  stream: OfferedStream;
  /** Local receive port; 0 rejects (RFC 3264 §6). */
  port: number;
  /** Payload type of the chosen law in this stream's offer (static or dynamic). */
  payloadType: number;
}

/** Writes the SRS answer: every accepted stream a=recvonly with its label (RFC 7866 §7.1.1). */
export function writeRecordingAnswer(o: { address: string; sessionId: number; version: number; law: RecordLaw; streams: AnsweredStream[] }): Buffer {
  const lines = ['v=0', `o=hotline-recorder ${o.sessionId} ${o.version} IN IP4 ${o.address}`, 's=Hotline recording', `c=IN IP4 ${o.address}`, 't=0 0'];
  for (const a of o.streams) {
    if (a.port === 0) {
      lines.push(`m=${a.stream.mediaType} 0 ${a.stream.protocol} ${a.stream.payloads || '0'}`);
      continue;
    }
    lines.push(`m=audio ${a.port} RTP/AVP ${a.payloadType}`, `a=rtpmap:${a.payloadType} ${o.law}/8000`, `a=label:${a.stream.label}`);
    // An SRC that pauses a stream offers a=inactive (RFC 7866 §8.1.3): answer inactive too.
    lines.push(a.stream.direction === 'inactive' ? 'a=inactive' : 'a=recvonly');
  }
  lines.push('');
  return Buffer.from(lines.join('\r\n'));
}
