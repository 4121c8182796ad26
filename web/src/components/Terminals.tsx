// The lab page's terminals: tabs (service name, status dot, close ×), a split
// view of two side by side, full screen within the page. Each tab is one
// TermSession (its own xterm and its own websocket); every tab stays mounted
// so a hidden one keeps its screen and keeps receiving output.
import { useEffect, useRef } from 'react';
import { Icon } from './Icons';
import { TabButton, TermPane } from './TermPane';
import type { Terminals } from './useTerminals';
import './Terminals.css';

export { useTerminals, type Terminals, type TermTab } from './useTerminals';

export function TerminalPanel({
  terms,
  shellServices,
  canOpen,
}: {
  terms: Terminals;
  /** Services a terminal may be opened into (shell: true), in order. */
  shellServices: string[];
  /** Whether a service runs now (a new terminal, a reconnect). */
  canOpen: (service: string) => boolean;
}) {
  const panel = useRef<HTMLElement>(null);
  const { tabs, panes, split, full, focusedPane } = terms;

  useEffect(() => {
    if (terms.opened > 0 && !full) panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [terms.opened, full]);

  // the page behind a full-screen terminal does not scroll
  useEffect(() => {
    if (!full) return;
    document.body.classList.add('no-scroll');
    return () => document.body.classList.remove('no-scroll');
  }, [full]);

  if (tabs.length === 0) return null;
  const left = panes[0] ?? tabs[0].id;
  const right = split ? panes[1] : null;
  const slotOf = (id: string): 'left' | 'right' | 'hidden' => (id === left ? 'left' : id === right ? 'right' : 'hidden');

  return (
    <section
      ref={panel}
      className={`card section terms${full ? ' terms-full' : ''}${split ? ' terms-split' : ''}`}
      data-testid="terminals"
      aria-label="Terminals"
    >
      <div className="terms-bar">
        <h2 className="terms-title">
          <Icon name="terminal" /> Terminals
        </h2>
        <div className="terms-tabs" role="tablist" aria-label="Open terminals">
          {tabs.map((t) => (
            <TabButton
              key={t.id}
              tab={t}
              selected={t.id === left || t.id === right}
              onShow={() => terms.show(t.id)}
              onClose={() => terms.close(t.id)}
            />
          ))}
        </div>
        <div className="terms-tools">
          <NewTerminal services={shellServices} canOpen={canOpen} onOpen={terms.open} />
          <button
            type="button"
            className={`btn btn-sm${split ? ' btn-on' : ''}`}
            aria-pressed={split}
            onClick={() => terms.setSplit(!split)}
            title={split ? 'Show one terminal' : 'Show two terminals side by side'}
            data-testid="terminal-split"
            disabled={!split && tabs.length < 2 && !canOpen(tabs[0].service)}
          >
            <Icon name="split" size={15} /> Split
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => terms.setFull(!full)}
            title={full ? 'Back to the lab page' : 'Fill the window with the terminals'}
            data-testid="terminal-fullscreen"
          >
            <Icon name={full ? 'minimize' : 'maximize'} size={15} /> {full ? 'Exit full screen' : 'Full screen'}
          </button>
        </div>
      </div>
      <div className={`terms-panes${split ? ' terms-panes-split' : ''}`}>
        {tabs.map((t) => {
          const slot = slotOf(t.id);
          return (
            <TermPane
              key={t.id}
              tab={t}
              slot={slot}
              split={split}
              focused={slot === 'left' ? !split || focusedPane === 0 : slot === 'right' && focusedPane === 1}
              canStart={canOpen(t.service)}
              focusOnShow={terms.opened}
              onFocus={() => {
                if (slot === 'left') terms.focusPane(0);
                else if (slot === 'right') terms.focusPane(1);
              }}
              onClose={() => terms.close(t.id)}
            />
          );
        })}
      </div>
    </section>
  );
}

/** "New terminal" into a service: a button per service (a menu when there are many). */
function NewTerminal({
  services,
  canOpen,
  onOpen,
}: {
  services: string[];
  canOpen: (service: string) => boolean;
  onOpen: (service: string) => void;
}) {
  if (services.length === 0) return null;
  if (services.length <= 2) {
    return (
      <>
        {services.map((s) => (
          <button
            key={s}
            type="button"
            className="btn btn-sm"
            disabled={!canOpen(s)}
            onClick={() => onOpen(s)}
            title={canOpen(s) ? `Open another terminal in ${s}` : `${s} is not running`}
            data-testid="terminal-new"
            data-service={s}
          >
            <Icon name="plus" size={14} /> {s}
          </button>
        ))}
      </>
    );
  }
  return (
    <select
      className="select-sm"
      value=""
      aria-label="Open a new terminal"
      data-testid="terminal-new-select"
      onChange={(e) => {
        if (e.target.value) onOpen(e.target.value);
      }}
    >
      <option value="">+ New terminal…</option>
      {services.map((s) => (
        <option key={s} value={s} disabled={!canOpen(s)}>
          {s}
          {canOpen(s) ? '' : ' (not running)'}
        </option>
      ))}
    </select>
  );
}
