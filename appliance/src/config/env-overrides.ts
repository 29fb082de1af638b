import { isIP } from 'node:net';
import { EnvOverrideError } from './errors.ts';
import type { HotlineConfig } from './types.ts';
import { validateConfig } from './validate.ts';

function portFrom(env: NodeJS.ProcessEnv, name: string, min = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9]{1,5}$/.test(raw)) throw new EnvOverrideError(name, raw, 'not a port number');
  const n = Number(raw);
  if (n < min || n > 65535) throw new EnvOverrideError(name, raw, `must be between ${min} and 65535`);
  return n;
}

/**
 * Applies the environment overrides for this process only (they are never written to disk):
 * HOTLINE_SIP_PORT (udp and tcp), HOTLINE_SIP_UDP_PORT, HOTLINE_SIP_TCP_PORT (these win over
 * HOTLINE_SIP_PORT), HOTLINE_SIP_BIND, HOTLINE_RTP_PORT_MIN, HOTLINE_RTP_PORT_MAX. Returns a new
 * object; throws EnvOverrideError for an unusable value and ConfigValidationError when the result
 * breaks a cross-field rule (e.g. RTP range inverted).
 */
export function applyEnvOverrides(config: HotlineConfig, env: NodeJS.ProcessEnv = process.env): HotlineConfig {
  const next = structuredClone(config) as HotlineConfig;
  const both = portFrom(env, 'HOTLINE_SIP_PORT');
  const udp = portFrom(env, 'HOTLINE_SIP_UDP_PORT') ?? both;
  const tcp = portFrom(env, 'HOTLINE_SIP_TCP_PORT') ?? both;
  if (udp !== undefined) next.sip.udpPort = udp;
  if (tcp !== undefined) next.sip.tcpPort = tcp;
  const bind = env.HOTLINE_SIP_BIND;
  if (bind !== undefined && bind !== '') {
    if (isIP(bind) === 0) throw new EnvOverrideError('HOTLINE_SIP_BIND', bind, 'not an IPv4 or IPv6 address literal');
    next.sip.bindAddress = bind;
  }
  const rtpMin = portFrom(env, 'HOTLINE_RTP_PORT_MIN', 1024);
  const rtpMax = portFrom(env, 'HOTLINE_RTP_PORT_MAX', 1024);
  if (rtpMin !== undefined) next.rtp.portMin = rtpMin;
  if (rtpMax !== undefined) next.rtp.portMax = rtpMax;
  return validateConfig(next, 'environment overrides');
}
