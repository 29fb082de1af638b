import { mkdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConfigStore, type HotlineConfig, acdSettings, applyEnvOverrides, ivrSettings, mediaSettings, siteTimeZone, voicemailBoxes } from '../config/index.ts';
import { MediaRelay } from '../media-relay/index.ts';
import { AcdError } from '../acd/index.ts';
import { AgentStateStore, CdrWriter, QueueCallStore, QueueCallWriter, VoicemailStore, openRecords, type RecordsDb } from '../records/index.ts';
import { startControlServer, type PbxStatus } from '../control/index.ts';
import { dataPaths } from '../paths.ts';
import { moduleLogger } from '../log.ts';
import { trunkAlarms } from '../alarms/index.ts';
import { type SipRequest, createResponse } from '../sip/message/index.ts';
import { TransportLayer, type Endpoint } from '../sip/transport/index.ts';
import { type Clock, systemClock } from '../sip/clock.ts';
import { PbxStack } from './pbx-stack.ts';
import { CallCenter, CtiBus, PromptRecordingHost, VoicemailHost, PromptSet, QueueCallLog, installDefaultPrompts, type CallCenterSettings } from './call-center/index.ts';
import { RECORDING_ACTIONS, type RecordingAction, type RecordingCommandResult, type RecordingControl } from './recording/recording-control.ts';
import { CallRooms, Conferences } from './conference/index.ts';
import { SupervisedCallHost, Supervision } from './supervision/index.ts';
import { conferenceCommand, superviseCommand } from './supervision/commands.ts';
import { AgentCallControl, AgentDials, ConferenceKeys, agentCallCommand } from './call-control/index.ts';

const log = moduleLogger('pbx');

/** Where the PBX takes its files and environment from; tests pass temp folders. */
export interface PbxServiceOptions {
  paths?: ReturnType<typeof dataPaths>;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

/**
 * The `pbx` service: the PBX stack with real I/O around it — UDP/TCP listeners, the
 * config and records stores, and the control socket the CLI talks to. Config is read at
 * start and on reload; an invalid config is refused whole and the running one stays.
 */
export class PbxService {
  private readonly startedAt = new Date();
  private sweepTimer: NodeJS.Timeout | undefined;
  private control: { close(): Promise<void> } | undefined;
  /** Extensions allowed to use the supervisor codes (acd.supervisors), replaced on reload. */
  supervisors: readonly string[] = [];
  /** Counters of supervision and conferences for the status page (set once they exist). */
  private mixingCounters: () => Record<string, number> = () => ({});
  /** Event-loop delay: the figure that says whether SIP handling is being held up. */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  private constructor(
    private readonly store: ConfigStore,
    private readonly env: NodeJS.ProcessEnv,
    private readonly records: CdrWriter,
    private readonly transport: TransportLayer,
    private readonly stack: PbxStack,
    private readonly relay: MediaRelay,
    private readonly callCenter: CallCenter,
    private readonly cti: CtiBus,
    private readonly agentRecords: RecordsDb,
    private readonly queueCalls: { log: QueueCallLog; writer: QueueCallWriter },
  ) {}

  /** Opens the stores, binds the SIP listeners and the control socket. */
  static async start(opts: PbxServiceOptions = {}): Promise<PbxService> {
    const paths = opts.paths ?? dataPaths();
    const env = opts.env ?? process.env;
    mkdirSync(paths.run, { recursive: true });
    const store = await ConfigStore.open({ config: paths.config, configHistory: paths.configHistory });
    const config = applyEnvOverrides(store.current, env);
    // Opened (and migrated) before the CDR worker, so the two never run the same migration at once.
    // Agent state changes are rare next to SIP traffic; their spells are written in batches.
    const agentRecords = openRecords(paths.records);
    // Call records are written by a worker thread, so disk stalls never delay SIP.
    const records = CdrWriter.start(paths.records);

    // Every call's audio is anchored here (issue 4); the relay runs in its own worker thread.
    const media = mediaSettings(config);
    const relay = await MediaRelay.start({
      address: config.sip.bindAddress, portMin: media.portMin, portMax: media.portMax,
      mediaTimeoutMs: media.timeoutSec * 1000, mohPrompts: media.musicOnHold.length > 0 ? media.musicOnHold : undefined,
    });
    let stack: PbxStack | undefined;
    const transport = new TransportLayer({
      onMessage: (message, source) => stack?.receive(message, source),
      onMalformed: (info, source) => answerMalformed(transport, info, source),
    });
    stack = new PbxStack(config, {
      sender: { send: (m, to) => transport.send(m as SipRequest, to), sendBytes: (data, to) => transport.sendRaw(data, to) },
      clock: opts.clock ?? systemClock,
      writeRecord: (r) => records.write(r),
      media: relay,
    });
    const written = installDefaultPrompts(paths.prompts);
    if (written > 0) log.info({ prompts: written, dir: paths.prompts }, 'default prompt set installed (espeak-ng speech: replace with recordings of the same names)');
    const cti = new CtiBus();
    const prompts = new PromptSet(paths.prompts, ivrSettings(config).language);
    // One row per queue call for reports, batched on the same connection as the agent spells.
    const queueCallWriter = new QueueCallWriter(new QueueCallStore(agentRecords));
    const queueCallLog = new QueueCallLog((row) => queueCallWriter.write(row));
    const callCenter = new CallCenter({
      clock: opts.clock ?? systemClock, media: relay, prompts,
      contactsOf: (ext, from) => stack!.b2bua.contactsOf(ext, from),
      publish: (e) => { queueCallLog.cti(e); cti.publish(e); },
      persistence: new AgentStateStore(agentRecords), queueCalls: queueCallLog, timeZone: siteTimeZone(config), origination: stack.b2bua.origination(),
      voicemail: (call, box, digits): boolean => voicemail.take(call, box, digits),
    }, callCenterSettings(config));
    // Supervision and conferences mix legs of several calls in the relay (issue 6).
    const rooms = new CallRooms(relay);
    const callsOf = (ext: string) => stack!.b2bua.answeredCallsOf(ext);
    const conferences = new Conferences({
      rooms, clock: opts.clock ?? systemClock, callsOf, publish: (e) => cti.publish(e),
      extensionOf: (a) => callCenter.extensionOf(a), connectedCallOf: (a) => callCenter.connectedCallOf(a),
    });
    const supervision = new Supervision({
      rooms, media: relay, prompts, clock: opts.clock ?? systemClock,
      supervisors: () => service.supervisors, agents: callCenter, callsOf, publish: (e) => cti.publish(e),
      // Listen/whisper/barge from the wallboard: the PBX calls the supervisor's phone itself.
      lines: {
        sip: { ...stack.b2bua.origination(), media: relay },
        contactsOf: (ext, fromUser) => stack!.b2bua.contactsOf(ext, fromUser),
        ringTimeoutMs: () => stack!.b2bua.origination().noAnswerTimeoutMs(),
      },
    });
    // In front of the call center: supervisor codes (*31–*36) go to supervision, prompt recording
    // by feature code (*51) answers its own calls, everything else reaches the call center, which
    // hands callers whose IVR choice or queue overflow leads to a voicemail box to the voicemail host.
    const voicemailStore = new VoicemailStore(agentRecords);
    const voicemail: VoicemailHost = new VoicemailHost(callCenter, {
      clock: opts.clock ?? systemClock, media: relay, prompts, folder: paths.voicemail,
      boxes: () => voicemailBoxes(store.current), save: (row) => voicemailStore.insert(row),
    });
    const promptRecording = new PromptRecordingHost(voicemail, { clock: opts.clock ?? systemClock, media: relay, prompts }, () => ivrSettings(store.current).promptRecorders);
    // Agent call control from the desktop, and conference keys (*61/*62) from the desk phone.
    // Click-to-dial and consult calls: placed like a callback, from the agent's phone.
    const dials = new AgentDials({
      sip: { ...stack.b2bua.origination(), media: relay }, clock: opts.clock ?? systemClock, publish: (e) => cti.publish(e),
      contactsOf: (ext, fromUser) => stack!.b2bua.contactsOf(ext, fromUser),
      route: (from, number) => stack!.b2bua.origination().route(from, number),
      ringTimeoutMs: () => stack!.b2bua.origination().noAnswerTimeoutMs(),
    });
    const callControl = new AgentCallControl({
      clock: opts.clock ?? systemClock, callsOf, publish: (e) => cti.publish(e),
      extensionOf: (a) => callCenter.extensionOf(a), connectedCallOf: (a) => callCenter.connectedCallOf(a),
      blindTransfer: (call, leg, dialled) => stack!.b2bua.transfers.blindTransfer(call, leg, dialled),
      dials,
      consultInto: (call, leg, far, party, moved, failed) => stack!.b2bua.transfers.consultInto(call, leg, far, party, moved, failed),
    });
    const conferenceKeys = new ConferenceKeys({
      clock: opts.clock ?? systemClock, callOfSession: (id) => stack!.b2bua.callOfSession(id),
      agentOn: (ext) => callCenter.agentOnExtension(ext), merge: (a) => conferences.merge(a), leave: (a) => conferences.leave(a),
    });
    stack.b2bua.setHost(new SupervisedCallHost(promptRecording, supervision, conferences, [callControl, conferenceKeys]));
    const service = new PbxService(store, env, records, transport, stack, relay, callCenter, cti, agentRecords, { log: queueCallLog, writer: queueCallWriter });
    service.supervisors = acdSettings(config).supervisors;
    service.mixingCounters = () => ({ ...prefixed('supervision', supervision.counters), ...prefixed('conference', conferences.counters), 'conference.live': conferences.size });
    await transport.listen({
      address: config.sip.bindAddress, udpPort: config.sip.udpPort, tcpPort: config.sip.tcpPort,
      limits: { maxMessageBytes: config.sip.maxMessageBytes },
    });
    stack.start();
    service.control = await startControlServer(paths.pbxControlSocket, {
      status: () => service.status(),
      reloadConfig: () => service.reloadConfig(),
      recording: (body) => recordingCommand(stack.recordingControl, body),
      acd: {
        snapshot: () => callCenter.snapshot(),
        agentCommand: (body) => agentCommand(callCenter, body),
        subscribe: (write) => cti.subscribe((e) => write(JSON.stringify(e))),
        supervise: (body) => superviseCommand(supervision, body),
        conference: (body) => conferenceCommand(conferences, body),
        call: (body) => agentCallCommand(callControl, body),
      },
    });
    service.loopDelay.enable();
    service.sweepTimer = setInterval(() => stack.location.sweep(), 30_000);
    service.sweepTimer.unref();
    log.info({ listening: transport.listening(), configVersion: store.version }, 'pbx ready');
    return service;
  }

  /** Snapshot for `hotline status` and the control API. */
  status(): PbxStatus {
    const s = this.stack;
    const trunks = s.trunks.status();
    return {
      startedAt: this.startedAt.toISOString(),
      listening: this.transport.listening(),
      registrations: s.location.all().map((b) => ({
        extension: b.aor, contact: b.contact, source: `${b.source.address}:${b.source.port}`, transport: b.source.transport,
        expiresAt: new Date(b.expiresAt).toISOString(), ...(b.userAgent ? { userAgent: b.userAgent } : {}),
      })),
      activeCalls: s.b2bua.activeCalls(),
      trunks,
      alarms: [...trunkAlarms(trunks), ...(s.recording?.alarms() ?? [])],
      ...(s.recording ? { recording: s.recording.status() } : {}),
      counters: {
        ...prefixed('transport', this.transport.counters),
        ...prefixed('transaction', s.tx.counters),
        ...prefixed('calls', s.b2bua.counters),
        ...prefixed('core', s.core.counters),
        ...prefixed('cdr', this.records.counters),
        ...prefixed('media', this.relay.counters()),
        ...prefixed('callCenter', this.callCenter.counters),
        ...prefixed('recording', s.recordingControl.counters),
        ...prefixed('queueCalls', this.queueCalls.writer.counters),
        'cti.listeners': this.cti.size,
        ...this.mixingCounters(),
        droppedBanned: s.droppedBanned,
        rejectedMalformed: s.rejectedMalformed,
        'transaction.liveServer': s.tx.size.server,
        'transaction.liveClient': s.tx.size.client,
        'calls.liveDialogs': s.b2bua.dialogCount,
        'process.rssBytes': process.memoryUsage.rss(),
        'process.heapUsedBytes': process.memoryUsage().heapUsed,
        'eventLoop.p99DelayMs': Math.round(this.loopDelay.percentile(99) / 1e4) / 100,
        'eventLoop.maxDelayMs': Math.round(this.loopDelay.max / 1e4) / 100,
        bannedSources: s.ban.banned().length,
      },
      configVersion: this.store.version,
    };
  }

  /** Re-reads config; an invalid file is refused whole (the error propagates) and the running config stays. */
  async reloadConfig(): Promise<{ configVersion: number }> {
    const next = applyEnvOverrides(await this.store.reload(), this.env);
    this.stack.applyConfig(next);
    this.callCenter.update(callCenterSettings(next));
    this.supervisors = acdSettings(next).supervisors;
    log.info({ configVersion: this.store.version, extensions: next.extensions.length }, 'configuration reloaded');
    return { configVersion: this.store.version };
  }

  /** Ends calls, closes listeners, the control socket and the database. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.loopDelay.disable();
    this.stack.b2bua.hangupAll();
    this.callCenter.flush();
    this.stack.trunks.stop();
    this.stack.stop();
    // Give the BYEs a moment on the wire before the sockets close.
    await new Promise((r) => setTimeout(r, 200));
    await this.control?.close();
    await this.transport.close();
    await this.relay.close();
    // Calls ended by hangupAll have closed their rows by now; answered ones still in wrap-up go with the wrap-up so far.
    this.queueCalls.log.close(Date.now());
    if (!this.queueCalls.writer.flush()) log.error({ pending: this.queueCalls.writer.counters.pending }, 'some queue calls could not be written before stopping');
    this.agentRecords.close();
    if (!(await this.records.close())) log.error({ pending: this.records.counters.pending }, 'some call records could not be written before stopping');
    log.info('pbx stopped');
  }
}

/** RFC 3261 §21.4.1: a malformed request that still names its transaction gets 400 with the reason. */
function answerMalformed(transport: TransportLayer, info: { reason: string; status?: number; request?: SipRequest }, source: Endpoint): void {
  if (!info.request || info.request.method === 'ACK') return;
  const status = info.status ?? 400;
  // The phrase is cleaned so it cannot break the status line.
  const phrase = `${status === 400 ? 'Bad Request' : 'Rejected'} (${info.reason})`.replace(/[\r\n]+/g, ' ').slice(0, 120);
  transport.send(createResponse(info.request, status, phrase), source);
}

function callCenterSettings(c: HotlineConfig): CallCenterSettings {
  const acd = acdSettings(c);
  return { acd, ivr: ivrSettings(c), screenPopLeadMs: acd.screenPopLeadMs };
}

/** The call-control API: `{ agent, action, extension?, pin?, reason? }`; bad input is a RangeError (400). */
function agentCommand(cc: CallCenter, body: unknown): { agent: string; state: unknown } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const agent = typeof b.agent === 'string' ? b.agent : '';
  if (!/^[0-9]{2,8}$/.test(agent)) throw new RangeError('agent must be 2 to 8 digits');
  try {
    switch (b.action) {
      case 'login':
        if (typeof b.extension !== 'string') throw new RangeError('login needs the extension');
        cc.login(agent, b.extension, typeof b.pin === 'string' ? b.pin : undefined);
        break;
      case 'logout': cc.logout(agent); break;
      case 'ready': cc.setReady(agent, true); break;
      case 'not-ready':
        if (typeof b.reason !== 'string') throw new RangeError('not-ready needs a reason code');
        cc.setReady(agent, false, b.reason);
        break;
      default: throw new RangeError('action must be login, logout, ready or not-ready');
    }
  } catch (err) {
    // The engine refusing (unknown agent, not logged in, unknown reason) is the caller's mistake.
    if (err instanceof AcdError) throw new RangeError(err.message);
    throw err;
  }
  return { agent, state: cc.snapshot().agents.find((a) => a.agent === agent) };
}

function prefixed(prefix: string, counters: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) if (typeof v === 'number') out[`${prefix}.${k}`] = v;
  return out;
}

/** POST /v1/recording `{"callId": "...", "action": "start" | "stop" | "pause" | "resume"}`; bad input is a RangeError (400). */
function recordingCommand(control: RecordingControl, body: unknown): RecordingCommandResult {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.callId !== 'string' || b.callId === '' || !RECORDING_ACTIONS.includes(b.action as RecordingAction)) {
    throw new RangeError(`body must be {"callId": string, "action": ${RECORDING_ACTIONS.map((a) => `"${a}"`).join(' | ')}}`);
  }
  return control.command(b.callId, b.action as RecordingAction);
}
