// Backups page state: the archive list, the job progress (polled while a job runs), runs,
// health, and the restore being previewed.
import { api } from '../api/api.ts';
import type { BackupEntry, BackupHealth, BackupProgress, BackupRun, BackupSettings, RestorePlan } from '../api/types.ts';

class BackupsState {
  list = $state<BackupEntry[]>([]);
  runs = $state<BackupRun[]>([]);
  health = $state<BackupHealth | undefined>(undefined);
  passphraseSet = $state(false);
  settings = $state<BackupSettings | undefined>(undefined);
  /** Target whose archives are listed (and where "back up now" writes); undefined: the first. */
  target = $state<string | undefined>(undefined);
  progress = $state<BackupProgress | null>(null);
  /** A verified, staged restore waiting for confirmation. */
  staged = $state<{ id: string; plan: RestorePlan } | undefined>(undefined);
  private timer: ReturnType<typeof setInterval> | undefined;

  /** True while a job runs on the appliance. */
  get running(): boolean {
    return this.progress !== null && this.progress.phase !== 'done' && this.progress.phase !== 'failed';
  }

  /** Loads list, runs, health and passphrase state; throws ApiError. */
  async load(): Promise<void> {
    const [list, runs, health, settings, progress] = await Promise.all([api.backups.list(this.target), api.backups.runs(), api.backups.status(), api.backups.settings(), api.backups.progress()]);
    this.list = list;
    this.settings = settings.settings;
    this.runs = runs;
    this.health = health;
    this.passphraseSet = settings.passphrase.set;
    this.progress = progress.progress;
    if (this.running) this.watch();
  }

  /** Starts a backup and follows its progress until it ends; resolves with the last progress. */
  async create(recordings: boolean): Promise<void> {
    await api.backups.create(recordings, this.target);
    this.progress = { operation: 'backup', phase: 'snapshot', bytesDone: 0, bytesTotal: 0, percent: 0, startedAt: Date.now() };
    this.watch();
  }

  /** Polls progress every 300 ms while a job runs, then reloads the lists once. */
  watch(onEnd?: () => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void api.backups.progress().then(async ({ progress }) => {
        this.progress = progress;
        if (!this.running) {
          this.stop();
          await this.load().catch(() => undefined);
          onEnd?.();
        }
      }).catch(() => undefined);
    }, 300);
  }

  /** Saves targets, schedules and retention (validated whole by the appliance); throws ApiError. */
  async saveSettings(next: BackupSettings): Promise<void> {
    this.settings = (await api.backups.saveSettings(next)).settings;
  }

  /** Stops polling (page left). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The Backups page state. */
export const backups = new BackupsState();
