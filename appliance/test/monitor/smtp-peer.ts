// A real SMTP server for the e-mail notifier's tests: Nodemailer's `smtp-server` package (an
// independent server implementation: it parses what our client sends, runs AUTH and TLS), on a
// port the kernel picks. Received messages are parsed by Python's `email` package, a third,
// independent MIME decoder, so the UTF-8 subject and body are checked as a mail client sees them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** One message as the server received it, decoded. */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string;
  from: string;
  to: string;
  body: string;
  charset: string;
  /** The header as sent on the wire (RFC 2047 encoded words for non-ASCII). */
  rawSubject: string;
}

export interface SmtpPeer {
  port: number;
  received: ReceivedMail[];
  /** Authentications the server refused. */
  refusedLogins: number;
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

const PARSE = `
import sys, json, email
from email import policy
raw = sys.stdin.buffer.read()
m = email.message_from_bytes(raw, policy=policy.default)
body = m.get_body(('plain',))
raw_subject = email.message_from_bytes(raw, policy=policy.compat32)['Subject']
print(json.dumps({'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']), 'body': body.get_content().replace('\\r\\n', '\\n'), 'charset': body.get_content_charset(), 'rawSubject': str(raw_subject)}))
`;

function parseMail(raw: Buffer): Omit<ReceivedMail, 'envelopeFrom' | 'envelopeTo'> {
  const r = spawnSync('python3', ['-c', PARSE], { input: raw });
  if (r.status !== 0) throw new Error(`python email parser: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as Omit<ReceivedMail, 'envelopeFrom' | 'envelopeTo'>;
}

/** A self-signed certificate for localhost (openssl), for the TLS modes. */
export function selfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-smtp-cert-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')]);
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr.toString()}`);
    return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the server on 127.0.0.1 (`port` 0: a free one). `login` given: AUTH is required and
 * only that user/password passes. `refuseRecipient` is answered 550 at RCPT TO. `tls`: 'implicit' is TLS from the first byte, 'starttls'
 * offers the upgrade, 'none' offers neither.
 */
export async function startSmtpPeer(opts: { port?: number; login?: { user: string; password: string }; tls?: 'implicit' | 'starttls' | 'none'; refuseRecipient?: string } = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  let refusedLogins = 0;
  const tls = opts.tls ?? 'none';
  const server = new SMTPServer({
    secure: tls === 'implicit',
    ...(tls !== 'none' ? selfSignedCert() : {}),
    disabledCommands: tls === 'none' ? ['STARTTLS', ...(opts.login ? [] : ['AUTH'])] : opts.login ? [] : ['AUTH'],
    authOptional: !opts.login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.login && auth.username === opts.login.user && auth.password === opts.login.password) return cb(null, { user: auth.username });
      refusedLogins++;
      const err = new Error('Invalid username or password') as Error & { responseCode: number };
      err.responseCode = 535;
      cb(err);
    },
    onRcptTo(address, _session, cb) {
      if (address.address !== opts.refuseRecipient) return cb();
      const err = new Error(`<${address.address}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
      err.responseCode = 550;
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({ envelopeFrom: from ? from.address : '', envelopeTo: session.envelope.rcptTo.map((r) => r.address), ...parseMail(Buffer.concat(chunks)) });
        cb();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    port,
    received,
    get refusedLogins() { return refusedLogins; },
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} mails, received ${received.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
