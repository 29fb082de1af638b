import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acdSettings, defaultConfig, ivrSettings, validateConfig } from '../../../src/config/index.ts';
import { AgentStateStore, openRecords } from '../../../src/records/index.ts';
import { FakeClock } from '../../../src/sip/clock.ts';
import { AcdError } from '../../../src/acd/index.ts';
import { CallCenter, PROMPT_LANGUAGES, PROMPT_NAMES, PromptSet, installDefaultPrompts, type CtiEvent } from '../../../src/pbx/call-center/index.ts';
import { parseWav } from '@hotline/media';
import { FakeMediaAnchor } from '../fake-media.ts';

const config = validateConfig({
  ...defaultConfig(),
  extensions: [{ number: '2001', secret: 'abcdefgh' }, { number: '2002', secret: 'abcdefgh' }],
  acd: {
    queues: [{ name: 'repair' }],
    agents: [{ number: '8001', pin: '1234', queues: [{ queue: 'repair' }] }, { number: '8002', queues: [{ queue: 'repair' }] }],
  },
});

/** A call center over records.db in `dir`, with a fake clock and media; no calls. */
function center(dir: string, clock: FakeClock, events: CtiEvent[] = []) {
  const db = openRecords(join(dir, 'records.db'));
  const media = Object.assign(new FakeMediaAnchor(), { play() {} });
  const cc = new CallCenter({
    clock, media, prompts: new PromptSet(join(dir, 'prompts'), 'zh-CN'), contactsOf: () => [],
    publish: (e) => events.push(e), persistence: new AgentStateStore(db), timeZone: 'Asia/Shanghai',
  }, { acd: acdSettings(config), ivr: ivrSettings(config), screenPopLeadMs: 0 });
  return { cc, db };
}

test('agents\' chosen states survive a restart: login, not ready with its reason, extension; logged-out agents stay out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-state-'));
  try {
    const clock = new FakeClock();
    const first = center(dir, clock);
    first.cc.login('8001', '2001', '1234');
    first.cc.login('8002', '2002');
    first.cc.setReady('8002', false, 'meal');
    first.cc.logout('8001');
    first.db.close();
    const rows = (cc: CallCenter) => cc.snapshot().agents.map((a) => [a.agent, a.state, a.reason ?? null, a.extension ?? null]);

    const second = center(dir, new FakeClock());
    assert.deepEqual(rows(second.cc), [['8001', 'logged-out', null, null], ['8002', 'not-ready', 'meal', '2002']]);
    // Logging in on a phone another agent holds takes it over: that agent is logged out.
    second.cc.login('8001', '2002', '1234');
    second.db.close();
    const third = center(dir, new FakeClock());
    assert.deepEqual(rows(third.cc), [['8001', 'ready', null, '2002'], ['8002', 'logged-out', null, null]]);
    third.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('state spells are logged with their durations, not-ready with its reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-spells-'));
  try {
    const clock = new FakeClock();
    const events: CtiEvent[] = [];
    const { cc, db } = center(dir, clock, events);
    cc.login('8002', '2002');
    clock.advance(5000);
    cc.setReady('8002', false, 'break');
    clock.advance(60_000);
    cc.setReady('8002', true);
    cc.flush();
    const spells = new AgentStateStore(db).spells('8002');
    assert.deepEqual(spells.map((s) => [s.state, s.reason, s.durationMs]), [['ready', null, 5000], ['not-ready', 'break', 60_000]]);
    assert.deepEqual(events.filter((e) => e.type === 'AgentStateChanged').map((e) => e.type === 'AgentStateChanged' && [e.state, e.extension]), [['ready', '2002'], ['not-ready', '2002'], ['ready', '2002']]);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the call-control API refuses a wrong PIN, an unknown reason and commands for agents not logged in, and changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-refuse-'));
  try {
    const { cc, db } = center(dir, new FakeClock());
    assert.throws(() => cc.login('8001', '2001', '9999'), AcdError);
    assert.throws(() => cc.login('9999', '2001'), AcdError);
    assert.throws(() => cc.setReady('8002', true), AcdError);
    cc.login('8002', '2002');
    assert.throws(() => cc.setReady('8002', false, 'nap'), AcdError);
    assert.deepEqual(cc.snapshot().agents.map((a) => a.state), ['logged-out', 'ready']);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the default prompt set: both languages, every name, 8 kHz A-law speech, a localized file wins over a plain one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-prompts-'));
  try {
    // Every name the PBX uses, in both languages (zh-CN, en).
    assert.equal(installDefaultPrompts(dir), PROMPT_NAMES.length * PROMPT_LANGUAGES.length);
    assert.equal(installDefaultPrompts(dir), 0, 'existing files are kept');
    const wav = parseWav(readFileSync(join(dir, 'en', 'welcome.wav')));
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.channels, 1);
    assert.equal(wav.encoding, 'alaw');
    // Spoken sentences, not tones: the English welcome is several seconds, and the Chinese one differs from it.
    assert.ok(wav.dataLength > 8000 * 4, `welcome is ${wav.dataLength / 8000} s`);
    assert.notDeepEqual(readFileSync(join(dir, 'zh-CN', 'welcome.wav')), readFileSync(join(dir, 'en', 'welcome.wav')));
    const set = new PromptSet(dir, 'en');
    assert.equal(set.path('welcome'), join(dir, 'en', 'welcome.wav'));
    assert.equal(set.path('nosuch'), undefined);
    assert.ok(existsSync(join(dir, 'zh-CN', 'digit-7.wav')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
