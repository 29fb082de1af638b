// ACD and IVR configuration changes reach a running PBX without a restart (issue 6), through
// the path the management API takes (ConfigStore.update, then the PBX's /v1/config/reload, as
// mgmt/config-apply.ts does): a caller waiting in a queue that the change removes goes to the
// queue's overflow and reaches an agent there, who stayed logged in; queues and agents added
// show up; a changed IVR menu leads the next caller elsewhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, type HotlineConfig } from '@hotline/appliance/config';
import { ControlClient } from '@hotline/appliance/control';
import { freePort, freeUdpPorts } from '../src/ports.ts';
import { agentPhone as phone, trunkCall } from '../src/acd-phones.ts';
import { startRtpAnalyzer, toneEnergyRatio } from '../src/rtp-analyzer.ts';
import { eventually, startPbx, type HilPbx } from '../src/pbx.ts';

const PHONES = ['2001', '2002'].map((number) => ({ number, secret: `secret-${number}` }));

let pbx: HilPbx;
let control: ControlClient;
let callerPort: number;
const logs = mkdtempSync(join(tmpdir(), 'hil-acd-reload-'));
const cti: Array<Record<string, unknown>> = [];
let stream: { close(): void } | undefined;

before(async () => {
  callerPort = await freePort();
  pbx = await startPbx({
    extensions: PHONES, authFailureLimit: 50,
    trunks: [{ name: 'callers', host: '127.0.0.1', port: callerPort }],
    configure: (d) => {
      d.acd = {
        queues: [{ name: 'old', overflow: { kind: 'queue', name: 'spare' } }, { name: 'spare', ringTimeoutSec: 10, wrapUpSec: 1 }],
        agents: [{ number: '8001', queues: [{ queue: 'spare' }] }],
        screenPopLeadMs: 0,
      };
      d.ivr = { menus: [{ name: 'main', prompt: 'welcome', timeoutSec: 8, options: [{ digit: '1', destination: { kind: 'queue', name: 'old' } }] }] };
      d.routes = { inbound: [{ name: 'hotline', did: '95598', destination: { kind: 'ivr', menu: 'main' } }] };
    },
  });
  control = new ControlClient(join(pbx.dataDir, 'run', 'pbx.sock'));
  stream = control.follow('/v1/cti/events', (e) => cti.push(e as Record<string, unknown>), () => undefined);
});

after(async () => {
  stream?.close();
  if (process.env.HIL_KEEP_LOGS) writeFileSync(process.env.HIL_KEEP_LOGS, pbx?.logs() ?? '');
  await pbx?.stop();
  rmSync(logs, { recursive: true, force: true });
});

/** Saves a change and has the PBX apply it: what mgmt's saveAndApply does. */
async function saveAndApply(mutate: (draft: HotlineConfig) => void): Promise<void> {
  const store = await ConfigStore.open({ config: join(pbx.dataDir, 'config.json'), configHistory: join(pbx.dataDir, 'config-history') });
  await store.update(mutate, { author: 'hil', comment: 'ACD change while a caller waits' });
  await control.reloadConfig();
}

type Snapshot = { queues: Array<{ name: string; stats: { waiting: number } }>; agents: Array<{ agent: string; state: string; extension?: string }> };
const snapshot = () => control.call<Snapshot>('GET', '/v1/acd/snapshot');
const agentPhone = (number: string) => phone(pbx.sipPort, number, `secret-${number}`, logs, 300);

test('a queue removed while a caller waits in it: the caller moves to its overflow queue, keeps its IVR data, and the agent who stayed logged in answers (audio checked)', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8001', action: 'login', extension: '2001' });
  const agent = await agentPhone('2001');
  const ear = await startRtpAnalyzer((await freeUdpPorts(1))[0]!);
  try {
    const caller = trunkCall(pbx.sipPort, callerPort, '95598', '13800000021', 7000, ear.port);
    await eventually(async () => ((await snapshot()).queues.find((q) => q.name === 'old')?.stats.waiting === 1 ? true : undefined), 8000, 'the caller waiting in queue old');
    assert.equal(agent.invites().length, 0, 'nobody serves queue old: the agent was not rung');
    await saveAndApply((d) => {
      d.acd = {
        queues: [{ name: 'spare', ringTimeoutSec: 20, wrapUpSec: 1 }, { name: 'added' }],
        agents: [{ number: '8001', queues: [{ queue: 'spare' }] }, { number: '8002', queues: [{ queue: 'added' }] }],
        screenPopLeadMs: 0,
      };
      d.ivr = { menus: [{ name: 'main', prompt: 'welcome', timeoutSec: 8, options: [{ digit: '1', destination: { kind: 'queue', name: 'added' } }] }] };
    });
    const r = await caller;
    assert.equal(r.stats.successful, 1, 'the caller stayed on the line to the end');
    assert.equal(agent.invites().length, 1, 'the agent\'s phone rang after the change');
    assert.equal(agent.invites()[0]!.from, '13800000021');
    const offer = cti.find((e) => e.type === 'CallOffered');
    assert.equal(offer?.queue, 'spare');
    assert.equal(offer?.agent, '8001');
    assert.deepEqual(offer?.ivr, { choices: [{ menu: 'main', digit: '1' }], digits: {} }, 'the IVR choice travelled with the caller');
    assert.ok(cti.some((e) => e.type === 'CallEnded' && e.queue === 'old' && e.outcome === 'overflowed'), 'the old queue reports the caller as overflowed');
    // The agent's 2 s of 1 kHz tone reached the caller through the bridge.
    const pcm = ear.analysis.pcm();
    let toneBlocks = 0;
    for (let i = 0; i + 160 <= pcm.length; i += 160) if (toneEnergyRatio(pcm, 1000, i, i + 160) >= 0.7) toneBlocks++;
    assert.ok(toneBlocks * 0.02 >= 1, `the caller heard ${toneBlocks * 0.02} s of the agent's tone`);
    const snap = await snapshot();
    assert.deepEqual(snap.queues.map((q) => q.name), ['spare', 'added']);
    assert.equal(snap.agents.find((a) => a.agent === '8001')?.extension, '2001', 'the agent is still logged in on its phone');
    assert.equal(snap.agents.find((a) => a.agent === '8002')?.state, 'logged-out', 'the added agent is known');
  } finally {
    await ear.stop();
    await agent.stop();
  }
});

test('after the change the IVR menu leads to the queue it names now, served by the agent added by the same change', async () => {
  await control.call('POST', '/v1/acd/agent', { agent: '8002', action: 'login', extension: '2002' });
  const agent = await agentPhone('2002');
  try {
    const r = await trunkCall(pbx.sipPort, callerPort, '95598', '13800000022', 2500);
    assert.equal(r.stats.successful, 1);
    const answered = await eventually(async () => cti.find((e) => e.type === 'CallAnswered' && e.agent === '8002'), 5000, 'CallAnswered by 8002');
    assert.equal(answered.queue, 'added');
    assert.equal(agent.invites().length, 1);
  } finally {
    await agent.stop();
  }
});
