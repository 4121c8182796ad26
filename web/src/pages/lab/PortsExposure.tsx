// Where the lab's published ports bind: on this machine only (127.0.0.1, the
// default: a deliberately vulnerable service is not offered to the network)
// or where the compose file says. Exposing asks for confirmation first; a
// change applies from the lab's next start on. The server's answer is what
// holds (a lab stays exposed while its whole repository is).
import { useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import './PortsExposure.css';

export function PortsExposure({
  repo,
  name,
  title,
  exposed,
  running,
  runningOnNetwork,
  onChange,
}: {
  repo: string;
  name: string;
  title: string;
  exposed: boolean;
  /** an instance of the lab is up: a change waits for its next start */
  running: boolean;
  /** the running instance publishes a port other machines can reach */
  runningOnNetwork: boolean;
  /** the server's answer: whether the lab is exposed now */
  onChange: (exposed: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);

  const set = async (want: boolean) => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    setNote('');
    try {
      const r = await api.setExposure(repo, name, want);
      onChange(r.exposed);
      if (r.exposed !== want) {
        setNote(
          r.exposed
            ? `The lab stays exposed: its whole repository is (dsp repo unexpose ${repo} keeps every lab of it on this machine).`
            : 'The lab stays on this machine only.',
        );
      } else if (running) {
        setNote(
          want
            ? 'Exposed from the next start on: the running lab keeps its ports on this machine until you stop and start it.'
            : 'On this machine only from the next start on: the running lab keeps its ports where they are until you stop and start it.',
        );
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`exposure${exposed ? ' exposure-on' : ''}`} data-testid="exposure" data-exposed={String(exposed)}>
      <div className="exposure-line">
        <Icon name={exposed ? 'warn' : 'lock'} size={16} />
        <span className="exposure-state" data-testid="exposure-state">
          <strong>Ports:</strong> {exposed ? 'exposed to the network' : 'this machine only (127.0.0.1)'}
        </span>
        {exposed ? (
          <button type="button" className="btn btn-sm" disabled={busy} onClick={() => set(false)} data-testid="unexpose">
            {busy ? 'Saving…' : 'Keep on this machine only'}
          </button>
        ) : (
          <button type="button" className="btn btn-sm" disabled={busy} onClick={() => setConfirming(true)} data-testid="expose">
            {busy ? 'Saving…' : 'Expose to the network…'}
          </button>
        )}
      </div>
      <p className="small muted exposure-hint">
        {exposed
          ? 'Its published ports bind where its compose file says: anyone who can reach this machine over the network can reach the lab’s deliberately vulnerable services.'
          : 'Its published ports bind 127.0.0.1: other machines cannot reach the lab’s deliberately vulnerable services.'}
        {running && ' A change applies at the lab’s next start.'}
      </p>
      {!exposed && runningOnNetwork && (
        <p className="small exposure-pending" data-testid="exposure-pending">
          The running lab still offers ports to the network: stop it and start it again to keep them on this machine.
        </p>
      )}
      {note && (
        <p className="small exposure-pending" role="status" data-testid="exposure-note">
          {note}
        </p>
      )}
      <ErrorAlert error={error} lead="Not changed:" testId="exposure-error" />

      <Dialog
        open={confirming}
        labelId="expose-title"
        describedBy="expose-what"
        onClose={() => setConfirming(false)}
        testId="expose-dialog"
      >
        <h2 id="expose-title">Expose {title} to the network?</h2>
        <div id="expose-what">
          <p>
            From its next start on, the lab’s published ports bind where its compose file says — usually every network
            interface of this machine — instead of 127.0.0.1.
          </p>
          <p>
            <strong>Anyone who can reach this machine over the network can then reach the lab’s services</strong>, which
            are deliberately vulnerable: do this only on a network you trust, for as long as you need it.
          </p>
          {running && <p className="muted">The lab is running: this applies when you stop it and start it again.</p>}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setConfirming(false)} autoFocus data-testid="expose-cancel">
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={() => set(true)} data-testid="expose-confirm">
            <Icon name="warn" size={15} /> Expose to the network
          </button>
        </div>
      </Dialog>
    </div>
  );
}
