/**
 * RFC 3261 §17 timer values (Table 4 in §A), in milliseconds.
 * T1 is the RTT estimate, T2 the cap on non-INVITE retransmit intervals,
 * T4 how long a message may linger in the network.
 */
export interface TimerValues { T1: number; T2: number; T4: number }

/** The RFC's recommended defaults. */
export const defaultTimers: TimerValues = { T1: 500, T2: 4000, T4: 5000 };

/** Timer B / F / H / J and RFC 6026's Timer L and M: 64*T1. */
export const transactionTimeout = (t: TimerValues): number => 64 * t.T1;
