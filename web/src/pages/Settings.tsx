// Read-only settings: main directory, repositories, Docker Engine.
import { useCallback, useEffect, useState } from 'react';
import { api, type Settings as SettingsData } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { useReconnect } from '../events';
import './Settings.css';

export function Settings() {
  const [data, setData] = useState<SettingsData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api
      .settings()
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(e));
  }, []);
  useEffect(load, [load]);
  useReconnect(load);

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-title">Settings</h1>
          <p className="muted">Read-only here: change them with the dsp command line.</p>
        </div>
      </header>
      <ErrorAlert error={error} testId="load-error" />
      {!data && error == null && <div className="loading">Loading…</div>}
      {data && (
        <>
          <section className="card section">
            <div className="section-head">
              <h2>Main directory</h2>
            </div>
            <dl className="facts">
              <dt>Folder</dt>
              <dd className="mono">{data.home}</dd>
              <dt>Personal repository</dt>
              <dd>{data.personalRepo || <span className="muted">none</span>}</dd>
            </dl>
          </section>

          <section className="card section">
            <div className="section-head">
              <h2>
                Repositories <span className="section-sub">{(data.repositories ?? []).length}</span>
              </h2>
            </div>
            <div className="table-scroll">
              <table className="table" data-testid="repositories">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Folder</th>
                    <th>Personal</th>
                    <th>Trusted</th>
                  </tr>
                </thead>
                <tbody>
                  {(data.repositories ?? []).map((r) => (
                    <tr key={r.name}>
                      <td>
                        <strong>{r.name}</strong>
                      </td>
                      <td className="mono small wrap-anywhere">{r.dir}</td>
                      <td>{r.personal ? <span className="tag tag-ok">personal</span> : <span className="muted">—</span>}</td>
                      <td>
                        {r.trusted ? <span className="tag tag-ok">trusted</span> : <span className="tag">not trusted</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              A lab that asks for privileged mode, host namespaces or powerful capabilities starts only from a trusted
              repository: <code>dsp repo trust NAME</code>. Add, update, trust or remove repositories on the{' '}
              <a href="#/repos">Repositories</a> page.
            </p>
          </section>

          <section className="card section">
            <div className="section-head">
              <h2>Docker Engine</h2>
            </div>
            <dl className="facts">
              <dt>Version</dt>
              <dd>{data.docker?.version || <span className="text-bad">not reachable</span>}</dd>
              <dt>API version</dt>
              <dd>{data.docker?.apiVersion || '—'}</dd>
            </dl>
          </section>
        </>
      )}
    </div>
  );
}
