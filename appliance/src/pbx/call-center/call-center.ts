// The call center inside the PBX (issue 6): the adapter between SIP calls and the pure engines.
// It answers IVR, queue and feature-code calls (CallHost), runs each caller's IVR (IvrRun),
// carries out the ACD engine's commands (ring the agent's phone, stop it, music on hold,
// overflow), feeds the engine what the phones did, keeps agents' states across restarts and
// publishes CTI events. Timers come from the injected clock; media through the relay.
import { AcdEngine, AcdError, type AcdCommand, type AcdEvent, type AgentStateName } from '../../acd/index.ts';
import type { AcdSettings, AcdSkillRequirement, IvrSettings } from '../../config/index.ts';
import { IvrError, IvrRun, GOODBYE_PROMPT, type IvrAction, type IvrExit } from '../../ivr/index.ts';
import type { AgentFeatureCode } from '../../dialplan/index.ts';
import type { AgentStateSpell, SavedAgentState } from '../../records/index.ts';
import type { Clock, TimerHandle } from '../../sip/clock.ts';
import { moduleLogger } from '../../log.ts';
import type { Call, ForkTarget, HostedCallListener } from '../call.ts';
import type { CallHost, CallOrigination, HostedDecision, HostedTransfer } from '../call-host.ts';
import { CallbackDialer } from './callbacks.ts';
import type { MediaAnchor, MediaEvent, PromptPlayer } from '../media-anchor.ts';
import type { CtiEvent } from './cti-events.ts';
import type { PromptSet } from './prompt-set.ts';
import type { QueueCallHook } from './queue-call-log.ts';

const log = moduleLogger('pbx.call-center');

/** Where agents' chosen states are kept (records.db in production, memory in tests). */
export interface AgentStatePersistence {
  save(s: SavedAgentState): void;
  clear(agent: string): void;
  log(spells: readonly AgentStateSpell[]): void;
  all(): SavedAgentState[];
}

/** What the call center needs around it. */
export interface CallCenterDeps {
  clock: Clock;
  media: MediaAnchor & PromptPlayer;
  prompts: PromptSet;
  /** Registered contacts of an extension, to ring an agent's phone (B2bua.contactsOf). */
  contactsOf(extension: string, fromUser: string): ForkTarget[];
  /** CTI events out (CtiBus.publish). */
  publish(e: CtiEvent): void;
  persistence?: AgentStatePersistence;
  /** Queue-call history for reports (queue-call-log.ts): told when a caller enters a queue; the rest comes from the CTI events. */
  queueCalls?: QueueCallHook;
  /** Site time zone, for time conditions. */
  timeZone: string;
  /** Wall time for time conditions (tests pin it). */
  now?: () => Date;
  /** The B2BUA's means to place calls (B2bua.origination); without it callbacks are refused. */
  origination?: CallOrigination;
  /** Hands a caller to a voicemail box (VoicemailHost.take, voicemail-host.ts); false: no such box. */
  voicemail?: (call: Call, box: string, ivrDigits: string) => boolean;
}

/** Call-center settings from config, replaced on reload (the ACD engine takes its part through AcdEngine.reconfigure). */
export interface CallCenterSettings {
  acd: AcdSettings;
  ivr: IvrSettings;
  /** Time between the CTI offer and the INVITE to the agent's phone, so the screen pops first. */
  screenPopLeadMs: number;
}

/** One call the call center holds. */
interface Hosted {
  call: Call;
  phase: 'answering' | 'ivr' | 'queue' | 'to-extension' | 'connected' | 'feature' | 'leaving';
  run?: IvrRun;
  timer?: TimerHandle;
  /** Id of the prompt playing (relay playId); 0 when none. */
  playId: number;
  /** What to do when the prompt playing ends (outside the IVR). */
  afterPrompt?: () => void;
  queue?: string;
  joinedAt?: number;
  /** The agent connected (after the answer). */
  agent?: string;
  /** Agents whose phones ring (or are about to, after the screen-pop lead) with this caller: several with ring-all. */
  ringing: Map<string, { extension: string; timer?: TimerHandle }>;
  /** Queues already joined on this call (overflow loops end in a hang-up). */
  queuesVisited: string[];
  /** Skills the caller's IVR choice added, kept for a transfer to another queue. */
  skills?: AcdSkillRequirement[];
}

/** Default lead of the screen pop over the agent's INVITE. */
export const DEFAULT_SCREEN_POP_LEAD_MS = 150;

/** The call center: see the file comment. */
export class CallCenter implements CallHost {
  private readonly engine: AcdEngine;
  private readonly byCall = new Map<Call, Hosted>();
  private readonly byCallId = new Map<string, Hosted>();
  private readonly bySession = new Map<string, Hosted>();
  /** Agent → the extension it is logged in on, and back. */
  private readonly agentExt = new Map<string, string>();
  private readonly extAgent = new Map<string, string>();
  /** Each logged-in agent's current spell, for the duration log. */
  private readonly spell = new Map<string, { state: AgentStateName; reason?: string; since: number }>();
  private pendingSpells: AgentStateSpell[] = [];
  private spellFlush: TimerHandle | undefined;
  private nextPlayId = 1;
  /** Callbacks waiting in queues and being placed (callbacks.ts). */
  private readonly callbacks: CallbackDialer | undefined;
  readonly counters = { ivrCalls: 0, queuedCalls: 0, offers: 0, connected: 0, abandoned: 0, overflowed: 0, featureCodes: 0, announcements: 0, promptsMissing: 0, engineErrors: 0 };

  constructor(private readonly deps: CallCenterDeps, private settings: CallCenterSettings) {
    this.engine = new AcdEngine({ settings: settings.acd, clock: deps.clock, listener: (c) => this.carryOut(c) });
    this.callbacks = deps.origination && new CallbackDialer({
      ...deps.origination, clock: deps.clock, media: deps.media, contactsOf: deps.contactsOf, publish: deps.publish,
      feed: (e) => this.feed(e), queue: (name) => this.settings.acd.queues.find((q) => q.name === name),
    });
    this.restore();
  }

  /**
   * A config reload: IVR menus and the screen-pop lead for what comes next, and queues, agents
   * and skills into the running engine (docs/acd.md, "Configuration changes"): nobody waiting is
   * dropped, logged-in agents stay. Should the engine refuse the ACD part, it keeps the old one.
   */
  update(settings: CallCenterSettings): void {
    const previous = this.settings.acd;
    // Set first: the engine's commands during the change (agents removed, logged out) read the new agent list.
    this.settings = settings;
    try {
      this.engine.reconfigure(settings.acd);
    } catch (err) {
      if (!(err instanceof AcdError)) throw err;
      log.error({ err: err.message }, 'ACD configuration not applied; the running queues and agents stay');
      this.settings = { ...settings, acd: previous };
    }
    this.deps.prompts.setLanguage(settings.ivr.language);
  }

  // ---- CallHost ----

  accept(call: Call, decision: HostedDecision): void {
    const h = this.host(call);
    void call.answerHere(this.listenerFor(h)).then((ok) => {
      if (!ok || call.state === 'ended') return;
      this.bySession.set(call.media.session!.sessionId, h);
      // The caller's keys count however the phone sends them: RFC 4733, or as tones in the audio.
      this.deps.media.detectInbandDtmf?.(call.media.session!.sessionId, 'a', true);
      switch (decision.kind) {
        case 'ivr': this.startIvr(h, decision.menu); return;
        case 'queue': this.joinQueue(h, decision.name, []); return;
        // Recording a prompt is taken by PromptRecordingHost in front of this one (prompt-recording-host.ts).
        case 'feature': if (decision.code.kind !== 'record-prompt') this.featureCode(h, decision.code); return;
      }
    });
  }

  onMediaEvent(e: MediaEvent): void {
    if (e.type !== 'dtmf' && e.type !== 'prompt-finished') return;
    const h = this.bySession.get(e.sessionId);
    if (!h || e.leg !== 'a') return;
    if (e.type === 'dtmf') {
      if (h.phase === 'ivr' && h.run) this.apply(h, h.run.digit(e.digit));
      else if (h.phase === 'queue') this.callbackKey(h, e.digit);
      return;
    }
    if (e.playId !== h.playId) return;
    h.playId = 0;
    if (e.error) log.warn({ callId: h.call.callId, error: e.error }, 'prompt could not be played');
    if (h.phase === 'ivr' && h.run) { this.apply(h, h.run.promptFinished()); return; }
    const next = h.afterPrompt;
    h.afterPrompt = undefined;
    next?.();
  }

  agentExtension(agent: string): string | undefined {
    return this.agentExt.get(agent);
  }

  /**
   * A caller transferred into a queue or menu (CallHost.transferIn). It keeps its number, IVR
   * choices, collected digits and the skills of its IVR choice; in a queue it waits from now
   * (a new join: the agent already served it once, so it does not overtake callers who waited).
   * A queue call's agent who transferred it ends that call for the engine (wrap-up follows).
   */
  transferIn(call: Call, to: HostedTransfer, by: string): boolean {
    const session = call.media.session;
    if (!session) return false;
    const known = this.byCall.get(call);
    const h = known ?? this.host(call);
    if (!call.hostAgain(this.listenerFor(h))) {
      if (!known) this.forget(call);
      return false;
    }
    const now = this.deps.clock.now();
    const fromQueue = h.phase === 'connected' ? h.queue : undefined;
    const agent = h.agent;
    if (fromQueue) {
      this.feed({ type: 'CallEnded', callId: call.callId });
      this.deps.publish({ type: 'CallEnded', at: now, callId: call.callId, queue: fromQueue, ...(agent ? { agent } : {}), outcome: 'transferred' });
    }
    this.deps.publish({ type: 'CallTransferred', at: now, callId: call.callId, by, ...(agent ? { agent } : {}), ...(fromQueue ? { fromQueue } : {}), to: to.kind === 'queue' ? { queue: to.name } : { menu: to.menu } });
    if (!known) {
      this.bySession.set(session.sessionId, h);
      this.deps.media.detectInbandDtmf?.(session.sessionId, 'a', true);
    }
    h.agent = undefined;
    h.ringing.clear();
    h.queuesVisited.length = 0;
    if (to.kind === 'queue') this.joinQueue(h, to.name, h.skills ?? []);
    else this.startIvr(h, to.menu);
    return true;
  }

  /**
   * Attended transfer through a queue: the transferor (the agent of `call`) consulted an agent
   * reached by dialling a queue (`consult`) and connected them. The engine swaps the two calls'
   * agents, so the consulted agent stays on call with the caller and the transferor is freed
   * (wrap-up) when the consult call ends, which it does next.
   */
  consultTransferred(call: Call, consult: Call): void {
    const x = this.byCall.get(call);
    const y = this.byCall.get(consult);
    if (x?.phase !== 'connected' || y?.phase !== 'connected' || !x.queue || !y.queue || !x.agent || !y.agent) return;
    const [a, b] = [x.agent, y.agent];
    this.feed({ type: 'ConsultTransferred', callId: call.callId, consultCallId: consult.callId });
    x.agent = b;
    y.agent = a;
    this.deps.publish({ type: 'CallTransferred', at: this.deps.clock.now(), callId: call.callId, by: consult.caller, agent: a, fromQueue: x.queue, to: { agent: b } });
  }

  ended(call: Call): void {
    const h = this.byCall.get(call);
    if (!h) return;
    this.forget(call);
    h.timer?.cancel();
    for (const r of h.ringing.values()) r.timer?.cancel();
    const at = this.deps.clock.now();
    if (h.phase === 'queue') {
      this.counters.abandoned++;
      this.feed({ type: 'CallerAbandoned', callId: call.callId });
      this.deps.publish({ type: 'CallEnded', at, callId: call.callId, queue: h.queue!, outcome: 'abandoned' });
    } else if (h.phase === 'connected' && h.queue) {
      this.feed({ type: 'CallEnded', callId: call.callId });
      this.deps.publish({ type: 'CallEnded', at, callId: call.callId, queue: h.queue, ...(h.agent ? { agent: h.agent } : {}), outcome: 'completed' });
    }
  }

  // ---- the call-control API (CTI) ----

  /** Logs `agent` in on `extension` (checking the PIN when one is configured and `pin` is given). Throws AcdError. */
  login(agent: string, extension: string, pin?: string): void {
    const def = this.settings.acd.agents.find((a) => a.number === agent);
    if (!def) throw new AcdError('unknown-agent', `no agent ${agent}`);
    if (pin !== undefined && def.pin !== undefined && def.pin !== pin) throw new AcdError('bad-state', `wrong PIN for agent ${agent}`);
    const previous = this.extAgent.get(extension);
    if (previous && previous !== agent) this.logout(previous);
    const before = this.agentExt.get(agent);
    // The extension is known before the engine hears of the login: it may offer a call at once.
    if (before !== undefined) this.extAgent.delete(before);
    this.agentExt.set(agent, extension);
    this.extAgent.set(extension, agent);
    if (before === undefined) {
      try {
        this.engine.handle({ type: 'AgentLoggedIn', agent });
      } catch (err) {
        this.agentExt.delete(agent);
        this.extAgent.delete(extension);
        throw err;
      }
    }
    this.persist(agent);
  }

  /** Logs an agent out. Throws AcdError when it is not logged in. */
  logout(agent: string): void {
    this.engine.handle({ type: 'AgentLoggedOut', agent });
    const ext = this.agentExt.get(agent);
    if (ext !== undefined && this.engine.agentState(agent).state === 'logged-out') {
      this.agentExt.delete(agent);
      this.extAgent.delete(ext);
      this.deps.persistence?.clear(agent);
    }
  }

  /** Ready, or not ready with a reason code. Throws AcdError (unknown agent or reason, not logged in). */
  setReady(agent: string, ready: boolean, reason?: string): void {
    this.engine.handle(ready ? { type: 'AgentReady', agent } : { type: 'AgentNotReady', agent, reason: reason ?? '' });
    this.persist(agent);
  }

  /** The extension `agent` is logged in on, or undefined (supervision, conference). */
  extensionOf(agent: string): string | undefined {
    return this.agentExt.get(agent);
  }

  /** The agent logged in on `extension`, or undefined (conference keys). */
  agentOnExtension(extension: string): string | undefined {
    return this.extAgent.get(extension);
  }

  /** The queue call `agent` is talking on now, or undefined. A scan: supervisors ask rarely. */
  connectedCallOf(agent: string): Call | undefined {
    for (const h of this.byCall.values()) if (h.phase === 'connected' && h.agent === agent && h.call.state === 'answered') return h.call;
    return undefined;
  }

  /** The wallboard's picture: every queue's figures and every configured agent's state. */
  snapshot(): { at: number; queues: Array<{ name: string; stats: ReturnType<AcdEngine['queueStats']>; agentsReady: number }>; agents: Array<{ agent: string; name: string; extension?: string; state: AgentStateName; reason?: string }> } {
    const agents = this.settings.acd.agents.map((a) => {
      const s = this.engine.agentState(a.number);
      const ext = this.agentExt.get(a.number);
      return { agent: a.number, name: a.name, ...(ext ? { extension: ext } : {}), state: s.state, ...(s.reason ? { reason: s.reason } : {}) };
    });
    const queues = this.settings.acd.queues.map((q) => ({
      name: q.name,
      stats: this.engine.queueStats(q.name),
      agentsReady: this.settings.acd.agents.filter((a) => a.queues.some((m) => m.queue === q.name) && this.engine.agentState(a.number).state === 'ready').length,
    }));
    return { at: this.deps.clock.now(), queues, agents };
  }

  /** Writes pending state spells now (shutdown). */
  flush(): void {
    this.spellFlush?.cancel();
    this.spellFlush = undefined;
    const spells = this.pendingSpells;
    this.pendingSpells = [];
    try {
      this.deps.persistence?.log(spells);
    } catch (err) {
      log.error({ err, spells: spells.length }, 'could not log agent state spells');
    }
  }

  // ---- IVR ----

  private startIvr(h: Hosted, menu: string): void {
    this.counters.ivrCalls++;
    h.phase = 'ivr';
    const before = h.run;
    h.run = new IvrRun(this.settings.ivr, this.deps.timeZone, this.deps.now ?? (() => new Date()));
    // A caller transferred into a menu keeps the keys and digits of its earlier menus.
    if (before) { h.run.choices.push(...before.choices); Object.assign(h.run.digits, before.digits); }
    this.apply(h, h.run.start(menu));
  }

  private apply(h: Hosted, actions: IvrAction[]): void {
    try {
      for (const a of actions) {
        switch (a.type) {
          case 'play':
            if (a.prompts.length === 0) this.silence(h);
            else this.play(h, a.prompts);
            break;
          case 'arm-timer':
            h.timer?.cancel();
            h.timer = this.deps.clock.setTimer(a.ms, () => { h.timer = undefined; if (h.run) this.apply(h, h.run.timeout()); });
            break;
          case 'cancel-timer':
            h.timer?.cancel();
            h.timer = undefined;
            break;
          case 'exit':
            this.leaveIvr(h, a.to, a.goodbye);
            break;
        }
      }
    } catch (err) {
      if (!(err instanceof IvrError)) throw err;
      log.error({ err: err.message, callId: h.call.callId }, 'IVR cannot go on; hanging up');
      h.call.hangup('system', 'ivr-error');
    }
  }

  private leaveIvr(h: Hosted, to: IvrExit, goodbye: boolean): void {
    switch (to.kind) {
      case 'queue': this.joinQueue(h, to.name, to.skills); return;
      case 'extension': this.toExtension(h, to.number); return;
      case 'hangup': this.hangupAfter(h, goodbye ? [GOODBYE_PROMPT] : []); return;
      case 'voicemail': this.toVoicemail(h, to.box); return;
    }
  }

  /** The voicemail host takes the call's media from here on (voicemail-host.ts); the call center only keeps it to forget it when it ends. */
  private toVoicemail(h: Hosted, box: string): void {
    const digits = (h.run?.choices ?? []).map((c) => `${c.menu}:${c.digit}`).join(',');
    h.phase = 'leaving';
    h.run = undefined;
    if (h.call.media.session) this.bySession.delete(h.call.media.session.sessionId);
    if (this.deps.voicemail?.(h.call, box, digits)) return;
    if (h.call.media.session) this.bySession.set(h.call.media.session.sessionId, h);
    this.hangupAfter(h, [GOODBYE_PROMPT]);
  }

  // ---- queues ----

  private joinQueue(h: Hosted, queue: string, skills: AcdSkillRequirement[]): void {
    if (h.queuesVisited.includes(queue)) {
      log.warn({ callId: h.call.callId, queue }, 'overflow leads back to a queue already visited; hanging up');
      this.hangupAfter(h, [GOODBYE_PROMPT]);
      return;
    }
    this.counters.queuedCalls++;
    h.phase = 'queue';
    h.queue = queue;
    h.joinedAt = this.deps.clock.now();
    h.queuesVisited.push(queue);
    h.skills = skills;
    const lastDigit = h.run?.choices.at(-1)?.digit;
    // Before the engine hears of it: joining may offer, or overflow, at once.
    const account = h.run?.digits.account;
    this.deps.queueCalls?.entered({ callId: h.call.callId, queue, caller: h.call.caller, ...(account ? { account } : {}), at: h.joinedAt });
    this.feed({
      type: 'CallerJoined', callId: h.call.callId, queue, callerNumber: h.call.caller,
      ...(skills.length > 0 ? { skills } : {}), ...(lastDigit ? { ivrDigit: lastDigit } : {}),
    });
  }

  /** Carries out one engine command. Runs after the engine finished an event; may feed it again. */
  private carryOut(c: AcdCommand): void {
    switch (c.type) {
      case 'CallOffered':
        if (c.callback) this.callbacks?.offer(c.callId, c.agent, this.agentExt.get(c.agent) ?? '');
        else this.offer(c.callId, c.agent, c.queue);
        return;
      case 'RingingStopped': {
        if (this.callbacks?.has(c.callId)) { this.callbacks.stopRinging(c.callId); return; }
        const h = this.byCallId.get(c.callId);
        const r = h?.ringing.get(c.agent);
        if (!h || !r || h.phase !== 'queue') return;
        r.timer?.cancel();
        h.ringing.delete(c.agent);
        // The answering phone's fork is the call's b leg now; the others are cancelled by Call.
        if (c.why !== 'answered-elsewhere') h.call.stopRinging(r.extension);
        return;
      }
      case 'CallConnected': {
        const h = this.byCallId.get(c.callId);
        if (!h) return;
        h.phase = 'connected';
        h.agent = c.agent;
        h.ringing.clear();
        // Recording metadata and policy (issue 7): the queue and the agent on leg b.
        const agentExtension = this.agentExt.get(c.agent);
        Object.assign(h.call.recordingFacts, { queue: c.queue, agent: c.agent, ...(agentExtension ? { agentExtension } : {}) });
        this.counters.connected++;
        this.deps.publish({ type: 'CallAnswered', at: this.deps.clock.now(), callId: c.callId, agent: c.agent, queue: c.queue, waitMs: c.waitMs });
        return;
      }
      case 'CallOverflowed': {
        const h = this.byCallId.get(c.callId);
        if (!h) { this.callbacks?.lost(c.callId); return; }
        this.counters.overflowed++;
        for (const r of h.ringing.values()) r.timer?.cancel();
        h.ringing.clear();
        h.call.stopRinging();
        log.info({ callId: c.callId, queue: c.queue, why: c.why, to: c.destination.kind }, 'caller overflows');
        this.deps.publish({ type: 'CallEnded', at: this.deps.clock.now(), callId: c.callId, queue: c.queue, outcome: 'overflowed' });
        h.phase = 'leaving';
        const d = c.destination;
        if (d.kind === 'queue') this.joinQueue(h, d.name, []);
        else if (d.kind === 'extension') this.toExtension(h, d.number);
        else if (d.kind === 'voicemail') this.toVoicemail(h, d.box);
        else this.hangupAfter(h, [GOODBYE_PROMPT]);
        return;
      }
      case 'CallerMoved': {
        // Its queue left the configuration: the caller waits on in another one (music goes on).
        this.callbacks?.moved(c.callId, c.to);
        const h = this.byCallId.get(c.callId);
        if (!h) return;
        this.deps.publish({ type: 'CallEnded', at: this.deps.clock.now(), callId: c.callId, queue: c.from, outcome: 'overflowed' });
        h.queue = c.to;
        h.queuesVisited.push(c.to);
        return;
      }
      case 'MusicOnHoldStarted': {
        const h = this.byCallId.get(c.callId);
        if (h?.call.media.session) { h.playId = 0; this.deps.media.setMusicOnHold(h.call.media.session.sessionId, 'a', true); }
        return;
      }
      case 'PositionAnnounced':
        this.announce(c.callId, ['position', ...digitPrompts(c.position)]);
        return;
      case 'EstimatedWaitAnnounced':
        // Whole minutes, rounded up: "about N minutes".
        this.announce(c.callId, ['estimated-wait', ...digitPrompts(Math.max(1, Math.ceil(c.seconds / 60))), 'minutes']);
        return;
      case 'AgentStateChanged': this.agentStateChanged(c.agent, c.state, c.reason); return;
      case 'QueueStatsUpdated':
        this.deps.publish({ type: 'QueueStatsUpdated', at: this.deps.clock.now(), queue: c.queue, stats: c.stats });
        return;
      case 'CallbackAccepted': {
        // The caller on the line hears the confirmation and is hung up; a retry's rejoin has nobody to tell.
        const h = this.byCallId.get(c.callId);
        if (h?.phase === 'queue') this.hangupAfter(h, ['callback-accepted']);
        this.deps.queueCalls?.callbackRequested(c.callId);
        return;
      }
      case 'CallbackPlaced':
        this.callbacks?.placed(c.callId, c.number);
        return;
      default:
    }
  }

  /** A key from a waiting caller: the queue's callback key asks for a callback (queues that offer it). */
  private callbackKey(h: Hosted, digit: string): void {
    const q = this.settings.acd.queues.find((x) => x.name === h.queue);
    if (!this.callbacks || !q?.callbackAllowed || digit !== q.callbackDigit || h.ringing.size > 0) return;
    const callId = h.call.callId;
    try {
      this.engine.handle({ type: 'CallbackRequested', callId });
    } catch (err) {
      if (!(err instanceof AcdError)) throw err;
      log.info({ callId, err: err.message }, 'callback refused');
      return;
    }
    log.info({ callId, queue: q.name }, 'callback requested');
    this.callbacks.requested({
      callId, queue: q.name, number: h.call.caller, ...(h.call.callerName ? { callerName: h.call.callerName } : {}),
      ivr: { choices: h.run?.choices ?? [], digits: h.run?.digits ?? {} },
    });
  }

  /** Plays an announcement to a waiting caller (not while an agent's phone rings), then music on hold again. */
  private announce(callId: string, names: string[]): void {
    const h = this.byCallId.get(callId);
    if (!h || h.phase !== 'queue' || h.ringing.size > 0) return;
    if (this.deps.prompts.paths(names).length === 0) return;
    this.counters.announcements++;
    this.play(h, names, () => { if (h.phase === 'queue' && h.call.media.session) this.deps.media.setMusicOnHold(h.call.media.session.sessionId, 'a', true); });
  }

  /** The engine offers a caller to an agent: screen pop first, then the agent's phone rings. */
  private offer(callId: string, agent: string, queue: string): void {
    const h = this.byCallId.get(callId);
    if (!h) return;
    this.counters.offers++;
    const extension = this.agentExt.get(agent) ?? '';
    const now = this.deps.clock.now();
    this.deps.publish({
      type: 'CallOffered', at: now, callId, agent, extension, callerNumber: h.call.caller,
      ...(h.call.callerName ? { callerName: h.call.callerName } : {}), queue, waitMs: now - (h.joinedAt ?? now),
      ivr: { choices: h.run?.choices ?? [], digits: h.run?.digits ?? {} },
    });
    const entry: { extension: string; timer?: TimerHandle } = { extension };
    h.ringing.set(agent, entry);
    const ring = () => {
      entry.timer = undefined;
      if (h.ringing.get(agent) !== entry || h.phase !== 'queue') return;
      const targets = this.deps.contactsOf(extension, h.call.caller);
      if (targets.length === 0) {
        // The agent's phone is not registered: as good as not answering (the engine moves on).
        h.ringing.delete(agent);
        this.feed({ type: 'AgentNoAnswer', agent, callId: h.call.callId });
        return;
      }
      h.call.ringAgent(targets);
    };
    const lead = this.settings.screenPopLeadMs;
    if (lead > 0) entry.timer = this.deps.clock.setTimer(lead, ring);
    else ring();
  }

  private listenerFor(h: Hosted): HostedCallListener {
    return {
      bridged: (target) => {
        if (h.phase === 'to-extension') { h.phase = 'connected'; return; }
        if (h.phase !== 'queue') return;
        const agent = [...h.ringing].find(([, r]) => r.extension === target.toUser)?.[0];
        if (agent) this.feed({ type: 'AgentAnswered', agent, callId: h.call.callId });
      },
      ringFailed: (status) => {
        if (h.phase === 'to-extension') { this.hangupAfter(h, [GOODBYE_PROMPT]); return; }
        if (h.phase !== 'queue') return;
        // Every phone rung so far has failed: each agent still ringing refused or could not be reached.
        // A phone that says no (busy, decline) rejects; one that cannot be reached did not answer.
        const rejected = status === 486 || status === 600 || status === 603;
        for (const [agent, r] of [...h.ringing]) {
          if (r.timer) continue; // still in its screen-pop lead: not rung yet
          h.ringing.delete(agent);
          this.feed(rejected ? { type: 'AgentRejected', agent, callId: h.call.callId } : { type: 'AgentNoAnswer', agent, callId: h.call.callId });
        }
      },
    };
  }

  // ---- agents ----

  private agentStateChanged(agent: string, state: AgentStateName, reason?: string): void {
    const now = this.deps.clock.now();
    const prev = this.spell.get(agent);
    if (prev) {
      this.pendingSpells.push({ agent, state: prev.state, reason: prev.reason ?? null, startedAt: prev.since, endedAt: now, durationMs: Math.max(0, now - prev.since) });
      this.spellFlush ??= this.deps.clock.setTimer(250, () => this.flush());
    }
    if (state === 'logged-out') {
      this.spell.delete(agent);
      this.forgetRemovedAgent(agent);
    }
    else this.spell.set(agent, { state, ...(reason ? { reason } : {}), since: now });
    const extension = this.agentExt.get(agent);
    this.deps.publish({ type: 'AgentStateChanged', at: now, agent, state, ...(reason ? { reason } : {}), ...(extension ? { extension } : {}) });
  }

  /** Saves the state the agent chose: ringing, talking and wrap-up come from ready. */
  private persist(agent: string): void {
    const p = this.deps.persistence;
    const ext = this.agentExt.get(agent);
    if (!p || ext === undefined) return;
    const s = this.engine.agentState(agent);
    try {
      if (s.state === 'logged-out') p.clear(agent);
      else p.save({ agent, extension: ext, state: s.state === 'not-ready' ? 'not-ready' : 'ready', reason: s.state === 'not-ready' ? s.reason ?? null : null, since: this.deps.clock.now() });
    } catch (err) {
      log.error({ err, agent }, 'could not save the agent state');
    }
  }

  /** Agents logged in when the PBX stopped come back in the state they chose. */
  private restore(): void {
    let saved: SavedAgentState[] = [];
    try {
      saved = this.deps.persistence?.all() ?? [];
    } catch (err) {
      log.error({ err }, 'could not read saved agent states');
    }
    for (const s of saved) {
      try {
        this.agentExt.set(s.agent, s.extension);
        this.extAgent.set(s.extension, s.agent);
        this.engine.handle({ type: 'AgentLoggedIn', agent: s.agent });
        if (s.state === 'not-ready') this.engine.handle({ type: 'AgentNotReady', agent: s.agent, reason: s.reason ?? 'break' });
      } catch (err) {
        // The agent or reason left the configuration: forget it.
        this.agentExt.delete(s.agent);
        this.extAgent.delete(s.extension);
        log.warn({ agent: s.agent, err: (err as Error).message }, 'saved agent state not restored');
        this.deps.persistence?.clear(s.agent);
      }
    }
    if (saved.length > 0) log.info({ agents: saved.length }, 'agent states restored');
  }

  private featureCode(h: Hosted, code: AgentFeatureCode): void {
    this.counters.featureCodes++;
    h.phase = 'feature';
    const ext = h.call.caller;
    let confirm: string;
    try {
      switch (code.kind) {
        case 'login':
          this.login(code.agent, ext, code.pin);
          confirm = 'agent-logged-in';
          break;
        case 'logout':
          this.logout(this.agentOn(ext));
          confirm = 'agent-logged-out';
          break;
        case 'ready':
          this.setReady(this.agentOn(ext), true);
          confirm = 'agent-ready';
          break;
        case 'not-ready': {
          const reason = this.settings.acd.notReadyReasons[code.reasonIndex - 1];
          if (!reason) throw new AcdError('unknown-reason', `no not-ready reason number ${code.reasonIndex}`);
          this.setReady(this.agentOn(ext), false, reason.code);
          confirm = 'agent-not-ready';
          break;
        }
        default:
          // Supervisor codes (*31–*36) are taken by pbx/supervision before they reach the call center.
          throw new AcdError('bad-state', `feature code ${code.kind} is not an agent's`);
      }
      log.info({ extension: ext, code: code.kind }, 'agent feature code');
    } catch (err) {
      if (!(err instanceof AcdError)) throw err;
      log.info({ extension: ext, code: code.kind, err: err.message }, 'agent feature code refused');
      confirm = 'feature-failed';
    }
    this.hangupAfter(h, [confirm]);
  }

  /** An agent taken out of the configuration was logged out by the engine: its extension and saved state go too. */
  private forgetRemovedAgent(agent: string): void {
    if (this.settings.acd.agents.some((a) => a.number === agent)) return;
    const ext = this.agentExt.get(agent);
    if (ext === undefined) return;
    this.agentExt.delete(agent);
    this.extAgent.delete(ext);
    this.deps.persistence?.clear(agent);
  }

  private agentOn(extension: string): string {
    const agent = this.extAgent.get(extension);
    if (!agent) throw new AcdError('unknown-agent', `no agent is logged in on ${extension}`);
    return agent;
  }

  // ---- helpers ----

  /** Files a new hosted call. */
  private host(call: Call): Hosted {
    const h: Hosted = { call, phase: 'answering', playId: 0, queuesVisited: [], ringing: new Map() };
    this.byCall.set(call, h);
    this.byCallId.set(call.callId, h);
    return h;
  }

  private forget(call: Call): void {
    this.byCall.delete(call);
    this.byCallId.delete(call.callId);
    if (call.media.session) this.bySession.delete(call.media.session.sessionId);
  }

  private toExtension(h: Hosted, number: string): void {
    h.phase = 'to-extension';
    h.call.ringAgent(this.deps.contactsOf(number, h.call.caller));
  }

  private hangupAfter(h: Hosted, prompts: string[]): void {
    h.phase = 'leaving';
    h.run = undefined;
    if (this.deps.prompts.paths(prompts).length === 0) { h.call.hangup('system', 'call-center'); return; }
    this.play(h, prompts, () => h.call.hangup('system', 'call-center'));
  }

  private play(h: Hosted, names: string[], then?: () => void): void {
    const session = h.call.media.session;
    if (!session) return;
    const paths = this.deps.prompts.paths(names);
    h.playId = this.nextPlayId++;
    h.afterPrompt = then;
    if (paths.length < names.length) this.counters.promptsMissing++;
    if (paths.length < names.length) log.warn({ callId: h.call.callId, missing: names.filter((n) => !this.deps.prompts.path(n)) }, 'prompts missing');
    this.deps.media.play(session.sessionId, 'a', paths, h.playId);
  }

  private silence(h: Hosted): void {
    const session = h.call.media.session;
    h.playId = 0;
    h.afterPrompt = undefined;
    if (session) this.deps.media.setMusicOnHold(session.sessionId, 'a', false);
  }

  /** Feeds the engine; bad input (a late answer, an unknown agent) is logged, never thrown into SIP handling. */
  private feed(e: AcdEvent): void {
    try {
      this.engine.handle(e);
    } catch (err) {
      if (!(err instanceof AcdError)) throw err;
      this.counters.engineErrors++;
      log.warn({ event: e.type, err: err.message }, 'ACD engine refused an event');
    }
  }
}

/** Prompt names speaking `n` digit by digit (digit-1, digit-2 …). */
function digitPrompts(n: number): string[] {
  return String(n).split('').map((d) => `digit-${d}`);
}
