import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEnvOverrides, ConfigValidationError, defaultConfig, EnvOverrideError } from '../../src/config/index.ts';

test('no variables set returns an equal copy', () => {
  const c = defaultConfig();
  const out = applyEnvOverrides(c, {});
  assert.deepEqual(out, c);
  assert.notEqual(out, c);
});

test('HOTLINE_SIP_PORT sets udp and tcp; the specific variables win over it', () => {
  const out = applyEnvOverrides(defaultConfig(), { HOTLINE_SIP_PORT: '5070', HOTLINE_SIP_TCP_PORT: '5071' });
  assert.equal(out.sip.udpPort, 5070);
  assert.equal(out.sip.tcpPort, 5071);
  const udpOnly = applyEnvOverrides(defaultConfig(), { HOTLINE_SIP_UDP_PORT: '5080' });
  assert.deepEqual([udpOnly.sip.udpPort, udpOnly.sip.tcpPort], [5080, 5060]);
});

test('bind address and RTP range overrides apply, and the input is not modified', () => {
  const c = defaultConfig();
  const out = applyEnvOverrides(c, { HOTLINE_SIP_BIND: '127.0.0.1', HOTLINE_RTP_PORT_MIN: '30000', HOTLINE_RTP_PORT_MAX: '30100' });
  assert.equal(out.sip.bindAddress, '127.0.0.1');
  assert.deepEqual(out.rtp, { portMin: 30000, portMax: 30100 });
  assert.equal(c.sip.bindAddress, '0.0.0.0');
});

test('invalid values fail with the variable name and the reason', () => {
  assert.throws(() => applyEnvOverrides(defaultConfig(), { HOTLINE_SIP_PORT: 'abc' }), (e: unknown) => e instanceof EnvOverrideError && /HOTLINE_SIP_PORT="abc".*not a port number/.test(e.message));
  assert.throws(() => applyEnvOverrides(defaultConfig(), { HOTLINE_SIP_UDP_PORT: '70000' }), /HOTLINE_SIP_UDP_PORT.*between 1 and 65535/);
  assert.throws(() => applyEnvOverrides(defaultConfig(), { HOTLINE_SIP_BIND: 'eth0' }), /HOTLINE_SIP_BIND.*not an IPv4 or IPv6/);
  assert.throws(() => applyEnvOverrides(defaultConfig(), { HOTLINE_RTP_PORT_MIN: '80' }), /HOTLINE_RTP_PORT_MIN.*between 1024/);
});

test('overrides that break a cross-field rule are refused with the offending path', () => {
  assert.throws(
    () => applyEnvOverrides(defaultConfig(), { HOTLINE_RTP_PORT_MIN: '25000' }),
    (e: unknown) => e instanceof ConfigValidationError && e.errors[0].path === '/rtp/portMin' && /environment overrides/.test(e.message),
  );
});
