import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { atomicWriteFile } from '../config/index.ts';
import type { CertificatePair } from './deps.ts';

const run = promisify(execFile);

/** Files of the management certificate below `<dataDir>/tls/`. */
export function tlsFiles(dir: string): { cert: string; key: string } {
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/** Why an uploaded certificate was refused. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(readonly field: 'certPem' | 'keyPem', message: string) {
    super(message);
  }
}

/** Checks that the PEMs parse, the key belongs to the certificate, and `now` lies in its validity period. */
export function validateCertificatePair(pair: CertificatePair, now: number): { subject: string; validTo: string } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.certPem);
  } catch {
    throw new CertificateError('certPem', 'is not a PEM X.509 certificate');
  }
  let key;
  try {
    key = createPrivateKey(pair.keyPem);
  } catch {
    throw new CertificateError('keyPem', 'is not an unencrypted PEM private key');
  }
  if (!cert.checkPrivateKey(key)) throw new CertificateError('keyPem', 'does not belong to the certificate');
  if (Date.parse(cert.validTo) <= now) throw new CertificateError('certPem', `expired on ${cert.validTo}`);
  if (Date.parse(cert.validFrom) > now) throw new CertificateError('certPem', `is not valid before ${cert.validFrom}`);
  return { subject: cert.subject, validTo: new Date(Date.parse(cert.validTo)).toISOString() };
}

/** Stores a validated pair atomically; the key file is mode 0600 (only the service user reads it). */
export async function writeCertificate(dir: string, pair: CertificatePair): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const f = tlsFiles(dir);
  await atomicWriteFile(f.key, pair.keyPem);
  await chmod(f.key, 0o600);
  await atomicWriteFile(f.cert, pair.certPem);
}

/**
 * The certificate in `dir`, generating a self-signed one on first start. Generated with the
 * `openssl` command (Debian's openssl package, on the image anyway) rather than an npm package:
 * node:crypto can verify certificates but not issue them, and openssl is the audited tool for it.
 * EC P-256 keys: fast handshakes on a small CPU, accepted by every current browser.
 */
export async function ensureCertificate(dir: string, hostname: string): Promise<CertificatePair> {
  const f = tlsFiles(dir);
  if (!existsSync(f.cert) || !existsSync(f.key)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const cn = hostname.replace(/[^A-Za-z0-9.-]/g, '') || 'hotline';
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', f.key, '-out', f.cert, '-days', '825', '-subj', `/CN=${cn}/O=Hotline appliance`,
      '-addext', `subjectAltName=DNS:${cn},DNS:localhost,IP:127.0.0.1`,
    ]);
    await chmod(f.key, 0o600);
  }
  return { certPem: await readFile(f.cert, 'utf8'), keyPem: await readFile(f.key, 'utf8') };
}
