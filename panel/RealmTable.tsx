import type { LogStore, RealmInfo } from './store';
import { useLogVersion } from './useLog';

function place(r: RealmInfo): string {
  return r.url ?? r.documentUrl ?? '';
}

export function RealmTable({ store }: { store: LogStore }) {
  useLogVersion(store);
  const realms = [...store.getState().realms.values()].sort((a, b) => a.frameId - b.frameId || a.realm.localeCompare(b.realm));
  if (realms.length === 0) return null;
  return (
    <div className="realms">
      <table data-testid="realm-table">
        <thead>
          <tr>
            <th className="c-realm">realm</th>
            <th className="c-kind">kind</th>
            <th>origin / url</th>
            <th className="num c-n">frame</th>
            <th className="num c-n">parent</th>
            <th className="num c-n">events</th>
            <th className="num c-n">gaps</th>
          </tr>
        </thead>
        <tbody>
          {realms.map((r) => (
            <tr key={r.realm} className={r.gone ? 'gone' : undefined} data-testid="realm-row" title={r.gone ? 'This frame is gone' : undefined}>
              <td className="mono">{r.realm}</td>
              <td>{r.kind ?? '?'}</td>
              <td title={place(r)}>
                {r.origin && !place(r).startsWith(r.origin) ? <span className="origin">{r.origin} </span> : null}
                {place(r)}
              </td>
              <td className="num">{r.frameId}</td>
              <td className="num">{r.parentFrameId !== undefined && r.parentFrameId >= 0 ? r.parentFrameId : ''}</td>
              <td className="num">{r.events.toLocaleString('en-US')}</td>
              <td
                className={r.gaps > 0 ? 'num warn' : 'num'}
                title={r.gaps > 0 ? `${r.gaps} missing (${r.relayDropped} dropped by the relay); highest seq ${r.highestSeq}` : `highest seq ${r.highestSeq}`}
              >
                {r.gaps.toLocaleString('en-US')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
