// One terminal of the panel: its tab (service, status dot, close ×) and its
// pane (the screen, and a banner with New shell / Reconnect when it ended).
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import type { TermSession, TermSnapshot, TermStatus } from '../terminal';
import { Icon } from './Icons';
import type { TermTab } from './useTerminals';

const STATUS_TEXT: Record<TermStatus, string> = {
  connecting: 'connecting…',
  open: 'connected',
  exited: 'exited',
  disconnected: 'disconnected',
  failed: 'could not connect',
  error: 'error',
  ended: 'ended',
};

function tone(status: TermStatus): string {
  switch (status) {
    case 'open':
      return 'ok';
    case 'connecting':
      return 'busy';
    case 'exited':
    case 'ended':
      return 'idle';
    default:
      return 'bad';
  }
}

function useSnapshot(session: TermSession): TermSnapshot {
  return useSyncExternalStore(session.subscribe, session.snapshot);
}

function statusLine(s: TermSnapshot): string {
  switch (s.status) {
    case 'exited':
      return `exited with code ${s.code ?? 0}`;
    case 'disconnected':
      return 'disconnected: the connection to the terminal was lost';
    case 'failed':
      return s.message || 'could not open a terminal (is the lab running?)';
    case 'error':
      return `error: ${s.message || 'the terminal failed'}`;
    case 'ended':
      return s.message || 'the terminal was closed';
    default:
      return '';
  }
}

export function TabButton({
  tab,
  selected,
  onShow,
  onClose,
}: {
  tab: TermTab;
  selected: boolean;
  onShow: () => void;
  onClose: () => void;
}) {
  const snap = useSnapshot(tab.session);
  return (
    <div className={`term-tab${selected ? ' term-tab-on' : ''}`} data-tab={tab.id} data-service={tab.service} data-status={snap.status}>
      <button
        type="button"
        role="tab"
        aria-selected={selected}
        className="term-tab-main"
        onClick={onShow}
        title={`${tab.label}: ${STATUS_TEXT[snap.status]}`}
      >
        <span className={`term-dot tone-${tone(snap.status)}`} aria-hidden="true" />
        <span className="term-tab-label">{tab.label}</span>
      </button>
      <button type="button" className="term-tab-close" aria-label={`Close terminal ${tab.label}`} title="Close this terminal" onClick={onClose}>
        <Icon name="x" size={13} />
      </button>
    </div>
  );
}

export function TermPane({
  tab,
  slot,
  focused,
  split,
  canStart,
  focusOnShow,
  onFocus,
  onClose,
}: {
  tab: TermTab;
  slot: 'left' | 'right' | 'hidden';
  focused: boolean;
  split: boolean;
  canStart: boolean;
  focusOnShow: number;
  onFocus: () => void;
  onClose: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const snap = useSnapshot(tab.session);
  const session = tab.session;

  useLayoutEffect(() => {
    if (host.current) session.attach(host.current);
  }, [session]);

  useEffect(() => {
    if (slot === 'hidden') return;
    session.fitNow();
    if (focused) session.focus();
  }, [slot, focused, split, session, focusOnShow]);

  const line = statusLine(snap);
  const again = snap.status === 'exited' || snap.status === 'ended' ? 'New shell' : snap.status === 'failed' ? 'Retry' : 'Reconnect';
  return (
    <div
      className={`term-pane term-${slot}${focused && split ? ' term-focused' : ''}`}
      data-testid="terminal"
      data-tab={tab.id}
      data-service={tab.service}
      data-status={snap.status}
      onMouseDownCapture={onFocus}
    >
      {split && (
        <div className="term-pane-head">
          <span className={`term-dot tone-${tone(snap.status)}`} aria-hidden="true" />
          <strong>{tab.label}</strong>
          <span className="muted">{STATUS_TEXT[snap.status]}</span>
        </div>
      )}
      <div className="term-screen" ref={host} />
      {line && (
        <div className={`term-banner term-banner-${tone(snap.status)}`} role="status" data-testid="terminal-status">
          <span className="term-banner-text">{line}</span>
          <span className="term-banner-actions">
            <button
              type="button"
              className="btn btn-sm"
              disabled={!canStart}
              title={canStart ? `Open a new shell in ${tab.service}` : `${tab.service} is not running: start the lab first`}
              onClick={() => {
                session.connect();
                session.focus();
              }}
            >
              <Icon name={again === 'New shell' ? 'terminal' : 'refresh'} size={14} /> {again}
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={onClose}>
              Close
            </button>
          </span>
        </div>
      )}
    </div>
  );
}
