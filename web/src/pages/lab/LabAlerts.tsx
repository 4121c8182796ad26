// What stands in the way, above the lab page's cards: a refused request, the
// failure of the latest operation, the lab's errors, and the powers it asks for.
import type { LabDetail } from '../../api';
import { operationTitle } from '../../components/ProgressLog';
import type { OpLog } from '../../events';

export function LabAlerts({ lab, requestError, op }: { lab: LabDetail; requestError: string; op: OpLog | undefined }) {
  const errors = lab.errors ?? [];
  const risks = lab.risks ?? [];
  return (
    <>
      {requestError && (
        <div className="alert alert-error" role="alert">
          {requestError}
        </div>
      )}
      {op?.state === 'failed' && (
        <div className="alert alert-error alert-big" role="alert" data-testid="operation-error">
          <strong>{operationTitle(op.kind)} failed.</strong> {op.error || 'See the log below.'}
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
        <div className={`alert ${lab.trusted ? 'alert-warn' : 'alert-error'}`}>
          <strong>
            {lab.trusted
              ? 'This lab asks for powers beyond a plain container:'
              : 'This lab asks for powers beyond a plain container, and its repository is not trusted, so it will not start:'}
          </strong>
          <ul>
            {risks.map((r, i) => (
              <li key={i}>
                <strong>{r.service}</strong>: {r.what}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
