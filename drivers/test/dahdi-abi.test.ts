// Checks src/dahdi/abi.ts against the real dahdi/user.h from Debian's dahdi-source
// package: a C program compiled with gcc prints the header's values and layouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi, { type TypeObject } from 'koffi';
import * as abi from '../src/dahdi/abi.ts';

const TARBALL = '/usr/src/dahdi.tar.bz2';
const HEADERS = ['modules/dahdi/include/dahdi/user.h', 'modules/dahdi/include/dahdi/dahdi_config.h'];

const CONSTANTS = [
  'DAHDI_SET_BLOCKSIZE', 'DAHDI_GET_PARAMS', 'DAHDI_HOOK', 'DAHDI_GETEVENT', 'DAHDI_SPANSTAT',
  'DAHDI_ECHOCANCEL', 'DAHDI_ECHOCANCEL_PARAMS', 'DAHDI_SPECIFY', 'DAHDI_SETLAW',
  'DAHDI_ONHOOK', 'DAHDI_OFFHOOK', 'DAHDI_WINK', 'DAHDI_FLASH', 'DAHDI_START', 'DAHDI_RING', 'DAHDI_RINGOFF',
  'DAHDI_LAW_DEFAULT', 'DAHDI_LAW_MULAW', 'DAHDI_LAW_ALAW',
  'DAHDI_EVENT_NONE', 'DAHDI_EVENT_ONHOOK', 'DAHDI_EVENT_RINGOFFHOOK', 'DAHDI_EVENT_WINKFLASH',
  'DAHDI_EVENT_ALARM', 'DAHDI_EVENT_NOALARM', 'DAHDI_EVENT_RINGERON', 'DAHDI_EVENT_RINGEROFF',
  'DAHDI_EVENT_HOOKCOMPLETE', 'DAHDI_EVENT_POLARITY', 'DAHDI_EVENT_RINGBEGIN',
  'DAHDI_EVENT_READ_OVERRUN', 'DAHDI_EVENT_WRITE_UNDERRUN',
  'DAHDI_EVENT_PULSEDIGIT', 'DAHDI_EVENT_DTMFDOWN', 'DAHDI_EVENT_DTMFUP',
  'DAHDI_ALARM_RED', 'DAHDI_ALARM_YELLOW', 'DAHDI_ALARM_BLUE', 'DAHDI_MAX_ECHOCANPARAMS', 'ELAST',
] as const;

const STRUCTS: Array<[cName: string, type: TypeObject, fields: string[]]> = [
  ['dahdi_params', abi.DahdiParams, ['channo', 'spanno', 'chanpos', 'rxisoffhook', 'curlaw', 'name', 'prewinktime', 'chan_alarms']],
  ['dahdi_spaninfo', abi.DahdiSpanInfo, ['spanno', 'name', 'desc', 'alarms', 'fecount', 'irqmisses', 'lboname', 'devicetype', 'irq', 'linecompat', 'spantype']],
  ['dahdi_echocanparam', abi.DahdiEchocanParam, ['name', 'value']],
  ['dahdi_echocanparams', abi.DahdiEchocanParams, ['tap_length', 'param_count']],
];

let dir = '';
let real: Record<string, number> = {};

before(() => {
  assert.ok(existsSync(TARBALL), `${TARBALL} missing: install Debian's dahdi-source (bootstrap-host.sh test does)`);
  dir = mkdtempSync(join(tmpdir(), 'dahdi-abi-'));
  execFileSync('tar', ['xjf', TARBALL, '-C', dir, ...HEADERS]);
  const lines: string[] = ['#include <stdio.h>', '#include <stddef.h>', '#include <dahdi/user.h>', 'int main(void) {'];
  for (const c of CONSTANTS) lines.push(`  printf("%s %lu\\n", "${c}", (unsigned long)(${c}));`);
  for (const [s, , fields] of STRUCTS) {
    lines.push(`  printf("sizeof.${s} %zu\\n", sizeof(struct ${s}));`);
    for (const f of fields) lines.push(`  printf("offsetof.${s}.${f} %zu\\n", offsetof(struct ${s}, ${f}));`);
  }
  lines.push('  return 0;', '}');
  writeFileSync(join(dir, 'abi.c'), lines.join('\n'));
  execFileSync('gcc', ['-Wall', '-Werror', '-I', join(dir, 'modules/dahdi/include'), '-o', join(dir, 'abi'), join(dir, 'abi.c')]);
  const out = execFileSync(join(dir, 'abi'), { encoding: 'utf8' });
  real = Object.fromEntries(out.trim().split('\n').map((l) => { const [k, v] = l.split(' '); return [k!, Number(v)]; }));
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('every ioctl number and constant in abi.ts equals the one dahdi/user.h defines', () => {
  const ours = abi as unknown as Record<string, number>;
  for (const c of CONSTANTS) assert.equal(ours[c], real[c], c);
});

test('koffi struct sizes and field offsets equal gcc sizeof/offsetof for dahdi_params, dahdi_spaninfo and the echo-canceller structs', () => {
  for (const [s, type, fields] of STRUCTS) {
    assert.equal(koffi.sizeof(type), real[`sizeof.${s}`], `sizeof(struct ${s})`);
    for (const f of fields) assert.equal(koffi.offsetof(type, f), real[`offsetof.${s}.${f}`], `offsetof(${s}, ${f})`);
  }
});

test('ioc() encodes _IOW(0xDA, 38, int) as 0x4004DA26, worked out by hand from asm-generic/ioctl.h', () => {
  assert.equal(abi.iow(abi.DAHDI_CODE, 38, 4), 0x4004da26);
});
