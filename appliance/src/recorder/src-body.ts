// The SRC side of the bodies (RFC 7866 §6.1.1, RFC 7865 §6): what a recording client puts
// in its INVITE. The PBX will use it as a SIPREC client; the tests and the benchmark use
// it to play a third-party SRC. Pure string building, escaped for XML.
import { HOTLINE_METADATA_NS, RECORDING_METADATA_NS, type HotlineCallInfo } from './metadata.ts';

/** One party of a recorded call: its stream label and who it is. */
export interface SrcParty {
  /** SDP a=label of the stream carrying this party's voice. */
  label: string;
  aor: string;
  name?: string;
  role?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes a complete RFC 7865 metadata document for one session with one stream per party. */
export function buildMetadataXml(o: { sessionId: string; parties: SrcParty[]; hotline?: HotlineCallInfo; associateTime?: string; participantTag?: string }): string {
  const at = o.associateTime ?? new Date().toISOString();
  const hl = o.hotline ? Object.entries(o.hotline).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(String(v))}"`).join('') : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<recording xmlns="${RECORDING_METADATA_NS}" xmlns:hl="${HOTLINE_METADATA_NS}">`,
    '<datamode>complete</datamode>',
    `<session session_id="${esc(o.sessionId)}">${hl ? `<hl:hotline${hl}/>` : ''}</session>`,
    `<sessionrecordingassoc session_id="${esc(o.sessionId)}"><associate-time>${at}</associate-time></sessionrecordingassoc>`,
  ];
  o.parties.forEach((p, i) => {
    // `participantTag` sets a later segment's parties apart from the first's (a transfer's new party is a new participant).
    const pid = `p${i}${o.participantTag ? `-${o.participantTag}` : ''}-${o.sessionId}`;
    lines.push(
      `<participant participant_id="${esc(pid)}"><nameID aor="${esc(p.aor)}">${p.name ? `<name>${esc(p.name)}</name>` : ''}</nameID>${p.role ? `<hl:hotline role="${esc(p.role)}"/>` : ''}</participant>`,
      `<stream stream_id="${esc(`s${i}-${o.sessionId}`)}" session_id="${esc(o.sessionId)}"><label>${esc(p.label)}</label></stream>`,
      `<participantsessionassoc participant_id="${esc(pid)}" session_id="${esc(o.sessionId)}"><associate-time>${at}</associate-time></participantsessionassoc>`,
      `<participantstreamassoc participant_id="${esc(pid)}"><send>${esc(`s${i}-${o.sessionId}`)}</send>${o.parties.map((_, j) => (j === i ? '' : `<recv>${esc(`s${j}-${o.sessionId}`)}</recv>`)).join('')}</participantstreamassoc>`,
    );
  });
  lines.push('</recording>');
  return lines.join('\r\n');
}

/**
 * Writes the SRC's SDP offer: one sendonly m=audio per party, labelled (RFC 7866 §7.1.1);
 * `inactive` pauses the recording (RFC 7866 §8.1.3). A re-offer keeps `sessionId` and raises `version` (RFC 3264 §8).
 */
export function buildRecordingOfferSdp(o: { address: string; ports: number[]; labels: string[]; law?: 'PCMU' | 'PCMA'; laws?: Array<'PCMU' | 'PCMA'>; payloadTypes?: number[]; direction?: 'sendonly' | 'inactive'; sessionId?: number; version?: number }): string {
  const lines = ['v=0', `o=hotline-src ${o.sessionId ?? Date.now() % 1e9} ${o.version ?? 1} IN IP4 ${o.address}`, 's=Hotline SRC', `c=IN IP4 ${o.address}`, 't=0 0'];
  o.labels.forEach((label, i) => {
    // Each stream is offered in the law and payload type its party sends: the fork copies packets as they arrive.
    const law = o.laws?.[i] ?? o.law ?? 'PCMU';
    const pt = o.payloadTypes?.[i] ?? (law === 'PCMU' ? 0 : 8);
    lines.push(`m=audio ${o.ports[i]} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${law}/8000`, `a=label:${label}`, `a=${o.direction ?? 'sendonly'}`);
  });
  lines.push('');
  return lines.join('\r\n');
}

/** A multipart/mixed body with the SDP and the metadata; returns the Content-Type to send with it. */
export function buildRecordingBody(sdp: string, metadataXml: string, boundary = 'hotline-siprec-boundary'): { contentType: string; body: string } {
  const body = [
    `--${boundary}`, 'Content-Type: application/sdp', '', sdp.replace(/\r\n$/, ''),
    `--${boundary}`, 'Content-Type: application/rs-metadata+xml', 'Content-Disposition: recording-session', '', metadataXml,
    `--${boundary}--`, '',
  ].join('\r\n');
  return { contentType: `multipart/mixed;boundary=${boundary}`, body };
}
