import { createResponse, methodNotAllowed, newTag, optionsResponse, type SipRequest, type SipResponse } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import type { ServerTransaction, TransactionLayer, TransactionUser } from '../sip/transaction/index.ts';
import { moduleLogger } from '../log.ts';
import type { Authenticator } from './authenticator.ts';
import type { B2bua } from './b2bua.ts';
import type { Registrar } from './registrar.ts';
import type { OriginTable } from './routing/index.ts';
import { ALLOWED_METHODS, checkRequest } from './request-guard.ts';

const log = moduleLogger('pbx.core');

/** Who may place calls without digest: gateways and trunks named by source address. */
export interface TrustPolicy { isTrusted(address: string): boolean }

/**
 * The PBX's transaction user: the one place a new request is dispatched by method.
 * REGISTER goes to the registrar, a new INVITE is authenticated then handed to the B2BUA,
 * in-dialog requests to their call, OPTIONS is answered here, anything else gets 405.
 * Any exception while handling becomes a 500 so the transaction still ends.
 */
export class PbxCore implements TransactionUser {
  readonly counters = { requests: 0, handlerErrors: 0, refused: 0 };

  constructor(
    private readonly tx: TransactionLayer,
    private readonly registrar: Registrar,
    private readonly b2bua: B2bua,
    private readonly auth: Authenticator,
    private trust: TrustPolicy,
    private origins: OriginTable,
  ) {}

  /** Replaces the trust policy and the trunk/gateway addresses on config reload. */
  updateTrust(trust: TrustPolicy, origins: OriginTable): void {
    this.trust = trust;
    this.origins = origins;
  }

  onRequest(request: SipRequest, source: Endpoint): void {
    this.counters.requests++;
    const stx = this.tx.serverTransactionOf(request);
    if (!stx) return;
    try {
      this.dispatch(request, stx, source);
    } catch (err) {
      this.counters.handlerErrors++;
      log.error({ err, method: request.method, source: source.address }, 'request handler failed');
      if (!stx.finalSent) stx.respond(createResponse(request, 500, 'Server Internal Error', newTag()));
    }
  }

  onAck(ack: SipRequest): void { this.b2bua.handleAck(ack); }

  onStrayResponse(response: SipResponse): void { this.b2bua.handleStrayResponse(response); }

  private dispatch(request: SipRequest, stx: ServerTransaction, source: Endpoint): void {
    const refusal = checkRequest(request);
    if (refusal) {
      this.counters.refused++;
      const res = createResponse(request, refusal.status, refusal.reason, newTag());
      for (const [n, v] of refusal.headers ?? []) res.headers.set(n, v);
      stx.respond(res);
      return;
    }
    if (request.to.params.get('tag')) {
      if (!this.b2bua.handleInDialog(request, stx)) {
        stx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      }
      return;
    }
    switch (request.method) {
      case 'REGISTER':
        this.registrar.handle(request, stx, source);
        return;
      case 'INVITE': {
        const fromUser = request.from.uri.user ?? '';
        const group = request.requestUri.params.get('group');
        // The analog gateway and SIP trunks are known by address (issue 5): no digest, their own routing.
        const verdict = this.origins.classify({ address: source.address, port: source.port, group: group ?? undefined, fromUser });
        if (verdict.kind === 'forbidden') {
          log.warn({ source: source.address, port: source.port, reason: verdict.reason }, 'INVITE from the analog gateway refused');
          stx.respond(createResponse(request, 403, 'Forbidden', newTag()));
          return;
        }
        if (verdict.kind === 'trusted') {
          this.b2bua.handleInvite(request, stx, source, { origin: verdict.origin, number: verdict.callerNumber });
          return;
        }
        // Scanners' unauthenticated INVITEs get a challenge, never a call; trusted peers skip it.
        const caller = this.trust.isTrusted(source.address) ? fromUser : this.auth.authenticate(request, stx, source, fromUser);
        if (caller === undefined) return;
        this.b2bua.handleInvite(request, stx, source, { origin: { kind: 'extension', number: caller }, number: caller });
        return;
      }
      case 'OPTIONS':
        stx.respond(optionsResponse(request, ALLOWED_METHODS, newTag()));
        return;
      case 'BYE':
        stx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist', newTag()));
        return;
      default:
        stx.respond(methodNotAllowed(request, ALLOWED_METHODS, newTag()));
    }
  }
}
