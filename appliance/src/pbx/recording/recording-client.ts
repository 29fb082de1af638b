// The PBX as SIPREC client (Session Recording Client, RFC 7866 §6.1): for every answered
// call the policy says to record, a recording session to the recorder with one sendonly
// stream per party (label 1 = caller, leg a; label 2 = callee, leg b), RFC 7865 metadata
// with the Hotline extension, and the media relay forking each leg's RTP to the ports the
// recorder answered. A recorder that is down never fails a call: the session is dropped,
// the state goes 'down' and the PBX shows an alarm (unless `requireRecorder` says otherwise,
// which the B2BUA enforces for new calls). An OPTIONS probe every few seconds finds a dead
// recorder before a call needs it, and while it is down no recording INVITE is sent at all.
import { Headers, SipRequest, newBranch, newCallId, newTag, type SipResponse } from '../../sip/message/index.ts';
import { Dialog } from '../../sip/dialog/index.ts';
import type { Endpoint } from '../../sip/transport/index.ts';
import type { TransactionLayer } from '../../sip/transaction/index.ts';
import type { Clock } from '../../sip/clock.ts';
import type { LocalIdentity } from '../../sip/local-address.ts';
import type { Alarm } from '../../alarms/index.ts';
import { moduleLogger } from '../../log.ts';
import { buildMetadataXml, buildRecordingBody, buildRecordingOfferSdp } from '../../recorder/src-body.ts';
import { recordingBodies } from '../../recorder/multipart.ts';
import { parseRecordingOffer } from '../../recorder/recording-sdp.ts';
import type { ForkTarget, MediaAnchor } from '../media-anchor.ts';
import type { Law } from '../sdp/index.ts';
import type { RecordingSettings } from './recording-policy.ts';
import { RecorderProbe, type ProbeResult } from './recorder-probe.ts';

const log = moduleLogger('pbx.recording');

/** What the client needs of an answered call. */
export interface RecordedCall {
  callId: string;
  caller: string;
  callerName?: string;
  callee: string;
  /** The relay session and the laws/payload types agreed with each leg. */
  sessionId: string;
  a: { law: Law; payloadType: number; rtpPort: number };
  b: { law: Law; payloadType: number; rtpPort: number };
  direction: 'inbound' | 'outbound' | 'internal';
  /** The carrier (SIP trunk or `analog:<group>`) of a call from or to outside. */
  trunk?: string;
  /** The ACD queue and the agent who answered, for a call answered from a queue (leg b is the agent). */
  queue?: string;
  agent?: string;
  /** The callee's display name, when known (a callback's customer). */
  calleeName?: string;
  /** Participant roles of leg a and b when not caller and callee/agent (a callback: the agent on a, the customer on b). */
  roles?: { a: string; b: string };
}


interface RecordingLeg {
  call: RecordedCall;
  invite: SipRequest;
  dest: Endpoint;
  dialog?: Dialog;
  /** Where the relay forks each leg, from the recorder's answer. */
  forks?: { a: ForkTarget; b: ForkTarget };
  paused: boolean;
  sdpSessionId: number;
  sdpVersion: number;
  /** The call ended before the recorder answered: BYE as soon as it does. */
  stopped: boolean;
  /** The Hotline segment number: 1, then +1 at each transfer (the recorder starts a new file). */
  segment: number;
  /** The law and payload type the session was opened in: a file keeps one law across its segments. */
  law: { law: Law; payloadType: number };
}

/** State of the recorder as the PBX last saw it. */
export interface RecordingClientStatus {
  state: 'unknown' | 'up' | 'down';
  since: string;
  lastError?: string;
  active: number;
  /** Seconds between OPTIONS probes (0: no probe) and when the last answer came. */
  probe: { intervalSec: number; lastAnswerAt?: string };
  counters: { started: number; accepted: number; failed: number; stopped: number; skipped: number; segments: number; probes: number; probesFailed: number };
}

/** The SIPREC client of the PBX. */
export class RecordingClient {
  private readonly sessions = new Map<string, RecordingLeg>();
  private state: RecordingClientStatus['state'] = 'unknown';
  private since: number;
  private lastError: string | undefined;
  readonly counters = { started: 0, accepted: 0, failed: 0, stopped: 0, skipped: 0, segments: 0 };
  private readonly probe: RecorderProbe;
  private probing = false;

  /** Wires the client to the PBX's transaction layer and media relay. */
  constructor(private readonly deps: { tx: TransactionLayer; local: LocalIdentity; clock: Clock; media: MediaAnchor; userAgent: string }, private settings: RecordingSettings) {
    this.since = deps.clock.now();
    this.probe = new RecorderProbe(deps, () => ({ transport: 'udp', address: this.settings.recorder.host, port: this.settings.recorder.port }), (r) => this.onProbe(r));
  }

  /** New settings on reload (running recordings keep their recorder). */
  update(settings: RecordingSettings): void {
    const moved = settings.recorder.host !== this.settings.recorder.host || settings.recorder.port !== this.settings.recorder.port || settings.probeIntervalMs !== this.settings.probeIntervalMs;
    this.settings = settings;
    if (moved && this.probing) this.startProbe();
  }

  /** True when calls that must be recorded should be refused (policy requires the recorder and it is down). */
  get refusing(): boolean {
    return this.settings.requireRecorder && this.state === 'down';
  }

  /**
   * Starts probing the recorder with OPTIONS every `probeIntervalMs` (recorder-probe.ts): any
   * final answer but 503 means up, 503 or no answer within PROBE_DEADLINE_MS means down.
   */
  startProbe(): void {
    this.probing = true;
    this.probe.start(this.settings.probeIntervalMs);
  }

  /** Stops the probe (shutdown, or the recorder removed from the config). */
  stopProbe(): void {
    this.probing = false;
    this.probe.stop();
  }

  private onProbe(r: ProbeResult): void {
    if (r.up) {
      if (this.state !== 'up') log.info({ recorder: `${this.settings.recorder.host}:${this.settings.recorder.port}` }, 'recorder answers again: new calls are recorded');
      this.setState('up');
      return;
    }
    if (this.state !== 'down') log.warn({ why: r.why }, 'recorder probe failed: new calls go on unrecorded until it answers');
    this.lastError = r.why;
    this.setState('down');
  }

  /** Opens a recording session for an answered call. Never throws: a failure is an alarm, not a failed call. */
  start(call: RecordedCall): void {
    if (!this.deps.media.fork) return;
    if (this.probe.running && this.state === 'down') {
      // The probe says the recorder is gone: an INVITE would only wait 32 s for nothing.
      this.counters.skipped++;
      log.warn({ callId: call.callId, why: this.lastError }, 'call not recorded: the recorder is down (the call goes on)');
      return;
    }
    this.counters.started++;
    const dest: Endpoint = { transport: 'udp', address: this.settings.recorder.host, port: this.settings.recorder.port };
    const host = this.deps.local.hostFor(dest);
    const sdpSessionId = Math.floor(Math.random() * 1e9);
    const law = { law: call.a.law, payloadType: call.a.payloadType };
    const sdp = this.offer(law, call, host, sdpSessionId, 1, 'sendonly');
    const { contentType, body } = buildRecordingBody(sdp, this.metadata(call, host, 1));
    const h = new Headers();
    h.append('Via', this.deps.local.via(dest, newBranch()));
    h.append('Max-Forwards', '70');
    h.append('From', `<sip:pbx@${host}>;tag=${newTag()}`);
    h.append('To', `<sip:srs@${dest.address}:${dest.port}>`);
    h.append('Call-ID', newCallId(host));
    h.append('CSeq', '1 INVITE');
    // RFC 7866 §6.1.1: the SRC marks itself with +sip.src and requires siprec.
    h.append('Contact', `<${this.deps.local.contactUri(dest)}>;+sip.src`);
    h.append('Require', 'siprec');
    h.append('User-Agent', this.deps.userAgent);
    h.append('Content-Type', contentType);
    const invite = new SipRequest('INVITE', `sip:srs@${dest.address}:${dest.port}`, h, Buffer.from(body));
    const leg: RecordingLeg = { call, invite, dest, stopped: false, paused: false, sdpSessionId, sdpVersion: 1, segment: 1, law };
    this.sessions.set(call.callId, leg);
    this.deps.tx.request(invite, dest, {
      onResponse: (r) => this.onResponse(leg, r),
      onTimeout: () => this.fail(leg, 'no answer from the recorder (timeout)'),
    });
  }

  /**
   * The RFC 7865 metadata of one segment. Participant ids carry the segment number: a party
   * that joins by a transfer is a new participant, not the old one renamed (RFC 7865 §4.4).
   */
  private metadata(call: RecordedCall, host: string, segment: number): string {
    return buildMetadataXml({
      sessionId: Buffer.from(call.callId).toString('base64').slice(0, 22),
      ...(segment > 1 ? { participantTag: `g${segment}` } : {}),
      parties: [
        { label: '1', aor: `sip:${call.caller}@${host}`, name: call.callerName ?? call.caller, role: call.roles?.a ?? 'caller' },
        { label: '2', aor: `sip:${call.callee}@${host}`, name: call.calleeName ?? call.callee, role: call.roles?.b ?? (call.agent ? 'agent' : 'callee') },
      ],
      hotline: { callId: call.callId, direction: call.direction, trunk: call.trunk, queue: call.queue, agent: call.agent, ...(segment > 1 ? { segment } : {}) },
    });
  }

  /**
   * The recording offer. The forked packets leave from each leg's relay port, so that is the
   * port it names. Both streams go in the law the session was opened in (the caller's): the
   * recorder keeps one law per file, and the relay transcodes a copy whose leg differs.
   */
  private offer(law: RecordingLeg['law'], call: RecordedCall, host: string, sessionId: number, version: number, direction: 'sendonly' | 'inactive'): string {
    return buildRecordingOfferSdp({
      address: host, labels: ['1', '2'], ports: [call.a.rtpPort, call.b.rtpPort], laws: [law.law, law.law],
      payloadTypes: [law.payloadType, law.payloadType], direction, sessionId, version,
    });
  }

  /**
   * A recorded call's party changed (a transfer completed, or a transferred caller reached its
   * new agent): a re-INVITE with complete metadata naming the new party and the next Hotline
   * `segment` (RFC 7866 §8.3 metadata update), on which the recorder closes the file and opens
   * the next one linked by previous_id. Streams, ports, law and the fork stay as they are (the
   * fork follows the relay legs); a paused recording stays paused. A session still being set up
   * only takes the new party for its next update.
   */
  newSegment(call: RecordedCall): void {
    const leg = this.sessions.get(call.callId);
    if (!leg) return;
    leg.call = call;
    if (!leg.dialog || leg.stopped) return;
    leg.segment++;
    this.counters.segments++;
    const host = this.deps.local.hostFor(leg.dest);
    const sdp = this.offer(leg.law, call, host, leg.sdpSessionId, ++leg.sdpVersion, leg.paused ? 'inactive' : 'sendonly');
    const { contentType, body } = buildRecordingBody(sdp, this.metadata(call, host, leg.segment));
    this.reinvite(leg, Buffer.from(body), contentType, 'segment');
    // The new party may speak the other law: the fork's targets name the file's law, the relay transcodes to it.
    if (leg.forks && !leg.paused) this.deps.media.fork!(call.sessionId, leg.forks);
  }

  /** Sends a re-INVITE in the recording dialog and ACKs its 2xx. A refusal is logged: the fork change stands. */
  private reinvite(leg: RecordingLeg, body: Buffer, contentType: string | undefined, what: string): void {
    const dialog = leg.dialog!;
    const reinvite = dialog.createRequest('INVITE', this.deps.local, { body, ...(contentType ? { contentType } : {}) });
    const callId = leg.call.callId;
    this.deps.tx.request(reinvite, leg.dest, {
      onResponse: (r) => {
        if (r.status >= 200 && r.status < 300) this.deps.tx.sendStateless(dialog.createRequest('ACK', this.deps.local, { seq: reinvite.cseq.seq }), leg.dest);
        else if (r.status >= 300) log.warn({ callId, status: r.status, what }, 'recorder refused the re-INVITE (the fork change stands)');
      },
      onTimeout: () => log.warn({ callId, what }, 'no answer to the recording re-INVITE'),
    });
  }

  /** True when a recording session for the call exists (answered or being set up). */
  has(callId: string): boolean {
    return this.sessions.has(callId);
  }

  /** True when the call's recording is paused. */
  isPaused(callId: string): boolean {
    return this.sessions.get(callId)?.paused ?? false;
  }

  /**
   * Pauses or resumes a call's recording (card numbers and other sensitive moments): the fork
   * stops at once, so nothing of the pause leaves the PBX, and a re-INVITE with a=inactive
   * (RFC 7866 §8.1.3) tells the recorder, which keeps the file's timeline (silence).
   */
  setPaused(callId: string, paused: boolean): void {
    const leg = this.sessions.get(callId);
    if (!leg || !leg.dialog || !leg.forks) throw new RangeError(`call ${callId} is not being recorded`);
    if (leg.paused === paused) return;
    leg.paused = paused;
    this.deps.media.fork!(leg.call.sessionId, paused ? { a: null, b: null } : leg.forks);
    const host = this.deps.local.hostFor(leg.dest);
    this.reinvite(leg, Buffer.from(this.offer(leg.law, leg.call, host, leg.sdpSessionId, ++leg.sdpVersion, paused ? 'inactive' : 'sendonly')), undefined, paused ? 'pause' : 'resume');
  }

  /** The call ended: BYE to the recorder (at once, or when its answer comes). */
  stop(callId: string): void {
    const leg = this.sessions.get(callId);
    if (!leg) return;
    leg.stopped = true;
    if (!leg.dialog) return;
    this.sessions.delete(callId);
    this.counters.stopped++;
    this.bye(leg);
  }

  private bye(leg: RecordingLeg): void {
    const bye = leg.dialog!.createRequest('BYE', this.deps.local);
    this.deps.tx.request(bye, leg.dest, { onResponse() {}, onTimeout() {} });
  }

  private onResponse(leg: RecordingLeg, r: SipResponse): void {
    if (r.status < 200) return;
    if (r.status >= 300) return this.fail(leg, `recorder answered ${r.status} ${r.reason}`);
    if (leg.dialog) {
      // A retransmitted 2xx: ACK again (RFC 3261 §13.2.2.4).
      this.ack(leg);
      return;
    }
    leg.dialog = Dialog.asUac(leg.invite, r, leg.dest);
    this.ack(leg);
    try {
      const sdp = recordingBodies(r.headers.get('Content-Type'), r.body).sdp;
      if (!sdp) throw new Error('no SDP in the answer');
      const streams = parseRecordingOffer(sdp);
      const target = (label: string) => {
        const s = streams.find((x) => x.label === label && !x.rejected);
        return s ? { address: s.address || leg.dest.address, port: s.port, law: leg.law.law, payloadType: leg.law.payloadType } : null;
      };
      leg.forks = { a: target('1'), b: target('2') };
      this.deps.media.fork!(leg.call.sessionId, leg.forks);
    } catch (err) {
      this.bye(leg);
      this.sessions.delete(leg.call.callId);
      return this.fail(leg, `unusable answer from the recorder: ${(err as Error).message}`);
    }
    this.counters.accepted++;
    this.setState('up');
    if (leg.stopped) this.stop(leg.call.callId);
  }

  private ack(leg: RecordingLeg): void {
    this.deps.tx.sendStateless(leg.dialog!.createRequest('ACK', this.deps.local, { seq: leg.invite.cseq.seq }), leg.dest);
  }

  private fail(leg: RecordingLeg, why: string): void {
    this.sessions.delete(leg.call.callId);
    this.counters.failed++;
    this.lastError = why;
    log.warn({ callId: leg.call.callId, why }, 'call not recorded: the recorder is not taking it (the call goes on)');
    this.setState('down');
  }

  private setState(s: RecordingClientStatus['state']): void {
    if (this.state === s) return;
    this.state = s;
    this.since = this.deps.clock.now();
    if (s === 'up') this.lastError = undefined;
  }

  /** For the status page and the monitor. */
  status(): RecordingClientStatus {
    return {
      state: this.state, since: new Date(this.since).toISOString(), ...(this.lastError ? { lastError: this.lastError } : {}), active: this.sessions.size,
      probe: { intervalSec: this.probe.running ? this.settings.probeIntervalMs / 1000 : 0, ...(this.probe.lastAnswerAt !== undefined ? { lastAnswerAt: new Date(this.probe.lastAnswerAt).toISOString() } : {}) },
      counters: { ...this.counters, probes: this.probe.counters.probes, probesFailed: this.probe.counters.failed },
    };
  }

  /** The alarm while the recorder is down. */
  alarms(): Alarm[] {
    if (this.state !== 'down') return [];
    return [{
      id: 'recorder-unreachable', severity: 'major', source: 'pbx/recording', raisedAt: new Date(this.since).toISOString(),
      text: { en: `Calls are not being recorded: ${this.lastError ?? 'the recorder does not answer'}`, zh: `通话未录音：录音服务器不可用（${this.lastError ?? '无应答'}）` },
    }];
  }
}

