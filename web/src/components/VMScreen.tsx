// The screen of a VM service whose console is `vnc`: noVNC (RFB over the
// websocket GET …/services/{service}/screen, subprotocol `binary`, same
// origin so the session cookie authenticates it as it does the terminals),
// scaled to the panel, with Ctrl+Alt+Del, full screen, Reconnect and Close,
// and the connection's state: connecting, connected, disconnected and why.
// noVNC is a chunk of its own, fetched with the first screen. Closing the
// panel (or the page) closes the connection; the VM keeps running.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type RFB from '@novnc/novnc';
import { screenRefusal, screenUrl, type ServiceRef } from '../api';
import { Icon } from './Icons';
import './Terminals.css'; // the status dot and the banner of the terminals
import './VMScreen.css';

type NoVNC = typeof import('@novnc/novnc');
let novncLoad: Promise<NoVNC> | null = null;
function loadNoVNC(): Promise<NoVNC> {
  if (!novncLoad) {
    novncLoad = import('@novnc/novnc');
    novncLoad.catch(() => {
      novncLoad = null; // try again with the next screen
    });
  }
  return novncLoad;
}

export type ScreenStatus = 'connecting' | 'connected' | 'disconnected';

interface ScreenState {
  status: ScreenStatus;
  /** why it is disconnected */
  reason?: string;
  /** the reason is a guess (the connection just closed): a stop of the VM says it better */
  vague?: boolean;
  /** the desktop name the VNC server gave */
  name?: string;
}

const STATUS_TEXT: Record<ScreenStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected',
};

const TONE: Record<ScreenStatus, string> = { connecting: 'busy', connected: 'ok', disconnected: 'bad' };

export function VMScreen({
  target,
  running,
  onClose,
  panelRef,
}: {
  target: ServiceRef;
  /** the VM's container runs (Reconnect; a stop closes the connection) */
  running: boolean;
  onClose: () => void;
  /** the panel's element (the page scrolls it into view) */
  panelRef?: RefObject<HTMLElement | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const card = useRef<HTMLElement | null>(null);
  const rfb = useRef<RFB | null>(null);
  /** why the page itself closes the connection (the VM stopped) */
  const closing = useRef('');
  const [state, setState] = useState<ScreenState>({ status: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [full, setFull] = useState(false);
  const { repo, lab, instance, service } = target;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ref: ServiceRef = { repo, lab, instance, service };
    let cancelled = false;
    let connected = false;
    let security = '';
    let client: RFB | null = null;
    closing.current = '';
    setState({ status: 'connecting' });

    const disconnected = async (clean: boolean) => {
      if (cancelled) return;
      rfb.current = null;
      let reason = closing.current || security;
      if (!reason && !connected) {
        // refused before the upgrade, or closed before the VNC handshake
        const refusal = await screenRefusal(ref);
        if (cancelled) return;
        reason = refusal ? refusal.message : 'the connection closed before the VM’s screen answered';
      }
      const vague = !reason;
      if (!reason) reason = clean ? 'the VM’s screen closed the connection' : 'the connection to the VM’s screen was lost';
      setState((s) => ({ status: 'disconnected', reason, vague, name: s.name }));
    };

    loadNoVNC().then(
      ({ default: RFBClass }) => {
        if (cancelled) return;
        try {
          client = new RFBClass(el, screenUrl(ref), { wsProtocols: ['binary'], shared: true });
        } catch (e) {
          setState({ status: 'disconnected', reason: e instanceof Error ? e.message : String(e) });
          return;
        }
        rfb.current = client;
        client.scaleViewport = true;
        client.resizeSession = false;
        client.focusOnClick = true;
        client.background = '#0d1117';
        client.addEventListener('connect', () => {
          if (cancelled) return;
          connected = true;
          setState((s) => ({ status: 'connected', name: s.name }));
        });
        client.addEventListener('disconnect', (e) => void disconnected(!!e.detail?.clean));
        client.addEventListener('securityfailure', (e) => {
          security = `the VM’s screen refused the connection${e.detail?.reason ? `: ${e.detail.reason}` : ` (security result ${e.detail?.status})`}`;
        });
        client.addEventListener('credentialsrequired', () => {
          // dsp's VNC servers ask for none: a password is not something the page can give
          security = 'the VM’s VNC server asks for a password, which dsp does not give';
          client?.disconnect();
        });
        client.addEventListener('desktopname', (e) => {
          if (!cancelled) setState((s) => ({ ...s, name: e.detail?.name || undefined }));
        });
      },
      () => {
        if (!cancelled) setState({ status: 'disconnected', reason: 'could not load the VNC viewer: reload the page' });
      },
    );

    return () => {
      cancelled = true;
      rfb.current = null;
      try {
        client?.disconnect();
      } catch {
        // already disconnected
      }
      // noVNC leaves its screen element behind
      el.replaceChildren();
    };
  }, [repo, lab, instance, service, attempt]);

  // the VM stopped (the lab is stopping): close the connection, saying why
  useEffect(() => {
    if (running) return;
    const stopped = 'the VM stopped';
    if (rfb.current) {
      closing.current = stopped;
      rfb.current.disconnect();
    } else {
      setState((s) => (s.status === 'disconnected' && s.vague ? { ...s, reason: stopped, vague: false } : s));
    }
  }, [running]);

  // full screen is the browser's (Escape leaves it)
  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement === card.current && !!card.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const setCard = useCallback(
    (el: HTMLElement | null) => {
      card.current = el;
      if (panelRef) panelRef.current = el;
    },
    [panelRef],
  );

  const toggleFull = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void card.current?.requestFullscreen?.().catch(() => {});
  };

  const { status, reason, name } = state;
  return (
    <section
      ref={setCard}
      className={`card section vm-screen${full ? ' vm-screen-full' : ''}`}
      data-testid="vm-screen"
      data-service={service}
      data-status={status}
      aria-label={`Screen of ${service}`}
    >
      <div className="vm-screen-bar">
        <h2 className="vm-screen-title">
          <Icon name="screen" /> Screen <span className="mono">{service}</span>
        </h2>
        <span className="vm-screen-state" role="status" data-testid="vm-screen-status">
          <span className={`term-dot tone-${TONE[status]}`} aria-hidden="true" />
          {STATUS_TEXT[status]}
          {status === 'connected' && name && <span className="vm-screen-name"> · {name}</span>}
        </span>
        <div className="vm-screen-tools">
          <button
            type="button"
            className="btn btn-sm"
            disabled={status !== 'connected'}
            onClick={() => {
              rfb.current?.sendCtrlAltDel();
              rfb.current?.focus();
            }}
            title="Send Ctrl+Alt+Del to the VM"
            data-testid="vm-screen-cad"
          >
            Ctrl+Alt+Del
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={toggleFull}
            title={full ? 'Back to the lab page (Escape)' : 'Fill the screen with the VM’s screen'}
            data-testid="vm-screen-fullscreen"
          >
            <Icon name={full ? 'minimize' : 'maximize'} size={15} /> {full ? 'Exit full screen' : 'Full screen'}
          </button>
          <button type="button" className="btn btn-sm btn-ghost" onClick={onClose} title="Close the screen (the VM keeps running)" data-testid="vm-screen-close">
            <Icon name="x" size={14} /> Close
          </button>
        </div>
      </div>
      <div className="vm-screen-view">
        <div className="vm-screen-host" ref={host} data-testid="vm-screen-host" />
        {status === 'disconnected' && (
          <div className="term-banner term-banner-bad vm-screen-banner" data-testid="vm-screen-reason">
            <span className="term-banner-text">disconnected: {reason}</span>
            <span className="term-banner-actions">
              <button
                type="button"
                className="btn btn-sm"
                disabled={!running}
                title={running ? `Connect to the screen of ${service} again` : `${service} is not running: start the lab first`}
                onClick={() => setAttempt((n) => n + 1)}
                data-testid="vm-screen-reconnect"
              >
                <Icon name="refresh" size={14} /> Reconnect
              </button>
            </span>
          </div>
        )}
      </div>
      {status === 'connected' && <p className="vm-screen-hint">Click the screen to type into the VM; the keys go to it until you click outside.</p>}
    </section>
  );
}
