import { randomUUID } from 'node:crypto';
import { customerProblems, type CustomerInput, type CustomerStore } from '../records/index.ts';
import { CustomerCsvParser, type CsvImportItem } from './customer-csv.ts';

/** Where an import stands; polled by the UI while the upload runs. */
export interface ImportProgress {
  id: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Bytes read so far, and the upload's Content-Length (0 when unknown). */
  bytesDone: number;
  bytesTotal: number;
  lines: number;
  created: number;
  updated: number;
  rejected: number;
  /** Why the whole import failed (bad header, broken upload); lines already saved stay saved. */
  error?: string;
}

/** A line that was not imported, and why. */
export interface ImportLineError { line: number; message: string; messageZh: string; raw: string }

/** Rows written per transaction: large enough to be fast, small enough that progress moves. */
const BATCH = 500;
/** Rejected lines kept for the errors download; beyond it they are still counted in `rejected`. */
const MAX_KEPT_ERRORS = 100_000;

/**
 * Runs customer imports, one at a time: reads the upload as it arrives, keeps every good line
 * (saved in batches, created or updated by account), and reports every other line with its number
 * and reason — a bad line never stops the rest. The last import's progress and rejected lines stay
 * available until the next one starts.
 */
export class CustomerImporter {
  private current: { progress: ImportProgress; errors: ImportLineError[] } | undefined;

  constructor(private readonly store: CustomerStore, private readonly now: () => number) {}

  /** The running or last import, or null. */
  get progress(): ImportProgress | null { return this.current ? { ...this.current.progress } : null; }

  /** Every rejected line of the running or last import (up to 100,000). */
  get errors(): readonly ImportLineError[] { return this.current?.errors ?? []; }

  /** True while an import runs. */
  get running(): boolean { return this.current?.progress.state === 'running'; }

  /** Imports the CSV read from `chunks`. Resolves with the final progress; a bad header rejects (CsvHeaderError) with nothing saved. */
  async run(chunks: AsyncIterable<Buffer>, bytesTotal: number): Promise<ImportProgress> {
    const progress: ImportProgress = { id: randomUUID(), state: 'running', startedAt: new Date(this.now()).toISOString(), bytesDone: 0, bytesTotal, lines: 0, created: 0, updated: 0, rejected: 0 };
    const errors: ImportLineError[] = [];
    this.current = { progress, errors };
    const parser = new CustomerCsvParser();
    const seen = new Map<string, number>();
    let batch: CustomerInput[] = [];
    const reject = (e: ImportLineError) => {
      progress.rejected++;
      if (errors.length < MAX_KEPT_ERRORS) errors.push({ ...e, raw: e.raw.slice(0, 1000) });
    };
    const save = () => {
      if (batch.length === 0) return;
      const n = this.store.upsertMany(batch, this.now());
      progress.created += n.created;
      progress.updated += n.updated;
      batch = [];
    };
    const take = (items: CsvImportItem[]) => {
      for (const it of items) {
        if (it.kind === 'error') { reject({ line: it.line, message: it.message, messageZh: it.messageZh, raw: it.raw }); continue; }
        const problems = customerProblems(it.customer);
        const first = seen.get(it.customer.account);
        if (problems.length > 0) reject({ line: it.line, message: problems.map((p) => p.message).join('; '), messageZh: problems.map((p) => p.messageZh).join('；'), raw: it.raw });
        // A second line for the same account would silently replace the first: refuse it instead.
        else if (first !== undefined) reject({ line: it.line, message: `account ${it.customer.account} already appears on line ${first} of this file`, messageZh: `户号 ${it.customer.account} 已在本文件第 ${first} 行出现`, raw: it.raw });
        else {
          seen.set(it.customer.account, it.line);
          batch.push(it.customer);
          if (batch.length >= BATCH) save();
        }
      }
      progress.lines = parser.lines;
    };
    try {
      for await (const chunk of chunks) {
        progress.bytesDone += chunk.length;
        take(parser.push(chunk));
      }
      take(parser.end());
      save();
      progress.state = 'done';
    } catch (err) {
      progress.state = 'failed';
      progress.error = (err as Error).message;
      throw err;
    } finally {
      progress.finishedAt = new Date(this.now()).toISOString();
    }
    return { ...progress };
  }
}

