import { createResponse, formatUri, newTag, type SipRequest, type SipUri } from '../sip/message/index.ts';
import type { Endpoint } from '../sip/transport/index.ts';
import type { ServerTransaction } from '../sip/transaction/index.ts';
import type { Clock } from '../sip/clock.ts';
import { moduleLogger } from '../log.ts';
import type { Authenticator } from './authenticator.ts';
import type { ExtensionDirectory } from './extension-directory.ts';
import type { LocationService } from './location-service.ts';

const log = moduleLogger('pbx.registrar');

/** Registration limits from config (seconds). */
export interface RegistrarSettings { minExpiresSec: number; maxExpiresSec: number; defaultExpiresSec: number }

/**
 * The registrar (RFC 3261 §10.3): authenticates a REGISTER for its address-of-record,
 * then adds, refreshes or removes bindings and answers with every current contact.
 */
export class Registrar {
  constructor(
    private settings: RegistrarSettings,
    private readonly directory: ExtensionDirectory,
    private readonly location: LocationService,
    private readonly auth: Authenticator,
    private readonly clock: Clock,
  ) {}

  /** Takes new limits on config reload. */
  update(settings: RegistrarSettings): void { this.settings = settings; }

  /** Handles one REGISTER; always answers through `tx`. */
  handle(request: SipRequest, tx: ServerTransaction, source: Endpoint): void {
    const aor = request.to.uri.user ?? '';
    // An unknown AOR is challenged like a known one and then refused 403 (the digest lookup
    // finds no secret), so a scanner cannot tell which numbers exist.
    if (this.auth.authenticate(request, tx, source, aor) === undefined) return;
    const extension = this.directory.get(aor);
    if (!extension) { tx.respond(createResponse(request, 404, 'Not Found', newTag())); return; } // removed by a reload mid-request

    const contacts = request.contacts;
    const headerExpires = request.expires;
    const now = this.clock.now();

    if (contacts.some((c) => c.star)) {
      // §10.3 step 6: "*" only alone and with Expires: 0.
      if (contacts.length !== 1 || headerExpires !== 0) {
        tx.respond(createResponse(request, 400, 'Invalid Wildcard Contact', newTag()));
        return;
      }
      this.location.removeAll(aor);
      log.info({ extension: aor }, 'unregistered all contacts');
      this.answer(request, tx, aor);
      return;
    }

    const changes: Array<{ contact: string; expires: number; uri: SipUri }> = [];
    for (const c of contacts) {
      if (c.star) continue;
      const param = c.value.params.get('expires');
      let expires = param != null && /^\d+$/.test(param) ? Number(param) : headerExpires ?? this.settings.defaultExpiresSec;
      if (expires !== 0 && expires < this.settings.minExpiresSec) {
        const res = createResponse(request, 423, 'Interval Too Brief', newTag());
        res.headers.set('Min-Expires', String(this.settings.minExpiresSec));
        tx.respond(res);
        return;
      }
      expires = Math.min(expires, this.settings.maxExpiresSec);
      changes.push({ contact: formatUri(c.value.uri), expires, uri: c.value.uri });
    }

    // §10.3 step 7: a request older than the binding it would change fails whole.
    for (const { contact } of changes) {
      const existing = this.location.find(aor, contact);
      if (existing && existing.callId === request.callId && request.cseq.seq <= existing.cseq) {
        tx.respond(createResponse(request, 500, 'Out Of Order Registration', newTag()));
        return;
      }
    }

    for (const { contact, expires, uri } of changes) {
      if (expires === 0) { this.location.remove(aor, contact); continue; }
      this.location.upsert({
        aor, contact, source, target: contactTarget(uri, source), expiresAt: now + expires * 1000, callId: request.callId, cseq: request.cseq.seq,
        userAgent: request.headers.get('User-Agent'), registeredAt: now,
      }, extension.maxContacts);
    }
    if (changes.length > 0) log.info({ extension: aor, contacts: changes.length, source: source.address }, 'registration updated');
    this.answer(request, tx, aor);
  }

  private answer(request: SipRequest, tx: ServerTransaction, aor: string): void {
    const res = createResponse(request, 200, 'OK', newTag());
    const now = this.clock.now();
    for (const b of this.location.lookup(aor)) {
      res.headers.append('Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`);
    }
    res.headers.set('Date', new Date(now).toUTCString());
    tx.respond(res);
  }
}

/**
 * Where requests to a registered contact go. When the Contact's host is the address the
 * REGISTER came from (no NAT in between), to the Contact's own port over the same transport:
 * that is where the phone listens, and it also serves a registration made on behalf of
 * another local port. Otherwise — a private address behind NAT, or a name we would have to
 * resolve — back to the address and port the REGISTER came from (over TCP, its connection),
 * so the phone's NAT binding carries it back.
 */
export function contactTarget(uri: SipUri, source: Endpoint): Endpoint {
  if (uri.host === source.address) return { transport: source.transport, address: uri.host, port: uri.port ?? 5060 };
  return source;
}
