// Asked before a lab of an untrusted repository starts, when it asks for more
// than a plain container (its risks) or publishes ports: what it asks for
// (each risk: the service and what), where its ports bind (127.0.0.1, this
// machine only, unless the lab is exposed), and three ways on: trust the
// repository and start, start with every risk stripped, or cancel.
import type { LabDetail } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import { ServicePorts } from './ServicePorts';
import './TrustDialog.css';

/** What a start of an untrusted lab asks about: its risks and the services that publish ports. */
export function startQuestions(lab: LabDetail) {
  const risks = lab.risks ?? [];
  const ported = (lab.services ?? []).filter((s) => (s.ports ?? []).length > 0);
  return { risks, ported, ask: !lab.trusted && (risks.length > 0 || ported.length > 0) };
}

export function TrustDialog({
  lab,
  open,
  busy,
  error,
  onTrustAndStart,
  onStartWithoutRisks,
  onStart,
  onCancel,
}: {
  lab: LabDetail;
  open: boolean;
  /** a request is on its way */
  busy: boolean;
  /** why trusting (or starting) was refused */
  error: unknown;
  onTrustAndStart: () => void;
  /** start with every risk stripped (offered when the lab has risks) */
  onStartWithoutRisks: () => void;
  /** start as it is (offered when the lab has no risks: its ports need no trust) */
  onStart: () => void;
  onCancel: () => void;
}) {
  const { risks, ported } = startQuestions(lab);
  const title = lab.title || lab.name;
  const exposed = !!lab.exposed;
  return (
    <Dialog open={open} onClose={onCancel} labelId="trust-title" describedBy="trust-what" testId="trust-dialog" wide>
      <h2 id="trust-title">Start {title}?</h2>
      <div id="trust-what">
        <p>
          Its repository <strong className="mono">{lab.repo}</strong> is not trusted. Before it starts, here is what it asks of
          this machine.
        </p>
        {risks.length > 0 && (
          <section className="trust-part" data-testid="trust-risks">
            <h3>
              <Icon name="warn" size={15} /> It asks for more than a plain container
            </h3>
            <ul className="trust-list">
              {risks.map((r, i) => (
                <li key={i} data-testid="trust-risk" data-field={r.field} data-service={r.service || undefined}>
                  {r.service ? <strong>{r.service}</strong> : <span className="muted">the project</span>}: {r.what}{' '}
                  <code className="small wrap-anywhere">{r.field}</code>
                </li>
              ))}
            </ul>
            <p className="small muted">
              A container with these powers can reach far into this machine: grant them only to labs whose authors you trust.
            </p>
          </section>
        )}
        {ported.length > 0 && (
          <section className="trust-part" data-testid="trust-ports" data-exposed={String(exposed)}>
            <h3>
              <Icon name={exposed ? 'warn' : 'lock'} size={15} /> It publishes ports
            </h3>
            <p className="small" data-testid="trust-ports-where">
              {exposed
                ? 'The lab is exposed: its ports bind where its compose file says, so other machines on the network can reach its deliberately vulnerable services.'
                : 'They bind to 127.0.0.1: this machine only, other machines cannot reach them (unless you expose the lab).'}
            </p>
            <table className="table trust-ports">
              <tbody>
                {ported.map((s) => (
                  <tr key={s.name} data-service={s.name}>
                    <td>
                      <strong>{s.name}</strong>
                    </td>
                    <td>
                      <ServicePorts ports={s.ports ?? []} published={false} exposed={exposed} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {risks.length > 0 && (
          <p className="small muted">
            “Start without these” starts it with none of the powers above: parts of the lab may not work.
          </p>
        )}
      </div>
      <ErrorAlert error={error} testId="trust-error" />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel} autoFocus data-testid="trust-cancel">
          Cancel
        </button>
        {risks.length > 0 ? (
          <button type="button" className="btn" disabled={busy} onClick={onStartWithoutRisks} data-testid="start-without-risks">
            Start without these
          </button>
        ) : (
          <button type="button" className="btn" disabled={busy} onClick={onStart} data-testid="start-untrusted">
            <Icon name="play" /> Start
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={onTrustAndStart} data-testid="trust-start">
          <Icon name="lock" size={15} /> Trust {lab.repo} and start
        </button>
      </div>
    </Dialog>
  );
}
