// The customer record of the call offered to the agent: looked up when the screen pop arrives
// (by the account keyed in the IVR, else the caller's number) and kept until the next call, so
// the agent can still add a note during wrap-up.
import { api } from '../api/api.ts';
import type { CtiEvent, CustomerLookup } from '../api/types.ts';

type Offer = Extract<CtiEvent, { type: 'CallOffered' }>;

class CustomerPop {
  /** The call the record belongs to. */
  callId = $state<string | undefined>(undefined);
  /** Customers, earlier calls and notes; undefined while loading or before the first call. */
  data = $state<CustomerLookup | undefined>(undefined);
  /** Why the lookup failed (shown in place of the record). */
  error = $state<unknown>(undefined);

  /** Looks up the caller of `offer` (once per call). */
  async show(offer: Offer): Promise<void> {
    if (offer.callId === this.callId) return;
    this.callId = offer.callId;
    this.data = undefined;
    this.error = undefined;
    try {
      const data = await api.customers.lookup(offer.callerNumber, offer.ivr.digits.account);
      if (this.callId === offer.callId) this.data = data;
    } catch (err) {
      if (this.callId === offer.callId) this.error = err;
    }
  }

  /** Adds a note to the customer shown (on this call); throws ApiError. */
  async addNote(account: string, text: string): Promise<void> {
    const note = await api.customers.addNote(account, text, this.callId);
    if (this.data) this.data = { ...this.data, notes: [note, ...this.data.notes] };
  }
}

/** The agent desktop's customer record. */
export const customerPop = new CustomerPop();
