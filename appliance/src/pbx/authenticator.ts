import { createResponse, newTag, type SipRequest } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import type { ServerTransaction } from '../sip/transaction/index.ts';
import { type AuthBanList, type DigestAlgorithm, NonceManager, buildChallenges, verifyRequest } from '../sip/auth/index.ts';
import type { Clock } from '../sip/clock.ts';
import { moduleLogger } from '../log.ts';
import type { ExtensionDirectory } from './extension-directory.ts';

const log = moduleLogger('pbx.auth');

/** Digest settings taken from config; replaced on reload. */
export interface AuthSettings { realm: string; algorithms: DigestAlgorithm[]; nonceLifetimeSec: number }

/**
 * Challenges and verifies requests with digest authentication (RFC 3261 §22, RFC 7616):
 * 401 + WWW-Authenticate for REGISTER, 407 + Proxy-Authenticate for everything else.
 * Wrong credentials count towards the source's ban; a missing or expired nonce does not.
 */
export class Authenticator {
  private nonces: NonceManager;
  private settings: AuthSettings;

  constructor(settings: AuthSettings, private readonly directory: ExtensionDirectory, private readonly ban: AuthBanList, private readonly clock: Clock) {
    this.settings = settings;
    this.nonces = new NonceManager({ lifetimeSec: settings.nonceLifetimeSec, now: () => clock.now() });
  }

  /** Takes new settings on config reload; outstanding nonces stay valid when the lifetime is unchanged. */
  update(settings: AuthSettings): void {
    if (settings.nonceLifetimeSec !== this.settings.nonceLifetimeSec) {
      this.nonces = new NonceManager({ lifetimeSec: settings.nonceLifetimeSec, now: () => this.clock.now() });
    }
    this.settings = settings;
  }

  /**
   * Returns the authenticated extension number, or undefined after having answered the
   * request itself (challenge or 403). `expectedUser` is the user the credentials must be
   * for (the AOR of a REGISTER, the From user of an INVITE).
   */
  authenticate(request: SipRequest, tx: ServerTransaction, source: Endpoint, expectedUser: string | undefined): string | undefined {
    const isRegister = request.method === 'REGISTER';
    const result = verifyRequest(request, {
      realm: this.settings.realm,
      header: isRegister ? 'authorization' : 'proxy-authorization',
      nonces: this.nonces,
      algorithms: this.settings.algorithms,
      lookup: (user) => this.directory.secretOf(user),
    });
    if (result.ok) {
      if (expectedUser !== undefined && result.username !== expectedUser) {
        this.fail(request, tx, source, 'user-mismatch', result.username);
        return undefined;
      }
      this.ban.recordSuccess(source.address);
      return result.username;
    }
    switch (result.reason) {
      case 'no-credentials':
      case 'malformed': // an unknown scheme is answered with our challenge (RFC 4475 §3.3.10)
      case 'realm-mismatch': // credentials for another realm: not ours to judge
      case 'invalid-nonce': // e.g. a nonce from before a restart: ask again, no penalty
        this.challenge(request, tx, false);
        return undefined;
      case 'stale-nonce':
        this.challenge(request, tx, true);
        return undefined;
      default:
        this.fail(request, tx, source, result.reason, result.username);
        return undefined;
    }
  }

  private challenge(request: SipRequest, tx: ServerTransaction, stale: boolean): void {
    const isRegister = request.method === 'REGISTER';
    const res = createResponse(request, isRegister ? 401 : 407, undefined, newTag());
    const name = isRegister ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    for (const c of buildChallenges(this.nonces, { realm: this.settings.realm, algorithms: this.settings.algorithms, stale })) {
      res.headers.append(name, c);
    }
    tx.respond(res);
  }

  private fail(request: SipRequest, tx: ServerTransaction, source: Endpoint, reason: string, username?: string): void {
    const { banned } = this.ban.recordFailure(source.address);
    // Logged without the password and at warn level: these are the lines an admin greps for.
    log.warn({ source: source.address, port: source.port, method: request.method, reason, username, banned }, 'authentication failed');
    tx.respond(createResponse(request, 403, 'Forbidden', newTag()));
  }
}
