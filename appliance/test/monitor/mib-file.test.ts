// The enterprise MIB is checked by the reference tools themselves: libsmi's smilint at its
// most pedantic level, and net-snmp's snmptranslate (what an NMS operator loads it with).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { MIB_DIR, MIB_FILE } from '../../src/monitor/snmp/mib-path.ts';

test('HOTLINE-MIB passes smilint -l 6 with no output at all', () => {
  const r = spawnSync('smilint', ['-l', '6', MIB_FILE], { env: { ...process.env, SMIPATH: MIB_DIR }, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'smilint must be installed (Debian package smitools)');
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
});

test('snmptranslate loads HOTLINE-MIB and resolves objects and notifications under the enterprise arc', () => {
  const translate = (name: string) => {
    const r = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-On', name], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'snmptranslate must be installed (Debian package snmp)');
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(translate('HOTLINE-MIB::hotlineMIB'), '.1.3.6.1.4.1.32473');
  assert.equal(translate('HOTLINE-MIB::hlAlarmRaised'), '.1.3.6.1.4.1.32473.0.1');
  assert.equal(translate('HOTLINE-MIB::hlAlarmCleared'), '.1.3.6.1.4.1.32473.0.2');
  assert.equal(translate('HOTLINE-MIB::hlQueueServiceLevel'), '.1.3.6.1.4.1.32473.1.7.1.1.8');
  assert.equal(translate('HOTLINE-MIB::hlAlarmTextZh'), '.1.3.6.1.4.1.32473.1.12.2.1.6');
});
