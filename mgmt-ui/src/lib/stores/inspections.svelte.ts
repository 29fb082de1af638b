// Inspections page state: the run list, the templates, and the run being worked on.
import { api } from '../api/api.ts';
import type { InspectionRun, RunSummary, TemplateVersion, TrendSeries } from '../api/types.ts';

class InspectionsState {
  /** Run headers, newest first. */
  runs = $state<RunSummary[]>([]);
  /** Newest version of every template. */
  templates = $state<TemplateVersion[]>([]);
  /** The run open on the page, or undefined for the list. */
  current = $state<InspectionRun | undefined>(undefined);
  /** Trends of the current run. */
  trends = $state<TrendSeries[]>([]);

  /** Loads runs and templates; throws ApiError. */
  async load(): Promise<void> {
    [this.runs, this.templates] = await Promise.all([api.inspections.runs(), api.inspections.templates()]);
  }

  /** Opens a run with its trends. */
  async open(id: number): Promise<void> {
    const [run, trends] = await Promise.all([api.inspections.run(id), api.inspections.trends(id)]);
    this.current = run;
    this.trends = trends;
  }

  /** Starts a run and opens it. */
  async start(templateId: string, site: string): Promise<void> {
    const run = await api.inspections.start(templateId, site);
    await this.open(run.id);
  }

  /** Replaces the open run with a fresher copy from a write's answer. */
  set(run: InspectionRun): void {
    this.current = run;
  }

  /** Back to the list (reloaded). */
  async close(): Promise<void> {
    this.current = undefined;
    await this.load();
  }
}

/** The Inspections page state. */
export const inspections = new InspectionsState();
