// What stands in the way, above the lab page's cards: a refused request (by
// its kind: forbidden, busy, the Docker Engine unreachable…), the failure of
// the latest operation, the lab's errors, and what it asks of the host (its
// risks: what, which service, where in the compose file): while its
// repository is not trusted, Start asks first whether to trust it or to start
// the lab without them.
import type { LabDetail, Risk } from '../../api';
import { ErrorAlert, ErrorText } from '../../components/ErrorAlert';
import { operationTitle } from '../../components/ProgressLog';
import type { OpLog } from '../../events';
import './LabAlerts.css';

function RiskTable({ risks }: { risks: Risk[] }) {
  return (
    <div className="table-scroll">
      <table className="table risk-table">
        <thead>
          <tr>
            <th>What it asks for</th>
            <th>Service</th>
            <th>Where in the compose file</th>
          </tr>
        </thead>
        <tbody>
          {risks.map((r, i) => (
            <tr key={i} data-testid="risk" data-field={r.field} data-service={r.service || undefined}>
              <td>{r.what}</td>
              <td>{r.service ? <strong>{r.service}</strong> : <span className="muted">the project</span>}</td>
              <td>
                <code className="wrap-anywhere">{r.field}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LabAlerts({ lab, requestError, op }: { lab: LabDetail; requestError: unknown; op: OpLog | undefined }) {
  const errors = lab.errors ?? [];
  const risks = lab.risks ?? [];
  const id = lab.id || `${lab.repo}/${lab.name}`;
  return (
    <>
      <ErrorAlert error={requestError} testId="request-error" />
      {op?.state === 'failed' && (
        <div className="alert alert-error alert-big" role="alert" data-testid="operation-error">
          <strong>{operationTitle(op.kind)} failed.</strong> {op.error ? <ErrorText text={op.error} /> : 'See the log below.'}
        </div>
      )}
      {errors.length > 0 && (
        <div className="alert alert-error">
          <strong>This lab has errors and cannot start:</strong>
          <ul>
            {errors.map((e, i) => (
              <li key={i} className="mono small">
                {e}
              </li>
            ))}
          </ul>
        </div>
      )}
      {risks.length > 0 && (
        <div className={`alert risks ${lab.trusted ? 'alert-warn' : 'alert-error'}`} data-testid="risks" data-trusted={String(!!lab.trusted)}>
          <strong className="risks-title">
            {lab.trusted ? (
              <>
                This lab asks for more than a plain container. Its repository <span className="mono">{lab.repo}</span> is
                trusted, so it may.
              </>
            ) : (
              <>
                This lab asks for more than a plain container, and its repository <span className="mono">{lab.repo}</span>{' '}
                is not trusted: it cannot start as it is.
              </>
            )}
          </strong>
          <RiskTable risks={risks} />
          {!lab.trusted && (
            <p className="small risks-how">
              Start asks first: trust the repository (if you trust its author), or start the lab without these. Trusting is
              also done on the <a href="#/repos">Repositories</a> page, or with <code>dsp repo trust {lab.repo}</code> (once:{' '}
              <code>dsp lab up --trust {id.includes(' ') ? `"${id}"` : id}</code>).
            </p>
          )}
        </div>
      )}
    </>
  );
}
