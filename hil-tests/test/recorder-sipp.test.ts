// A third-party SIPREC client: sipp sends the multipart INVITE (SDP + RFC 7865 metadata) and
// plays party 1's tone from a pcap; party 2's pcap is replayed by the test to the second
// answered stream (sipp streams a pcap to one m= line only). The file is checked with sox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { startRecorder } from '../src/recorder.ts';
import { buildToneRtpPcap, readPcapUdpPayloads } from '../src/pcap.ts';
import { runSipp, scenario } from '../src/sipp.ts';
import { until } from '../src/siprec-client.ts';
import { soxChannelFrequency, soxChannelRms, soxChannels, soxDuration } from '../src/sox.ts';

test('sipp as a third-party SRC: multipart INVITE accepted, both parties recorded on their channels, metadata indexed', async () => {
  const rec = await startRecorder();
  try {
    const sippRun = runSipp({
      scenarioFile: scenario('uac-siprec'), remote: `127.0.0.1:${rec.sipPort}`, timeoutSec: 30,
      extraArgs: ['-mp', String(24000 + 2 * Math.floor(Math.random() * 2000))],
      files: { 'audio.pcap': buildToneRtpPcap({ frequencyHz: 1000, durationMs: 3000, amplitude: 0.5 }) },
    });
    // Party 2: the same kind of capture (440 Hz, quieter), replayed in real time to stream label 11.
    const session = await until('the recording session', async () => {
      const st = await rec.status();
      return st.recordings[0]?.streams.length === 2 ? st.recordings[0] : undefined;
    });
    const port = session.streams.find((s) => s.label === '11')!.port;
    const sock = createSocket('udp4');
    const t0 = performance.now();
    for (const d of readPcapUdpPayloads(buildToneRtpPcap({ frequencyHz: 440, durationMs: 3000, amplitude: 0.25, ssrc: 0x5151 }))) {
      const wait = t0 + d.atMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sock.send(d.payload, port, '127.0.0.1');
    }
    sock.close();
    const result = await sippRun;
    assert.equal(result.stats.successful, 1);
    const row = await until('the closed recording', () => rec.recordings().find((x) => x.state === 'closed'));
    assert.equal(row.agent, '8003');
    assert.equal(row.queue, 'complaints');
    assert.equal(row.direction, 'outbound');
    assert.equal(row.retentionClass, 'complaint');
    assert.deepEqual(row.parties.map((p) => [p.label, p.name, p.role]), [['10', '95598 caller', 'caller'], ['11', '8003', 'agent']]);
    const file = join(rec.recordingsDir, row.path);
    assert.equal(soxChannels(file), 2);
    const d = soxDuration(file);
    assert.ok(Math.abs(d - 3) <= 0.5, `duration ${d} s for 3 s of audio`);
    const [rms1, rms2] = [soxChannelRms(file, 1), soxChannelRms(file, 2)];
    assert.ok(rms1 > 0.3, `channel 1 (sipp's pcap) RMS ${rms1}`);
    assert.ok(rms2 > 0.13 && rms2 < 0.2, `channel 2 (replayed pcap) RMS ${rms2}`);
    assert.ok(Math.abs(soxChannelFrequency(file, 1) - 1000) < 80);
    assert.ok(Math.abs(soxChannelFrequency(file, 2) - 440) < 40);
  } finally {
    await rec.stop();
  }
});
