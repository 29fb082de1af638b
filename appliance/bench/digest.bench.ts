// Benchmark of digest authentication: NonceManager.issue/check, computeResponse
// (MD5, SHA-256) and a full verifyRequest of a REGISTER. A registrar facing a
// scanner does one challenge + one verify per attempt, so these bound how many
// attempts per second one core can turn away. Prints ops/s, median of 5 runs.
// Run: node --import tsx appliance/bench/digest.bench.ts [seconds-per-case]
import { NonceManager, buildChallenges, computeResponse, verifyRequest } from '../src/sip/auth/index.ts';
import type { AuthenticatableRequest } from '../src/sip/auth/index.ts';

const seconds = Number(process.argv[2] ?? 1);
const nonces = new NonceManager({ lifetimeSec: 300 });
const realm = 'hotline.local';
const uri = 'sip:hotline.local';

function makeRequest(algorithm: 'MD5' | 'SHA-256'): AuthenticatableRequest {
  const nonce = nonces.issue();
  const response = computeResponse({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce, algorithm, qop: 'auth', nc: '00000001', cnonce: 'abcdef12' });
  const header = `Digest username="1001", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=00000001, cnonce="abcdef12"`;
  return { method: 'REGISTER', uri, headers: { getAll: (n) => (n.toLowerCase() === 'authorization' ? [header] : []) } };
}

function bench(name: string, fn: () => unknown): void {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const budgetNs = (seconds * 1e9) / 5;
    const start = process.hrtime.bigint();
    let n = 0;
    let elapsed = 0;
    while (elapsed < budgetNs) {
      for (let i = 0; i < 200; i++) fn();
      n += 200;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    runs.push((n * 1e9) / elapsed);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  console.log(`${name.padEnd(34)} ${Math.round(median).toLocaleString('en-US').padStart(12)} ops/s  ${(1e9 / median).toFixed(0).padStart(7)} ns/op`);
}

const issued = nonces.issue();
const md5Req = makeRequest('MD5');
const shaReq = makeRequest('SHA-256');
const opts = { realm, header: 'authorization' as const, nonces, algorithms: ['SHA-256' as const, 'MD5' as const], lookup: () => 's3cret' };
if (!verifyRequest(md5Req, opts).ok || !verifyRequest(shaReq, opts).ok) throw new Error('bench setup: credentials do not verify');

bench('NonceManager.issue', () => nonces.issue());
bench('NonceManager.check', () => nonces.check(issued));
bench('buildChallenges (SHA-256 + MD5)', () => buildChallenges(nonces, { realm, algorithms: ['SHA-256', 'MD5'] }));
bench('computeResponse MD5', () => computeResponse({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce: issued, algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: 'x' }));
bench('computeResponse SHA-256', () => computeResponse({ username: '1001', realm, password: 's3cret', method: 'REGISTER', uri, nonce: issued, algorithm: 'SHA-256', qop: 'auth', nc: '00000001', cnonce: 'x' }));
bench('verifyRequest MD5', () => verifyRequest(md5Req, opts));
bench('verifyRequest SHA-256', () => verifyRequest(shaReq, opts));
