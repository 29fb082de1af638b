// DSP throughput: in-band DTMF detector, tone generator and conference mixer,
// in 20 ms frames (160 samples) per second on one core. A 20 ms frame per
// call per direction means 50 frames/s per call, so "calls" = frames/s / 50.
// Each figure is the median of 5 runs; "ref" is the ratio to a reference loop
// (summing a 160-sample frame into an Int32Array) timed the same way, so runs
// on different machines can be compared.
// Run: npm run bench:dsp [-- seconds-per-case]
import { DtmfDetector, renderDtmf } from '../src/dtmf/index.ts';
import { ToneGenerator } from '../src/tones/index.ts';
import { ConferenceMixer } from '../src/mixer/index.ts';

const seconds = Number(process.argv[2] ?? 1);

function measure(fn: () => void, batch: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const budgetNs = (seconds * 1e9) / 5;
    const start = process.hrtime.bigint();
    let n = 0;
    let elapsed = 0;
    while (elapsed < budgetNs) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    runs.push((n * batch * 1e9) / elapsed);
  }
  runs.sort((a, b) => a - b);
  return runs[2]!;
}

const refFrame = Int16Array.from({ length: 160 }, (_, i) => (i * 37) % 2000 - 1000);
const refAcc = new Int32Array(160);
const reference = measure(() => {
  for (let i = 0; i < 160; i++) refAcc[i] += refFrame[i]!;
}, 1);
console.log(`${'reference loop (160-sample sum)'.padEnd(36)} ${Math.round(reference).toLocaleString('en-US').padStart(12)} frames/s`);

function report(name: string, framesPerSec: number, note = ''): void {
  console.log(
    `${name.padEnd(36)} ${Math.round(framesPerSec).toLocaleString('en-US').padStart(12)} frames/s  ${(framesPerSec / 50).toFixed(0).padStart(7)} streams  ref ${(framesPerSec / reference).toFixed(3)}${note}`,
  );
}

// DTMF detector on a loop of digits and silence (digits in 2 s of audio).
const audio = renderDtmf('0123456789*#', { toneMs: 80, pauseMs: 80 });
const det = new DtmfDetector();
let pos = 0;
report('DtmfDetector.process', measure(() => {
  det.process(audio.subarray(pos, pos + 160));
  pos = pos + 320 >= audio.length ? 0 : pos + 160;
}, 1));

const gen = new ToneGenerator({ zone: 'us' });
gen.start('busy');
const toneFrame = new Int16Array(160);
report('ToneGenerator.fill (us busy, 2 tones)', measure(() => void gen.fill(toneFrame), 1));

for (const parties of [3, 10, 32]) {
  const m = new ConferenceMixer<number>();
  const frames: Int16Array[] = [];
  for (let p = 0; p < parties; p++) {
    m.setParty(p, p === parties - 1 && parties > 3 ? 'listen' : 'member');
    frames.push(Int16Array.from({ length: 160 }, (_, i) => Math.round(3000 * Math.sin((i + p * 13) / (5 + p)))));
  }
  const ticks = measure(() => {
    for (let p = 0; p < parties; p++) m.put(p, frames[p]!);
    m.mix();
  }, 1);
  report(`ConferenceMixer ${parties} parties (put+mix)`, ticks * parties, `  (${Math.round(ticks).toLocaleString('en-US')} ticks/s, ${Math.floor(ticks / 50)} conferences)`);
}
