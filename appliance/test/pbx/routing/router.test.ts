import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, type HotlineConfig } from '../../../src/config/index.ts';
import { OriginTable, Router, type TrunkStateOf } from '../../../src/pbx/routing/index.ts';

function config(mutate?: (c: HotlineConfig) => void): HotlineConfig {
  const c = defaultConfig();
  c.sip.bindAddress = '10.0.0.1';
  c.extensions = ['1001', '1002', '8001'].map((n) => ({ number: n, secret: `secret-${n}`, maxContacts: 5, callWaiting: false }));
  c.trunks = [
    { name: 'telecom', host: '192.0.2.10' },
    { name: 'unicom', host: '192.0.2.20', port: 5070 },
  ];
  c.analog = {
    cards: [{ name: 'card1', driver: 'simulator', ports: [
      { port: 1, kind: 'FXS', extension: '8001' },
      { port: 2, kind: 'FXO', group: 'pstn', did: '66100000' },
    ] }],
    lineGroups: [{ name: 'pstn' }],
  };
  c.routes = {
    inbound: [
      { name: 'blocked', callerNumber: '_1380000000X', destination: { kind: 'hangup' } },
      { name: 'hotline', did: '_6610000[0-5]', destination: { kind: 'extension', number: '1001' } },
      { name: 'vip', did: '66109999', callerNumber: '13912345678', destination: { kind: 'extension', number: '1002' } },
    ],
    outbound: [
      { name: 'mobile', patterns: ['_01[3-9]XXXXXXXXX'], strip: 1, trunks: ['telecom', 'unicom', 'pstn'] },
      { name: 'local', patterns: ['_9NXXXXXXX'], strip: 1, prepend: '021', trunks: ['pstn', 'telecom'] },
    ],
  };
  mutate?.(c);
  return c;
}

const allUp: TrunkStateOf = () => 'up';
const ext = (number: string) => ({ kind: 'extension' as const, number });
const trunk = (name: string) => ({ kind: 'trunk' as const, name });

test('an extension dialling an extension rings it, as before routes existed', () => {
  const r = new Router(config());
  assert.deepEqual(r.decide({ origin: ext('1001'), dialled: '1002', callerNumber: '1001' }, allUp), { kind: 'extension', number: '1002' });
});

test('a number matching an outbound route goes out through its carriers in order, stripped and prepended', () => {
  const r = new Router(config());
  assert.deepEqual(r.decide({ origin: ext('1001'), dialled: '013912345678', callerNumber: '1001' }, allUp), {
    kind: 'outbound', number: '13912345678', route: 'mobile', emergency: false,
    carriers: [trunk('telecom'), trunk('unicom'), { kind: 'line-group', name: 'pstn' }],
  });
  const local = r.decide({ origin: ext('8001'), dialled: '962345678', callerNumber: '8001' }, allUp);
  assert.equal(local.kind === 'outbound' && local.number, '02162345678', 'strip 1 then prepend 021');
});

test('a trunk that is down is skipped without being tried; a route with every carrier down is unavailable', () => {
  const r = new Router(config((c) => { c.routes!.outbound![0].trunks = ['telecom', 'unicom']; }));
  const d = r.decide({ origin: ext('1001'), dialled: '013912345678', callerNumber: '1001' }, (t) => (t === 'telecom' ? 'down' : 'registering'));
  assert.deepEqual(d.kind === 'outbound' && d.carriers, [trunk('unicom')], 'registering is not down: it is tried');
  assert.deepEqual(r.decide({ origin: ext('1001'), dialled: '013912345678', callerNumber: '1001' }, () => 'down'), { kind: 'unavailable', route: 'mobile' });
});

test('line groups are skipped when no analog card is configured', () => {
  const r = new Router(config((c) => { delete c.analog; }));
  const d = r.decide({ origin: ext('1001'), dialled: '962345678', callerNumber: '1001' }, allUp);
  assert.deepEqual(d.kind === 'outbound' && d.carriers, [trunk('telecom')]);
});

test('an emergency number with no outbound route goes out through every trunk and line group, trunks that are up first', () => {
  const r = new Router(config());
  const d = r.decide({ origin: ext('1001'), dialled: '110', callerNumber: '1001' }, (t) => (t === 'telecom' ? 'down' : 'up'));
  assert.deepEqual(d, {
    kind: 'outbound', number: '110', route: 'emergency', emergency: true,
    carriers: [trunk('unicom'), { kind: 'line-group', name: 'pstn' }, trunk('telecom')],
  });
});

test('an emergency number with no route, no trunk and no card still is an outbound decision, with nothing to try', () => {
  const r = new Router(config((c) => { delete c.trunks; delete c.analog; c.routes!.outbound = []; }));
  assert.deepEqual(r.decide({ origin: ext('1001'), dialled: '119', callerNumber: '1001' }, allUp), { kind: 'outbound', number: '119', route: 'emergency', emergency: true, carriers: [] });
});

test('an emergency number matching a route uses that route, down trunks tried last instead of skipped', () => {
  const r = new Router(config((c) => { c.routes!.outbound!.unshift({ name: 'police', patterns: ['110'], trunks: ['telecom', 'unicom'] }); }));
  const d = r.decide({ origin: ext('1001'), dialled: '110', callerNumber: '1001' }, (t) => (t === 'telecom' ? 'down' : 'up'));
  assert.deepEqual(d, { kind: 'outbound', number: '110', route: 'police', emergency: true, carriers: [trunk('unicom'), trunk('telecom')] });
});

test('configured emergency numbers replace the defaults, and an emergency number wins over an extension of the same number', () => {
  const r = new Router(config((c) => {
    c.extensions.push({ number: '119', secret: 'secret-119x', maxContacts: 1, callWaiting: false });
    c.routes!.emergencyNumbers = ['119'];
  }));
  assert.equal(r.decide({ origin: ext('1001'), dialled: '119', callerNumber: '1001' }, allUp).kind, 'outbound');
  assert.deepEqual(r.decide({ origin: ext('1001'), dialled: '110', callerNumber: '1001' }, allUp), { kind: 'not-found', status: 404 });
});

test('unknown numbers are 404, and numbers that more digits could complete are 484', () => {
  const r = new Router(config());
  const ask = (dialled: string) => r.decide({ origin: ext('1001'), dialled, callerNumber: '1001' }, allUp);
  assert.deepEqual(ask('5555'), { kind: 'not-found', status: 404 });
  assert.deepEqual(ask('0139123'), { kind: 'not-found', status: 484 }, 'a mobile number cut short');
  assert.deepEqual(ask('100'), { kind: 'not-found', status: 484 }, 'the start of an extension');
  assert.deepEqual(ask('11'), { kind: 'not-found', status: 484 }, 'the start of an emergency number');
});

test('inbound calls match DID and caller number, the first matching route wins, literal or pattern', () => {
  const r = new Router(config());
  const inbound = (dialled: string, callerNumber: string) => r.decide({ origin: trunk('telecom'), dialled, callerNumber }, allUp);
  assert.deepEqual(inbound('66100003', '13912345678'), { kind: 'extension', number: '1001', route: 'hotline' });
  assert.deepEqual(inbound('66100003', '13800000001'), { kind: 'hangup', route: 'blocked' }, 'the blocking route is listed first');
  assert.deepEqual(inbound('66109999', '13912345678'), { kind: 'extension', number: '1002', route: 'vip' });
  assert.deepEqual(inbound('66109999', '13912345679'), { kind: 'not-found', status: 404 }, 'a literal matches only itself');
  assert.deepEqual(inbound('66100009', '13912345678'), { kind: 'not-found', status: 404 });
});

test('a call from a trunk never reaches extensions or outbound routes directly (no toll fraud through the box)', () => {
  const r = new Router(config());
  assert.deepEqual(r.decide({ origin: trunk('analog:pstn'), dialled: '1002', callerNumber: '13912345678' }, allUp), { kind: 'not-found', status: 404 });
  assert.deepEqual(r.decide({ origin: trunk('telecom'), dialled: '013912345678', callerNumber: '1' }, allUp), { kind: 'not-found', status: 404 });
  assert.deepEqual(r.decide({ origin: trunk('telecom'), dialled: '110', callerNumber: '1' }, allUp), { kind: 'not-found', status: 404 });
});

test('a route with no matchers catches every inbound call', () => {
  const r = new Router(config((c) => { c.routes!.inbound = [{ name: 'all', destination: { kind: 'extension', number: '1002' } }]; }));
  assert.deepEqual(r.decide({ origin: trunk('analog:pstn'), dialled: 's', callerNumber: 'anonymous' }, allUp), { kind: 'extension', number: '1002', route: 'all' });
});

test('the analog gateway is trusted by local address and its SIP port: FXO calls are trunk calls, FXS calls are their extension', () => {
  const o = new OriginTable(config());
  assert.deepEqual(o.classify({ address: '127.0.0.1', port: 5062, group: 'pstn', fromUser: '13912345678' }), { kind: 'trusted', origin: trunk('analog:pstn'), callerNumber: '13912345678' });
  assert.deepEqual(o.classify({ address: '10.0.0.1', port: 5062, group: undefined, fromUser: '8001' }), { kind: 'trusted', origin: ext('8001'), callerNumber: '8001' });
  assert.equal(o.classify({ address: '127.0.0.1', port: 5062, group: undefined, fromUser: '1001' }).kind, 'forbidden', '1001 is no FXS phone');
  assert.equal(o.classify({ address: '127.0.0.1', port: 5099, group: 'pstn', fromUser: '8001' }).kind, 'authenticate', 'another local port is not the gateway');
  assert.equal(o.classify({ address: '10.0.0.99', port: 5062, group: 'pstn', fromUser: '8001' }).kind, 'authenticate', 'a remote host is not the gateway');
  assert.equal(new OriginTable(config((c) => { delete c.analog; })).classify({ address: '127.0.0.1', port: 5062, group: 'pstn', fromUser: '1' }).kind, 'authenticate', 'no cards, no gateway');
});

test('INVITEs from a trunk host are trunk calls, whatever the port; anything else authenticates', () => {
  const o = new OriginTable(config());
  assert.deepEqual(o.classify({ address: '192.0.2.20', port: 5999, group: undefined, fromUser: '13912345678' }), { kind: 'trusted', origin: trunk('unicom'), callerNumber: '13912345678' });
  assert.equal(o.classify({ address: '192.0.2.30', port: 5060, group: undefined, fromUser: '1001' }).kind, 'authenticate');
});

test('a trunk on this host itself is known by address and port, so local phones still authenticate', () => {
  const o = new OriginTable(config((c) => { c.trunks = [{ name: 'local-gw', host: '127.0.0.1', port: 5090 }]; }));
  assert.deepEqual(o.classify({ address: '127.0.0.1', port: 5090, group: undefined, fromUser: '66100001' }), { kind: 'trusted', origin: trunk('local-gw'), callerNumber: '66100001' });
  assert.equal(o.classify({ address: '127.0.0.1', port: 40000, group: undefined, fromUser: '1001' }).kind, 'authenticate');
});

test('the dial verdict for digit-by-digit dialling: complete numbers are full, prefixes can extend, dead ends are neither', () => {
  const r = new Router(config());
  assert.deepEqual(r.dialVerdict('100'), { full: false, canExtend: true });
  assert.deepEqual(r.dialVerdict('1002'), { full: true, canExtend: false });
  assert.deepEqual(r.dialVerdict('110'), { full: true, canExtend: false });
  assert.deepEqual(r.dialVerdict('01391234567'), { full: false, canExtend: true });
  assert.deepEqual(r.dialVerdict('013912345678'), { full: true, canExtend: false });
  assert.deepEqual(r.dialVerdict('5'), { full: false, canExtend: false });
});
