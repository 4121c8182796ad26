// The SSH server's host key, when dsp does not know it yet: its host and
// fingerprint, to compare with what the server's owner publishes, and
// "Accept and continue" (the add request again, with the fingerprint
// accepted) or Cancel. A key that CHANGED is refused outright: someone may be
// impersonating the server, and there is nothing to accept here.
import { useId } from 'react';
import type { HostKey } from '../../api';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icons';

export function HostKeyDialog({
  hostKey,
  busy,
  onAccept,
  onCancel,
}: {
  /** the key to ask about; null: the dialog is closed */
  hostKey: HostKey | null;
  /** the request with the accepted key is on its way */
  busy?: boolean;
  onAccept: (fingerprint: string) => void;
  onCancel: () => void;
}) {
  const k = hostKey;
  const id = useId();
  return (
    <Dialog open={!!k} onClose={onCancel} labelId={`${id}-title`} describedBy={`${id}-what`} testId="hostkey-dialog">
      {k && !k.changed && (
        <>
          <h2 id={`${id}-title`}>Is this the key of {k.host}?</h2>
          <div id={`${id}-what`}>
            <p>
              dsp has not connected to <strong className="mono">{k.host}</strong> before. The server shows this host key:
            </p>
            <p className="hostkey-fp mono" data-testid="hostkey-fingerprint">
              {k.fingerprint}
            </p>
            <p className="small muted">
              Compare it with the fingerprint the server’s owner publishes (for a hosting service, its documentation). Once
              accepted, dsp remembers it and refuses a different key from this host.
            </p>
          </div>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onCancel} autoFocus data-testid="hostkey-cancel">
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              onClick={() => onAccept(k.fingerprint)}
              data-testid="hostkey-accept"
            >
              {busy ? 'Adding…' : 'Accept and continue'}
            </button>
          </div>
        </>
      )}
      {k && k.changed && (
        <>
          <h2 id={`${id}-title`} className="text-bad">
            <Icon name="warn" size={17} /> The host key of {k.host} has changed
          </h2>
          <div id={`${id}-what`} data-testid="hostkey-changed">
            <p>
              <strong>dsp refused to connect.</strong> The server now shows a different key than the one dsp knows for{' '}
              <strong className="mono">{k.host}</strong>:
            </p>
            <p className="hostkey-fp mono" data-testid="hostkey-fingerprint">
              {k.fingerprint}
            </p>
            <p>
              Someone may be impersonating the server (an attack), or the server really got a new key. Ask its owner; if the
              key did change, remove the host’s line from dsp’s own <code>known_hosts</code> file, then add the
              repository again.
            </p>
          </div>
          <div className="dialog-actions">
            <button type="button" className="btn btn-primary" onClick={onCancel} autoFocus data-testid="hostkey-close">
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
