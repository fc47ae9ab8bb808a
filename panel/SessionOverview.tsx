/**
 * The inspector while nothing is selected: the session at a glance (panel/sessionOverview.ts) — what
 * went wrong, with a button that shows it, and who talked, each realm a button that focuses it.
 * Everything from the page is rendered as React text.
 */
import type { CaptureModel } from '../model/correlator';
import { overviewOf, type Finding } from './sessionOverview';
import type { ViewStore } from './viewState';
import './overview.css';

const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '✕', warning: '⚠', info: 'ℹ' };

export function SessionOverview({ model, view, hint }: { model: CaptureModel; view: ViewStore; hint: string }) {
  const o = overviewOf(model);
  if (o.messages === 0 && o.realms.length === 0) return <div className="insp-empty">{hint}</div>;
  const show = (f: Finding): void => {
    const v = view.getState();
    if ('filter' in f.show) v.filterChanged({ text: f.show.filter, regex: false });
    else v.focused(f.show.focus);
  };
  return (
    <section className="insp-overview" aria-label="Session overview">
      <h3 className="insp-overview-head">Session</h3>
      <p className="insp-overview-line">
        {o.messages.toLocaleString('en-US')} {o.messages === 1 ? 'message' : 'messages'}, {o.delivered.toLocaleString('en-US')} delivered
        {o.findings.length === 0 ? '; nothing went wrong.' : '.'}
      </p>
      {o.findings.length > 0 && (
        <>
          <h4 className="insp-overview-sub">Findings</h4>
          <ul className="insp-findings">
            {o.findings.map((f) => (
              <li key={f.key} className={`insp-finding sev-${f.severity}`}>
                <span className="insp-finding-icon" aria-hidden="true">
                  {SEVERITY_ICON[f.severity]}
                </span>
                <span className="insp-finding-text">{f.text}</span>
                <button type="button" className="insp-finding-show" aria-label={`${f.action}: ${f.text}`} onClick={() => show(f)}>
                  {f.action}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {o.realms.length > 0 && (
        <>
          <h4 className="insp-overview-sub">Who talked</h4>
          <table className="insp-talkers">
            <thead>
              <tr>
                <th scope="col">Realm</th>
                <th scope="col">Sent</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {o.realms.map((r) => (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="insp-talker" title={`${r.id}: focus this realm`} onClick={() => view.getState().focused({ kind: 'realm', id: r.id })}>
                      {r.name}
                    </button>
                    {r.gone && <span className="insp-dim"> gone</span>}
                  </td>
                  <td className="num">{r.sent.toLocaleString('en-US')}</td>
                  <td className="num">{r.received.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {o.moreRealms > 0 && <p className="insp-dim">and {o.moreRealms.toLocaleString('en-US')} more realms</p>}
        </>
      )}
      <p className="insp-dim insp-overview-hint">{hint}</p>
    </section>
  );
}
