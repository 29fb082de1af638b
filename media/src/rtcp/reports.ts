// Building SR/RR content from the receive statistics and sender counters (RFC 3550 §6.4).
import type { RtpReceiveStats } from '../rtp/receive-stats.ts';
import type { ReceiverReport, ReportBlock, SenderReport } from './rtcp-packet.ts';
import { msToNtpShort, ntpMiddle32, unixMsToNtp } from './ntp.ts';

/** What a receiver remembers of the last SR from a source, for LSR/DLSR (§6.4.1). */
export interface LastSenderReport {
  /** Middle 32 bits of the SR's NTP timestamp. */
  lsr: number;
  /** Our clock (ms) when that SR arrived. */
  arrivalMs: number;
}

/** Remembers an SR's LSR value and arrival time, to echo them in our next report block. */
export function noteSenderReport(sr: SenderReport, arrivalMs: number): LastSenderReport {
  return { lsr: ntpMiddle32(sr.ntpSeconds, sr.ntpFraction), arrivalMs };
}

/**
 * A report block about `sourceSsrc` from its receive stats. Takes the interval
 * fraction lost, so call it once per report actually sent.
 */
export function reportBlockFromStats(sourceSsrc: number, stats: RtpReceiveStats, nowMs: number, lastSr?: LastSenderReport): ReportBlock {
  return {
    ssrc: sourceSsrc >>> 0,
    fractionLost: stats.takeFractionLost(),
    cumulativeLost: stats.lost,
    extendedHighestSeq: stats.extendedMax >>> 0,
    jitter: stats.jitterTs >>> 0,
    lsr: lastSr ? lastSr.lsr : 0,
    dlsr: lastSr ? msToNtpShort(Math.max(0, nowMs - lastSr.arrivalMs)) : 0,
  };
}

/** Counters a sender keeps for its SR (§6.4.1). */
export interface SenderCounters {
  /** Our SSRC. */
  ssrc: number;
  /** RTP packets sent since the start. */
  packetCount: number;
  /** Payload octets sent since the start. */
  octetCount: number;
  /** RTP timestamp corresponding to `wallclockMs`. */
  rtpTimestamp: number;
}

/** A sender report stamped with `wallclockMs` (Unix ms), carrying `reports`. */
export function buildSenderReport(c: SenderCounters, wallclockMs: number, reports: ReportBlock[] = []): SenderReport {
  const ntp = unixMsToNtp(wallclockMs);
  return {
    type: 'sr', ssrc: c.ssrc >>> 0, ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: c.rtpTimestamp >>> 0,
    packetCount: c.packetCount >>> 0, octetCount: c.octetCount >>> 0, reports,
  };
}

/** A receiver report from `ssrc` carrying `reports`. */
export function buildReceiverReport(ssrc: number, reports: ReportBlock[]): ReceiverReport {
  return { type: 'rr', ssrc: ssrc >>> 0, reports };
}
