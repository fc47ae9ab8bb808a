/**
 * Which of the browser's dropped-window-message entries one document's reporter has already reported.
 * `Log.enable` hands every entry the browser still keeps again, on every session it is enabled on (the
 * tab's at each attachment, each out-of-process frame's as it is attached), before the live ones; the
 * entries carry no id. What identifies one is its order: the k-th entry with a given stamp and
 * content that a log session hands is the k-th such entry of the browser's log, in any session. So
 * per content (the browser's stamp and every field) this counts how many were reported, and per log
 * session how many it has handed: a session's k-th is new only when fewer than k were reported. Two
 * real drops at the same instant from one call site are two entries of one session: both new.
 *
 * Bounded: only the newest REMEMBERED contents are kept; an entry stamped no later than one forgotten
 * is taken for a replay (the browser keeps its newest 1,000 console messages per page, Chromium's
 * ConsoleMessageStorage, so it hands back nothing older than what is remembered here).
 */
import { dropKey } from '../model/origin-drops';
import type { DropReport } from './originDropEntry';

const REMEMBERED = 2_000;

interface Content {
  t: number;
  reported: number;
  /** Per log session, how many entries of this content it has handed. */
  handed: Map<string, number>;
}


export class ReportedDrops {
  private readonly contents = new Map<string, Content>();
  /** The newest stamp among the contents forgotten. */
  private forgottenThrough = -Infinity;

  constructor(private readonly remembered = REMEMBERED) {}

  /** `report` as handed by the log session `log` (an id unique per session and attachment): true when
   *  it was not reported yet (it is counted as reported now). */
  isNew(report: DropReport, log: string): boolean {
    if (report.t <= this.forgottenThrough) return false;
    const key = dropKey(report);
    let content = this.contents.get(key);
    if (!content) {
      content = { t: report.t, reported: 0, handed: new Map() };
      this.contents.set(key, content);
      this.forgetOldest();
    }
    const handed = (content.handed.get(log) ?? 0) + 1;
    content.handed.set(log, handed);
    if (handed <= content.reported) return false;
    content.reported = handed;
    return true;
  }

  private forgetOldest(): void {
    for (const [key, content] of this.contents) {
      if (this.contents.size <= this.remembered) return;
      this.contents.delete(key);
      this.forgottenThrough = Math.max(this.forgottenThrough, content.t);
    }
  }
}
