// Free-port picking for tests that start several peers on one machine.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

async function udpFree(port: number, host: string): Promise<boolean> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

async function tcpFree(port: number, host: string): Promise<number> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(-1));
    srv.listen(port, host, () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

/**
 * A port free on both UDP and TCP at `host` (SIP listens on both). The kernel picks
 * a TCP port and the UDP side is checked; a race with another process remains
 * possible, which is why callers use it just before spawning.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await tcpFree(0, host);
    if (p > 0 && (await udpFree(p, host))) return p;
  }
  throw new Error('no free UDP+TCP port found');
}

/** `n` distinct free UDP ports, each followed by a free odd port (RTP, RTCP per RFC 3550 §11). */
export async function freeUdpPorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = 20000 + 2 * Math.floor(Math.random() * 10000);
    if (out.includes(p)) continue;
    if ((await udpFree(p, host)) && (await udpFree(p + 1, host))) out.push(p);
  }
  return out;
}
