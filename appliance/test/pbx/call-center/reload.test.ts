// CallCenter.update: a config reload reaches the running ACD engine (issue 6: no PBX restart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acdSettings, defaultConfig, ivrSettings, validateConfig, type AcdConfig } from '../../../src/config/index.ts';
import { AgentStateStore, openRecords } from '../../../src/records/index.ts';
import { FakeClock } from '../../../src/sip/clock.ts';
import { CallCenter, PromptSet, type CtiEvent } from '../../../src/pbx/call-center/index.ts';
import { FakeMediaAnchor } from '../fake-media.ts';

const base = validateConfig({ ...defaultConfig(), extensions: [{ number: '2001', secret: 'abcdefgh' }, { number: '2002', secret: 'abcdefgh' }] });
/** Call-center settings of `acd`; validated like a saved config unless `validate` is false (to reach the engine's own checks). */
const settings = (acd: AcdConfig, validate = true) => {
  const config = validate ? validateConfig({ ...base, acd }) : { ...base, acd };
  return { acd: acdSettings(config), ivr: ivrSettings(config), screenPopLeadMs: 0 };
};
const before: AcdConfig = {
  queues: [{ name: 'repair' }, { name: 'billing' }],
  agents: [{ number: '8001', queues: [{ queue: 'repair' }] }, { number: '8002', queues: [{ queue: 'billing' }] }],
};

function withCenter(run: (cc: CallCenter, store: AgentStateStore, events: CtiEvent[]) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cc-reload-'));
  const db = openRecords(join(dir, 'records.db'));
  try {
    const events: CtiEvent[] = [];
    const store = new AgentStateStore(db);
    const cc = new CallCenter({
      clock: new FakeClock(), media: Object.assign(new FakeMediaAnchor(), { play() {} }), prompts: new PromptSet(join(dir, 'prompts'), 'zh-CN'),
      contactsOf: () => [], publish: (e) => events.push(e), persistence: store, timeZone: 'Asia/Shanghai',
    }, settings(before));
    run(cc, store, events);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a reload adds and removes queues and agents: the snapshot shows the new ones, logged-in agents stay in their state', () => {
  withCenter((cc, store) => {
    cc.login('8001', '2001');
    cc.setReady('8001', false, 'meal');
    cc.login('8002', '2002');
    cc.update(settings({
      queues: [{ name: 'repair', strategy: 'ring-all' }, { name: 'complaints' }],
      agents: [{ number: '8001', queues: [{ queue: 'repair' }, { queue: 'complaints' }] }, { number: '8003', queues: [{ queue: 'complaints' }] }],
    }));
    const snap = cc.snapshot();
    assert.deepEqual(snap.queues.map((q) => q.name), ['repair', 'complaints']);
    assert.deepEqual(snap.agents.map((a) => [a.agent, a.state, a.reason ?? null, a.extension ?? null]), [['8001', 'not-ready', 'meal', '2001'], ['8003', 'logged-out', null, null]]);
    // 8002 left the configuration: logged out, its saved state gone, its phone free for another agent.
    assert.deepEqual(store.all().map((s) => s.agent), ['8001']);
    cc.login('8003', '2002');
    assert.equal(cc.snapshot().agents.find((a) => a.agent === '8003')?.state, 'ready');
  });
});

test('the logout of a removed agent is published on the CTI stream', () => {
  withCenter((cc, _store, events) => {
    cc.login('8002', '2002');
    cc.update(settings({ queues: [{ name: 'repair' }], agents: [{ number: '8001', queues: [{ queue: 'repair' }] }] }));
    assert.deepEqual(events.filter((e) => e.type === 'AgentStateChanged').map((e) => e.type === 'AgentStateChanged' && [e.agent, e.state]), [['8002', 'ready'], ['8002', 'logged-out']]);
  });
});

test('ACD settings the engine refuses are not applied: the running queues and agents stay', () => {
  withCenter((cc) => {
    cc.login('8001', '2001');
    const bad = settings({ queues: [{ name: 'repair' }], agents: [{ number: '8001', queues: [{ queue: 'nowhere' }] }] }, false);
    cc.update(bad);
    assert.deepEqual(cc.snapshot().queues.map((q) => q.name), ['repair', 'billing']);
    assert.equal(cc.snapshot().agents.find((a) => a.agent === '8001')?.state, 'ready');
  });
});
