import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeMetadata, parseRecordingMetadata, partyName, senderOfLabel } from '../../src/recorder/metadata.ts';
import { MetadataError } from '../../src/recorder/errors.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

test('reads participants, streams, sessions and send/recv associations of an RFC 7865 complete document', () => {
  const m = parseRecordingMetadata(fixture('metadata-complete.xml'));
  assert.equal(m.dataMode, 'complete');
  assert.deepEqual(m.sessions.map((s) => [s.id, s.sipSessionId?.slice(0, 8), s.associateTime]), [['Se55i0nIdAbCdEfGhIjKlA==', '0a1b2c3d', '2026-11-30T08:00:01Z']]);
  assert.equal(m.participants.length, 2);
  const [caller, agent] = m.participants;
  assert.equal(caller!.aor, 'sip:13800138000@pstn.example.cn');
  assert.equal(caller!.name, '张先生');
  assert.equal(caller!.role, 'caller');
  assert.deepEqual(caller!.send, ['StReAm1aBcDeFgHiJkLmNA==']);
  assert.deepEqual(caller!.recv, ['StReAm2aBcDeFgHiJkLmNA==']);
  assert.deepEqual(caller!.sessions, [{ sessionId: 'Se55i0nIdAbCdEfGhIjKlA==', associateTime: '2026-11-30T08:00:01Z' }]);
  assert.equal(agent!.role, 'agent');
  assert.equal(agent!.name, undefined);
  assert.deepEqual(m.streams.map((s) => [s.label, s.sessionId]), [['1', 'Se55i0nIdAbCdEfGhIjKlA=='], ['2', 'Se55i0nIdAbCdEfGhIjKlA==']]);
});

test('reads the Hotline extension: call id, direction, queue, agent, retention class', () => {
  const m = parseRecordingMetadata(fixture('metadata-complete.xml'));
  assert.deepEqual(m.hotline, { callId: 'call-4711@pbx', direction: 'inbound', queue: 'repairs', agent: '8001', retention: 'complaint' });
});

test('reads the carrier of a call from or to outside (hl:hotline trunk)', () => {
  const m = parseRecordingMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1" xmlns:hl="urn:x-hotline:params:xml:ns:recording:1"><datamode>complete</datamode><session session_id="s"><hl:hotline callId="c" direction="outbound" trunk="analog:fxo"/></session></recording>');
  assert.deepEqual(m.hotline, { callId: 'c', direction: 'outbound', trunk: 'analog:fxo' });
});

test('maps an SDP label to the participant that sends on it, and names parties', () => {
  const m = parseRecordingMetadata(fixture('metadata-complete.xml'));
  assert.equal(partyName(senderOfLabel(m, '1')), '张先生');
  assert.equal(partyName(senderOfLabel(m, '2')), '8001');
  assert.equal(senderOfLabel(m, '9'), undefined);
  assert.equal(partyName(undefined), '');
});

test('a partial update with namespace prefixes adds a participant and records who left, keeping the rest', () => {
  const first = parseRecordingMetadata(fixture('metadata-complete.xml'));
  const update = parseRecordingMetadata(fixture('metadata-partial-leave.xml'));
  assert.equal(update.dataMode, 'partial');
  const merged = mergeMetadata(first, update);
  assert.equal(merged.participants.length, 3);
  const agent = merged.participants.find((p) => p.id === 'PaRtIcIpAnT2aBcDeFgHiA==')!;
  assert.equal(agent.sessions[0]!.disassociateTime, '2026-11-30T08:03:00Z');
  assert.equal(agent.aor, 'sip:8001@hotline.example.cn');
  // The new agent now sends on stream 2 too (a transfer): both are listed for that stream.
  const li = merged.participants.find((p) => p.name === 'Li')!;
  assert.deepEqual(li.send, ['StReAm2aBcDeFgHiJkLmNA==']);
  assert.equal(merged.hotline.queue, 'repairs');
  assert.equal(merged.streams.length, 2);
});

test('a complete update replaces what was known', () => {
  const first = parseRecordingMetadata(fixture('metadata-complete.xml'));
  const next = parseRecordingMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode><participant participant_id="x"><nameID aor="sip:a@b"/></participant></recording>');
  assert.deepEqual(mergeMetadata(first, next).participants.map((p) => p.id), ['x']);
});

test('an empty document without datamode is complete and empty', () => {
  const m = parseRecordingMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"/>');
  assert.deepEqual(m, { dataMode: 'complete', sessions: [], participants: [], streams: [], hotline: {} });
});

test('refuses malformed or hostile documents with a MetadataError naming the fault', () => {
  const bad: Array<[string, RegExp]> = [
    ['<recording><participant participant_id="a"></recording>', /not well-formed/],
    ['<other/>', /no <recording>/],
    ['<recording><datamode>sometimes</datamode></recording>', /datamode "sometimes"/],
    ['<recording><stream stream_id="s"/></recording>', /without <label>/],
    ['<recording><participant><nameID aor="x"/></participant></recording>', /<participant> without participant_id/],
    ['<!DOCTYPE r [<!ENTITY a "aaaa">]><recording>&a;</recording>', /DTDs/],
    ['<recording><hotline direction="sideways"/></recording>', /direction "sideways"/],
    ['<recording><hotline segment="0"/></recording>', /segment "0"/],
    [`<recording>${'<participant participant_id="p"/>'.repeat(3000)}</recording>`, /over 65536 bytes/],
  ];
  for (const [xml, why] of bad) {
    assert.throws(() => parseRecordingMetadata(xml), (err: unknown) => err instanceof MetadataError && err.status === 400 && why.test(err.message), xml.slice(0, 60));
  }
});
