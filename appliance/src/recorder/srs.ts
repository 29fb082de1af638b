// The SIP side of the Session Recording Server (RFC 7866 §6): a UAS that accepts recording
// sessions from an SRC, answers their SDP, follows re-INVITEs (new metadata, new streams)
// and ends on BYE. It is the transaction user of the SIP stack (STYLE.md habit 1) and hands
// media and files to a RecordingBackend, so it has no sockets or files of its own.
import { createResponse, methodNotAllowed, newTag, type SipRequest, type SipResponse } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import { Dialog, dialogKey } from '../sip/dialog/index.ts';
import type { TimerValues, TransactionLayer, TransactionUser } from '../sip/transaction/index.ts';
import type { Clock } from '../sip/clock.ts';
import type { LocalIdentity } from '../sip/local-address.ts';
// The 2xx retransmission of RFC 3261 §13.3.1.4 is UAS-core behaviour the PBX already has.
import { Reliable2xx } from '../pbx/reliable-2xx.ts';
import { moduleLogger } from '../log.ts';
import { RecordingOfferError } from './errors.ts';
import { mergeMetadata, parseRecordingMetadata, type RecordingMetadata } from './metadata.ts';
import { recordingBodies } from './multipart.ts';
import { chooseLaw, parseRecordingOffer, writeRecordingAnswer, type AnsweredStream, type OfferedStream, type RecordLaw } from './recording-sdp.ts';

const log = moduleLogger('recorder.srs');

/** What the SRS asks of the media and storage side. */
export interface RecordingBackend {
  /** Throws RecordingOfferError(503) when no new session may start (disk watermark, session limit). */
  admit(): void;
  /** Why no new session may start now, without counting a refusal (answers OPTIONS probes); undefined when one may. */
  refusal?(): RecordingOfferError | undefined;
  /** Starts a recording: binds one receive port per accepted stream (0 for rejected ones). */
  open(o: { sessionCallId: string; streams: OfferedStream[]; law: RecordLaw; metadata?: RecordingMetadata; peer: Endpoint }): Promise<{ id: string; ports: number[] }>;
  /** A re-INVITE: new streams or metadata (streams undefined when the body had no SDP). */
  update(id: string, o: { streams?: OfferedStream[]; metadata?: RecordingMetadata }): Promise<{ ports: number[] }>;
  /** Ends a recording (BYE, or the SRC never acknowledged); the file is closed and indexed. */
  close(id: string, reason: string): void;
}

interface SrsSession {
  id: string;
  dialog: Dialog;
  law: RecordLaw;
  streams: OfferedStream[];
  ports: number[];
  metadata?: RecordingMetadata;
  sdpVersion: number;
  sdpSessionId: number;
  retransmit?: Reliable2xx;
}

/** Counters of the SIP side. */
export interface SrsCounters {
  invites: number;
  accepted: number;
  refused: number;
  reinvites: number;
  byes: number;
  noAck: number;
}

/** Dependencies of the SRS. */
export interface SrsDeps {
  tx: TransactionLayer;
  local: LocalIdentity;
  clock: Clock;
  timers: TimerValues;
  backend: RecordingBackend;
  userAgent: string;
}

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS';

/** The SIPREC Session Recording Server as a SIP transaction user. */
export class SessionRecordingServer implements TransactionUser {
  private readonly sessions = new Map<string, SrsSession>();
  readonly counters: SrsCounters = { invites: 0, accepted: 0, refused: 0, reinvites: 0, byes: 0, noAck: 0 };

  /** Wires the SRS to its transaction layer and backend. */
  constructor(private readonly deps: SrsDeps) {}

  /** Recording sessions with an established dialog. */
  get size(): number {
    return this.sessions.size;
  }

  onRequest(request: SipRequest, source: Endpoint): void {
    try {
      switch (request.method) {
        case 'INVITE':
          if (request.to.params.has('tag')) void this.reinvite(request, source);
          else void this.invite(request, source);
          return;
        case 'BYE':
          return this.bye(request);
        case 'OPTIONS': {
          // RFC 3261 §11.2: OPTIONS is answered as an INVITE would be, so an SRC's probe sees
          // 503 while sessions are refused (disk watermark, session limit), not a misleading 200.
          const refusal = this.deps.backend.refusal?.();
          if (refusal) return this.refuse(request, refusal, newTag());
          return this.respond(request, this.withCommon(createResponse(request, 200, 'OK')));
        }
        default: {
          return this.respond(request, methodNotAllowed(request, ALLOW));
        }
      }
    } catch (err) {
      // A request whose headers fail to parse lazily: answer 400 and keep serving (STYLE.md habit 9).
      log.warn({ err: (err as Error).message, source: `${source.address}:${source.port}` }, 'bad request');
      if (request.method !== 'ACK') this.respond(request, createResponse(request, 400, 'Bad Request'));
    }
  }

  onAck(ack: SipRequest): void {
    for (const s of this.sessions.values()) {
      if (s.dialog.callId === ack.callId && s.dialog.remoteTag === (ack.from.params.get('tag') ?? '')) {
        s.retransmit?.stop();
        s.retransmit = undefined;
        return;
      }
    }
  }

  /** Sends BYE on every session (the recorder is stopping) and closes them. */
  byeAll(reason: string): void {
    for (const s of [...this.sessions.values()]) this.hangup(s, reason);
  }

  /** Ends one session from the SRS side (the file is closed by the backend). */
  private hangup(s: SrsSession, reason: string): void {
    this.sessions.delete(s.dialog.key);
    s.retransmit?.stop();
    const bye = s.dialog.createRequest('BYE', this.deps.local);
    bye.headers.append('Reason', `SIP;cause=200;text="${reason.replace(/"/g, "'")}"`);
    this.deps.tx.request(bye, s.dialog.destination, { onResponse() {}, onTimeout() {} });
    this.deps.backend.close(s.id, reason);
  }

  /** Ends the session of recording `id`, if it is still up (idle timeout, disk trouble). */
  hangupRecording(id: string, reason: string): void {
    for (const s of this.sessions.values()) if (s.id === id) return this.hangup(s, reason);
  }

  private async invite(request: SipRequest, source: Endpoint): Promise<void> {
    this.counters.invites++;
    const tx = this.deps.tx.serverTransactionOf(request);
    const localTag = newTag();
    try {
      checkSiprecInvite(request);
      this.deps.backend.admit();
      const bodies = recordingBodies(request.headers.get('Content-Type'), request.body);
      if (!bodies.sdp) throw new RecordingOfferError(488, 'no SDP offer in the INVITE (offerless INVITEs are not supported)');
      const streams = parseRecordingOffer(bodies.sdp);
      const law = chooseLaw(streams);
      const metadata = bodies.metadata ? parseRecordingMetadata(bodies.metadata) : undefined;
      const opened = await this.deps.backend.open({ sessionCallId: request.callId, streams, law, ...(metadata ? { metadata } : {}), peer: source });
      if (tx?.cancelled) {
        // CANCEL arrived while the ports were being bound (RFC 3261 §9.2: 487 to the INVITE).
        this.deps.backend.close(opened.id, 'cancelled');
        this.respond(request, createResponse(request, 487, 'Request Terminated', localTag));
        return;
      }
      const dialog = Dialog.asUas(request, localTag, source);
      const s: SrsSession = { id: opened.id, dialog, law, streams, ports: opened.ports, sdpVersion: 1, sdpSessionId: Math.floor(Math.random() * 1e9), ...(metadata ? { metadata } : {}) };
      this.sessions.set(dialog.key, s);
      this.counters.accepted++;
      this.answer(request, source, s, localTag);
      log.info({ id: s.id, streams: opened.ports.filter((p) => p > 0).length, law }, 'recording session accepted');
    } catch (err) {
      this.counters.refused++;
      this.refuse(request, err, localTag);
    }
  }

  private async reinvite(request: SipRequest, source: Endpoint): Promise<void> {
    this.counters.reinvites++;
    const s = this.sessions.get(dialogKey(request.callId, request.to.params.get('tag') ?? '', request.from.params.get('tag') ?? ''));
    if (!s) return this.respond(request, createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    if (!s.dialog.acceptRemoteSeq(request)) return this.respond(request, createResponse(request, 500, 'Server Internal Error'));
    try {
      s.dialog.refreshTarget(request);
      const bodies = recordingBodies(request.headers.get('Content-Type'), request.body);
      const streams = bodies.sdp ? parseRecordingOffer(bodies.sdp) : undefined;
      const update = bodies.metadata ? parseRecordingMetadata(bodies.metadata) : undefined;
      const metadata = update ? mergeMetadata(s.metadata, update) : undefined;
      const result = await this.deps.backend.update(s.id, { ...(streams ? { streams } : {}), ...(metadata ? { metadata } : {}) });
      if (streams) {
        s.streams = streams;
        s.sdpVersion++;
      }
      if (metadata) s.metadata = metadata;
      s.ports = result.ports;
      s.retransmit?.stop();
      this.answer(request, source, s, s.dialog.localTag);
    } catch (err) {
      // A refused re-INVITE leaves the session as it was (RFC 3261 §14.2).
      this.refuse(request, err, s.dialog.localTag);
    }
  }

  private bye(request: SipRequest): void {
    const s = this.sessions.get(dialogKey(request.callId, request.to.params.get('tag') ?? '', request.from.params.get('tag') ?? ''));
    if (!s) return this.respond(request, createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    this.counters.byes++;
    this.sessions.delete(s.dialog.key);
    s.retransmit?.stop();
    this.respond(request, createResponse(request, 200, 'OK'));
    this.deps.backend.close(s.id, 'bye');
  }

  private answer(request: SipRequest, source: Endpoint, s: SrsSession, localTag: string): void {
    const answered: AnsweredStream[] = s.streams.map((stream, i) => ({
      stream, port: s.ports[i] ?? 0, payloadType: stream.laws.find((l) => l.law === s.law)?.payloadType ?? (s.law === 'PCMU' ? 0 : 8),
    }));
    const body = writeRecordingAnswer({ address: this.deps.local.hostFor(source), sessionId: s.sdpSessionId, version: s.sdpVersion, law: s.law, streams: answered });
    const ok = this.withCommon(createResponse(request, 200, 'OK', localTag));
    // RFC 7866 §6.1.2: the SRS marks its Contact with +sip.srs.
    ok.headers.append('Contact', `<${this.deps.local.contactUri(source)}>;+sip.srs`);
    ok.headers.append('Content-Type', 'application/sdp');
    ok.body = body;
    this.respond(request, ok);
    // Over UDP the UAS core retransmits the 2xx until the ACK (RFC 3261 §13.3.1.4).
    if (source.transport === 'udp') {
      s.retransmit = new Reliable2xx(this.deps.clock, this.deps.timers, () => this.deps.tx.sendStateless(ok, source), () => {
        this.counters.noAck++;
        log.warn({ id: s.id }, 'no ACK for the 2xx: ending the recording session');
        if (this.sessions.get(s.dialog.key) === s) this.hangup(s, 'no ACK');
      });
    }
  }

  private refuse(request: SipRequest, err: unknown, localTag: string): void {
    const offer = err instanceof RecordingOfferError ? err : undefined;
    if (!offer) log.error({ err }, 'recording session failed');
    else log.info({ status: offer.status, reason: offer.message }, 'recording session refused');
    const status = offer?.status ?? 500;
    const r = createResponse(request, status, undefined, localTag);
    // RFC 3261 §20.43: a Warning tells the SRC why, without a debugger on the line.
    r.headers.append('Warning', `399 hotline-recorder "${(offer?.message ?? 'internal error').replace(/["\r\n]/g, "'").slice(0, 200)}"`);
    if (status === 503) r.headers.append('Retry-After', '60');
    if (status === 420) r.headers.append('Unsupported', unsupportedTags(request).join(', '));
    if (status === 415) r.headers.append('Accept', 'application/sdp, application/rs-metadata+xml, multipart/mixed');
    this.respond(request, r);
  }

  private withCommon(r: SipResponse): SipResponse {
    r.headers.append('Allow', ALLOW);
    r.headers.append('Supported', 'siprec');
    r.headers.append('User-Agent', this.deps.userAgent);
    return r;
  }

  private respond(request: SipRequest, response: SipResponse): void {
    const tx = this.deps.tx.serverTransactionOf(request);
    if (tx) tx.respond(response);
  }
}

/** Option tags of Require the SRS does not know (it knows siprec). */
function unsupportedTags(request: SipRequest): string[] {
  return request.headers.getAll('Require').flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '' && t.toLowerCase() !== 'siprec');
}

/**
 * RFC 7866 §6.1.1: an SRC marks the recording session INVITE with +sip.src in Contact (and
 * usually Require: siprec). A plain call landing on the recorder port is refused, and a
 * Require the SRS cannot honour gets 420 (RFC 3261 §8.2.2.3).
 */
function checkSiprecInvite(request: SipRequest): void {
  if (unsupportedTags(request).length > 0) throw new RecordingOfferError(420, `unsupported option tags: ${unsupportedTags(request).join(', ')}`);
  const contact = request.headers.getAll('Contact').join(',');
  if (!/;\s*\+sip\.src\b/i.test(contact)) throw new RecordingOfferError(488, 'not a recording session (no +sip.src in Contact, RFC 7866 §6.1.1)');
}
