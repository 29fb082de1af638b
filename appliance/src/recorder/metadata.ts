// The recording metadata of RFC 7865 (media type application/rs-metadata+xml), as the SRS
// needs it: who took part (participants with their nameID), which labelled media stream
// carries whose voice (participantstreamassoc send/recv), which communication session the
// recording belongs to, and the Hotline extension that carries the call centre's fields.
// A pure parser: XML text in, a plain object out; the SRS adapter does the I/O.
//
// Shape (RFC 7865 §6, namespace urn:ietf:params:xml:ns:recording:1):
//   <recording>
//     <datamode>complete|partial</datamode>
//     <group group_id=…>…</group>                       (ignored: we record one CS per RS)
//     <session session_id=…><sipSessionID>…</sipSessionID>…</session>
//     <participant participant_id=…><nameID aor=…><name>…</name></nameID></participant>
//     <stream stream_id=… session_id=…><label>…</label></stream>
//     <sessionrecordingassoc session_id=…><associate-time>…</associate-time></sessionrecordingassoc>
//     <participantsessionassoc participant_id=… session_id=…>associate/disassociate-time</participantsessionassoc>
//     <participantstreamassoc participant_id=…><send>stream id</send><recv>stream id</recv></participantstreamassoc>
//   </recording>
//
// Hotline extension (RFC 7865 §6.1 lets any element carry elements of other namespaces):
//   <hl:hotline xmlns:hl="urn:x-hotline:params:xml:ns:recording:1"
//       callId="…" direction="inbound|outbound|internal" trunk="…" queue="…" agent="…"
//       retention="standard|…" segment="1" previousCallId="…"/>
// placed in <recording> or in <session>; and per participant
//   <participant …><hl:hotline role="caller|agent|…"/></participant>.
// Attributes (not child elements) keep it one line and leave RFC 7865 parsers untouched.
import { XMLParser } from 'fast-xml-parser';
import { MetadataError } from './errors.ts';

/** Namespace of the Hotline extension element `hotline`. */
export const HOTLINE_METADATA_NS = 'urn:x-hotline:params:xml:ns:recording:1';
/** Namespace of RFC 7865 metadata. */
export const RECORDING_METADATA_NS = 'urn:ietf:params:xml:ns:recording:1';

/** A communication session being recorded (RFC 7865 §6.3). */
export interface MetadataSession {
  id: string;
  /** The CS's SIP session identifier (RFC 7989), when given. */
  sipSessionId?: string;
  /** When the recording of this session started / stopped (sessionrecordingassoc). */
  associateTime?: string;
  disassociateTime?: string;
}

/** A participant (RFC 7865 §6.5) and the streams it sends and receives. */
export interface MetadataParticipant {
  id: string;
  /** nameID aor (a SIP or tel URI). */
  aor?: string;
  /** nameID display name. */
  name?: string;
  /** Hotline role of the party (caller, agent, supervisor ...), from the extension. */
  role?: string;
  /** Stream ids whose media this participant sends / receives (participantstreamassoc). */
  send: string[];
  recv: string[];
  /** Sessions this participant is in, with join and leave times (participantsessionassoc). */
  sessions: Array<{ sessionId: string; associateTime?: string; disassociateTime?: string }>;
}

/** A media stream (RFC 7865 §6.6): links the SDP `a=label` to the metadata. */
export interface MetadataStream {
  id: string;
  /** The SDP a=label value of the m= line carrying it (RFC 4574). */
  label: string;
  sessionId?: string;
}

/** Call-centre fields of the Hotline extension. */
export interface HotlineCallInfo {
  /** The PBX's call id of the recorded call. */
  callId?: string;
  direction?: 'inbound' | 'outbound' | 'internal';
  queue?: string;
  agent?: string;
  /** The carrier of a call from or to outside: SIP trunk name or `analog:<group>`. */
  trunk?: string;
  /** Retention class name (see docs/recorder.md); the SRS default applies when absent. */
  retention?: string;
  /** For transferred calls: the segment number, 1 for the first. */
  segment?: number;
  /** Call id of the segment this one continues (transfers). */
  previousCallId?: string;
}

/** Parsed recording metadata. */
export interface RecordingMetadata {
  /** 'complete' replaces what the SRS knows; 'partial' updates it (RFC 7865 §6.1.1). */
  dataMode: 'complete' | 'partial';
  sessions: MetadataSession[];
  participants: MetadataParticipant[];
  streams: MetadataStream[];
  hotline: HotlineCallInfo;
}

/** Largest metadata document accepted; real ones are a few kilobytes. */
export const MAX_METADATA_BYTES = 64 * 1024;

const ARRAY_ELEMENTS = new Set(['group', 'session', 'participant', 'stream', 'sessionrecordingassoc', 'participantsessionassoc', 'participantstreamassoc', 'send', 'recv', 'nameID', 'name', 'hotline']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Namespace prefixes differ between SRCs (none, "rec:", "ns2:"); names are what count.
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
  // No DTDs or entity expansion from the network (billion-laughs); the parser's default, stated.
  processEntities: true,
  htmlEntities: false,
});

type Node = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && '#text' in (v as Node)) return String((v as Node)['#text']);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function attr(n: Node, name: string): string | undefined {
  const v = n[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

function nodes(v: unknown): Node[] {
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'object' && x !== null ? (x as Node) : { '#text': x }));
}

function required(n: Node, name: string, element: string): string {
  const v = attr(n, name);
  if (!v) throw new MetadataError(`<${element}> without ${name}`);
  return v;
}

const DIRECTIONS = new Set(['inbound', 'outbound', 'internal']);

function hotlineInfo(into: HotlineCallInfo, list: unknown): void {
  for (const h of nodes(list)) {
    const callId = attr(h, 'callId');
    if (callId) into.callId = callId;
    const direction = attr(h, 'direction');
    if (direction) {
      if (!DIRECTIONS.has(direction)) throw new MetadataError(`hotline direction "${direction}" is not inbound, outbound or internal`);
      into.direction = direction as HotlineCallInfo['direction'];
    }
    for (const k of ['queue', 'agent', 'trunk', 'retention', 'previousCallId'] as const) {
      const v = attr(h, k);
      if (v) into[k] = v;
    }
    const segment = attr(h, 'segment');
    if (segment) {
      if (!/^[1-9][0-9]{0,5}$/.test(segment)) throw new MetadataError(`hotline segment "${segment}" is not a positive number`);
      into.segment = Number(segment);
    }
  }
}

/** Parses an RFC 7865 metadata document; throws MetadataError with what is wrong. */
export function parseRecordingMetadata(xml: string | Buffer): RecordingMetadata {
  const src = typeof xml === 'string' ? xml : xml.toString('utf8');
  if (Buffer.byteLength(src) > MAX_METADATA_BYTES) throw new MetadataError(`document over ${MAX_METADATA_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(src)) throw new MetadataError('DTDs and entity declarations are not accepted');
  let doc: Node;
  try {
    doc = parser.parse(src, true) as Node;
  } catch (err) {
    throw new MetadataError(`not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = doc.recording;
  if (root === undefined) throw new MetadataError('no <recording> root element');
  // An empty <recording/> parses as '' (it may lose its only attribute, xmlns, to removeNSPrefix).
  const r = (typeof root === 'object' && root !== null ? root : {}) as Node;
  const mode = text(r.datamode) ?? 'complete';
  if (mode !== 'complete' && mode !== 'partial') throw new MetadataError(`datamode "${mode}" is not complete or partial`);

  const sessions = new Map<string, MetadataSession>();
  const hotline: HotlineCallInfo = {};
  hotlineInfo(hotline, r.hotline);
  for (const s of nodes(r.session)) {
    const id = required(s, 'session_id', 'session');
    const sipSessionId = text(nodes(s.sipSessionID)[0]);
    sessions.set(id, { id, ...(sipSessionId ? { sipSessionId } : {}) });
    hotlineInfo(hotline, s.hotline);
  }
  for (const a of nodes(r.sessionrecordingassoc)) {
    const id = required(a, 'session_id', 'sessionrecordingassoc');
    const s = sessions.get(id) ?? { id };
    const at = text(a['associate-time']);
    const gone = text(a['disassociate-time']);
    if (at) s.associateTime = at;
    if (gone) s.disassociateTime = gone;
    sessions.set(id, s);
  }

  const participants = new Map<string, MetadataParticipant>();
  const participant = (id: string): MetadataParticipant => {
    let p = participants.get(id);
    if (!p) participants.set(id, (p = { id, send: [], recv: [], sessions: [] }));
    return p;
  };
  for (const n of nodes(r.participant)) {
    const p = participant(required(n, 'participant_id', 'participant'));
    const nameId = nodes(n.nameID)[0];
    if (nameId) {
      const aor = attr(nameId, 'aor');
      if (aor) p.aor = aor;
      const name = text(nodes(nameId.name)[0]);
      if (name) p.name = name;
    }
    for (const h of nodes(n.hotline)) {
      const role = attr(h, 'role');
      if (role) p.role = role;
    }
  }
  for (const a of nodes(r.participantsessionassoc)) {
    const p = participant(required(a, 'participant_id', 'participantsessionassoc'));
    const sessionId = required(a, 'session_id', 'participantsessionassoc');
    const at = text(a['associate-time']);
    const gone = text(a['disassociate-time']);
    p.sessions.push({ sessionId, ...(at ? { associateTime: at } : {}), ...(gone ? { disassociateTime: gone } : {}) });
  }
  for (const a of nodes(r.participantstreamassoc)) {
    const p = participant(required(a, 'participant_id', 'participantstreamassoc'));
    for (const s of nodes(a.send)) { const v = text(s); if (v) p.send.push(v); }
    for (const s of nodes(a.recv)) { const v = text(s); if (v) p.recv.push(v); }
  }

  const streams: MetadataStream[] = [];
  for (const n of nodes(r.stream)) {
    const id = required(n, 'stream_id', 'stream');
    const label = text(n.label);
    if (!label) throw new MetadataError(`<stream stream_id="${id}"> without <label>`);
    const sessionId = attr(n, 'session_id');
    streams.push({ id, label, ...(sessionId ? { sessionId } : {}) });
  }
  return { dataMode: mode, sessions: [...sessions.values()], participants: [...participants.values()], streams, hotline };
}

/**
 * Applies an update to what the SRS knows (RFC 7865 §6.1.1): a complete document replaces
 * it, a partial one adds and overrides by id, keeping everything it does not mention.
 */
export function mergeMetadata(known: RecordingMetadata | undefined, update: RecordingMetadata): RecordingMetadata {
  if (!known || update.dataMode === 'complete') return update;
  const byId = <T extends { id: string }>(a: T[], b: T[], merge: (x: T, y: T) => T): T[] => {
    const m = new Map(a.map((x) => [x.id, x] as const));
    for (const y of b) { const x = m.get(y.id); m.set(y.id, x ? merge(x, y) : y); }
    return [...m.values()];
  };
  return {
    dataMode: 'complete',
    sessions: byId(known.sessions, update.sessions, (x, y) => ({ ...x, ...y })),
    streams: byId(known.streams, update.streams, (x, y) => ({ ...x, ...y })),
    participants: byId(known.participants, update.participants, (x, y) => ({
      ...x, ...y,
      send: [...new Set([...x.send, ...y.send])],
      recv: [...new Set([...x.recv, ...y.recv])],
      sessions: [...x.sessions.filter((s) => !y.sessions.some((t) => t.sessionId === s.sessionId)), ...y.sessions],
    })),
    hotline: { ...known.hotline, ...update.hotline },
  };
}

/** The participant whose voice a stream carries (the one that sends it), by SDP label. */
export function senderOfLabel(meta: RecordingMetadata | undefined, label: string): MetadataParticipant | undefined {
  if (!meta) return undefined;
  const stream = meta.streams.find((s) => s.label === label);
  if (!stream) return undefined;
  return meta.participants.find((p) => p.send.includes(stream.id));
}

/** A short printable name for a participant: its name, else the user part of its AOR, else its id. */
export function partyName(p: MetadataParticipant | undefined): string {
  if (!p) return '';
  if (p.name) return p.name;
  if (p.aor) return p.aor.replace(/^(sips?|tel):/, '').replace(/@.*$/, '');
  return p.id;
}
