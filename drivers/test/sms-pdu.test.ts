import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSmsSubmit, encodeSmsSubmit, fitsGsm7, packSeptets, unpackSeptets } from '../src/serial/index.ts';

test('the classic "hellohello" GSM-7 PDU', () => {
  // The widely published example (dreamfabric.com "SMS PDU format"), to +46708251358.
  const [pdu, ...rest] = encodeSmsSubmit('+46708251358', 'hellohello');
  assert.equal(rest.length, 0);
  assert.equal(pdu!.hex, '0011000B916407281553F80000AA0AE8329BFD4697D9EC37');
  assert.equal(pdu!.tpduLength, 23);
  assert.deepEqual(decodeSmsSubmit(pdu!.hex), { to: '+46708251358', text: 'hellohello' });
});

test('Chinese goes as UCS2 (DCS 08), big-endian UTF-16', () => {
  // 你 U+4F60, 好 U+597D; 13 digits of 8613800138000 padded with F and swapped.
  const [pdu] = encodeSmsSubmit('+8613800138000', '你好');
  assert.equal(pdu!.hex, '0011000D91683108108300F00008AA044F60597D');
  assert.equal(pdu!.tpduLength, 19);
  assert.deepEqual(decodeSmsSubmit(pdu!.hex), { to: '+8613800138000', text: '你好' });
  assert.equal(decodeSmsSubmit(encodeSmsSubmit('10086', '告警：UPS 电池供电 😀')[0]!.hex).text, '告警：UPS 电池供电 😀');
});

test('septet packing with and without fill bits', () => {
  const s = [...'hellohello'].map((c) => c.charCodeAt(0));
  assert.equal(packSeptets(s).toString('hex').toUpperCase(), 'E8329BFD4697D9EC37');
  for (const fill of [0, 1, 3, 6]) assert.deepEqual(unpackSeptets(packSeptets(s, fill), s.length, fill), s);
  assert.equal(fitsGsm7('Alarm [UPS] €5 {x}'), true);
  assert.equal(fitsGsm7('告警'), false);
});

test('long GSM-7 text: 153-septet parts with an 8-bit-reference concatenation header', () => {
  const text = 'A'.repeat(160);
  assert.equal(encodeSmsSubmit('+8613800138000', text).length, 1);
  const long = `${'0123456789'.repeat(20)}[end]`; // 200 + 7 septets (two escapes)
  const parts = encodeSmsSubmit('+8613800138000', long, 0x2a);
  assert.equal(parts.length, 2);
  const decoded = parts.map((p) => decodeSmsSubmit(p.hex));
  assert.deepEqual(decoded.map((d) => d.concat), [{ ref: 0x2a, total: 2, seq: 1 }, { ref: 0x2a, total: 2, seq: 2 }]);
  assert.equal(decoded[0]!.text.length, 153);
  assert.equal(decoded.map((d) => d.text).join(''), long);
  // First octet 51: SMS-SUBMIT, VPF relative, UDHI; UDL 160 septets = 7 for the header + 153.
  assert.match(parts[0]!.hex, /^0051000D91683108108300F00000AAA0050003/);
  for (const p of parts) assert.equal(p.tpduLength, p.hex.length / 2 - 1);
});

test('long Chinese text: 67 characters per part; escape sequences and surrogate pairs never split', () => {
  const zh = '机房温度过高，请立即检查空调。'.repeat(10); // 150 characters
  const parts = encodeSmsSubmit('+8613800138000', zh, 7).map((p) => decodeSmsSubmit(p.hex));
  assert.deepEqual(parts.map((p) => p.text.length), [67, 67, 16]);
  assert.equal(parts.map((p) => p.text).join(''), zh);
  const emoji = '😀'.repeat(40); // 80 UTF-16 units
  const e = encodeSmsSubmit('+8613800138000', emoji).map((p) => decodeSmsSubmit(p.hex).text);
  assert.deepEqual(e.map((t) => t.length), [66, 14]);
  assert.equal(e.join(''), emoji);
  // 152 + 5 × 2 septets: over 160, so parts of 153 — and € (ESC 65) does not fit in septet 153.
  const esc = `${'x'.repeat(152)}€€€€€`;
  const g = encodeSmsSubmit('+8613800138000', esc).map((p) => decodeSmsSubmit(p.hex).text);
  assert.deepEqual(g, [`${'x'.repeat(152)}`, '€€€€€']);
});

test('bad numbers are refused', () => {
  assert.throws(() => encodeSmsSubmit('+86 138', 'x'), /not a phone number/);
  assert.throws(() => encodeSmsSubmit('', 'x'), /not a phone number/);
});
