// A running capture, live: an EventSource on /api/captures/{id}/live gives
// `packets` (batches), `stats` (every second) and `end`. The packet table
// keeps the last 2000 packets and draws only the rows in view; it follows the
// newest unless the user scrolled up. A display filter narrows the rows in
// the browser (the file keeps every packet); per-protocol counters, a
// packets-per-second sparkline, what was dropped (by the kernel) or missed
// (by this view); the file downloads at any time.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { captureFileUrl, captureLiveUrl, observeApi, type Capture, type CapturePacket, type CaptureStats } from '../../../api';
import { Icon } from '../../../components/Icons';
import { humanBytes } from '../../../format';
import { displayFilter, PacketRing, relativeTime } from './packets';

/** Packets kept for the table. */
export const KEEP_PACKETS = 2000;
const ROW = 24;
const VIEW = 336;
const OVERSCAN = 8;

type Conn = 'connecting' | 'open' | 'reconnecting' | 'closed';

export function captureTargetText(c: Pick<Capture, 'target'>): string {
  if (c.target.service && c.target.network) return `service ${c.target.service} on ${c.target.network}`;
  if (c.target.service) return `service ${c.target.service}`;
  return `network ${c.target.network ?? '?'}`;
}

/** Packets per second over the last minute, as a line. */
export function Sparkline({ values }: { values: number[] }) {
  const w = 180;
  const h = 34;
  const n = values.length;
  const max = Math.max(1, ...values);
  const last = n ? values[n - 1] : 0;
  const pts = values.map((v, i) => `${n > 1 ? ((i / (n - 1)) * w).toFixed(1) : 0},${(h - 2 - (v / max) * (h - 6)).toFixed(1)}`);
  return (
    <span className="spark" data-testid="pps-sparkline" data-max={max} data-last={last}>
      <svg
        width={w}
        height={h}
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`Packets per second over the last ${n} seconds: ${last} now, ${max} at most`}
      >
        <line x1="0" y1={h - 2} x2={w} y2={h - 2} className="spark-base" />
        {n > 1 && <polygon points={`0,${h - 2} ${pts.join(' ')} ${w},${h - 2}`} className="spark-area" />}
        {n > 1 && <polyline points={pts.join(' ')} className="spark-line" />}
      </svg>
      <span className="spark-text">
        <strong>{last}</strong>/s <span className="muted">peak {max}</span>
      </span>
    </span>
  );
}

function PacketRow({ p, top, first }: { p: CapturePacket; top: number; first: number }) {
  return (
    <div
      className="pkt-row"
      role="row"
      style={{ top }}
      data-testid="packet-row"
      data-n={p.n}
      data-protocol={p.protocol}
      title={p.info}
    >
      <span role="cell" className="pkt-num">
        {p.n}
      </span>
      <span role="cell" className="pkt-num">
        {relativeTime(p.time, first)}
      </span>
      <span role="cell">{p.src}</span>
      <span role="cell">{p.dst}</span>
      <span role="cell" className="pkt-proto">
        {p.protocol}
      </span>
      <span role="cell" className="pkt-num">
        {p.length}
      </span>
      <span role="cell" className="pkt-info">
        {p.info}
      </span>
    </div>
  );
}

export function LiveCapture({
  capture,
  onEnd,
  onStats,
  onStop,
  stopping,
  onClose,
}: {
  capture: Capture;
  /** the capture ended (stopped, its count or duration reached, the lab stopped) */
  onEnd: (c: Capture) => void;
  onStats: (id: string, s: CaptureStats) => void;
  onStop: () => void;
  stopping: boolean;
  onClose: () => void;
}) {
  const filterId = useId();
  const [ring] = useState(() => new PacketRing(KEEP_PACKETS));
  const [version, setVersion] = useState(0);
  const [stats, setStats] = useState<CaptureStats | null>(null);
  const [ended, setEnded] = useState<Capture | null>(capture.state === 'running' ? null : capture);
  const [conn, setConn] = useState<Conn>(capture.state === 'running' ? 'connecting' : 'closed');
  const [filter, setFilter] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [following, setFollowing] = useState(true);
  const body = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const cb = useRef({ onEnd, onStats });
  cb.current = { onEnd, onStats };
  const id = capture.id;
  // the stream is opened once, for a capture that ran when the view opened
  const [startedRunning] = useState(capture.state === 'running');

  useEffect(() => {
    if (!startedRunning) return;
    const es = new EventSource(captureLiveUrl(id));
    let closed = false;
    const finish = (c: Capture) => {
      closed = true;
      es.close();
      setConn('closed');
      setEnded(c);
      cb.current.onEnd(c);
    };
    es.addEventListener('open', () => setConn('open'));
    es.addEventListener('packets', (e) => {
      try {
        const batch = JSON.parse((e as MessageEvent).data) as CapturePacket[];
        if (Array.isArray(batch) && batch.length) {
          ring.push(batch);
          setVersion((v) => v + 1);
        }
      } catch {
        // a broken batch: the next one comes
      }
    });
    es.addEventListener('stats', (e) => {
      try {
        const s = JSON.parse((e as MessageEvent).data) as CaptureStats;
        setStats(s);
        cb.current.onStats(id, s);
      } catch {
        // ignore
      }
    });
    es.addEventListener('end', (e) => {
      try {
        finish(JSON.parse((e as MessageEvent).data) as Capture);
      } catch {
        closed = true;
        es.close();
        setConn('closed');
      }
    });
    es.addEventListener('error', () => {
      if (closed) return;
      if (es.readyState !== EventSource.CLOSED) {
        setConn('reconnecting');
        return;
      }
      // refused (it ended meanwhile: 409) or gone: ask what became of it
      setConn('closed');
      observeApi
        .capture(id)
        .then((c) => {
          if (!closed && c.state !== 'running') finish(c);
        })
        .catch(() => {});
    });
    return () => {
      closed = true;
      es.close();
    };
  }, [id, startedRunning, ring]);

  const match = useMemo(() => displayFilter(filter), [filter]);
  const rows = useMemo(() => ring.all.filter(match), [ring, match, version]);

  useLayoutEffect(() => {
    const el = body.current;
    if (el && stick.current) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [rows.length, version]);

  const from = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const to = Math.min(rows.length, Math.ceil((scrollTop + VIEW) / ROW) + OVERSCAN);
  const protocols = Object.entries(stats?.byProtocol ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  // the end comes on the stream, or first in the list (a `capture` event)
  const over = ended ?? (capture.state !== 'running' ? capture : null);
  const running = !over;
  const packets = stats?.packets ?? capture.packets;
  const filterWord = (proto: string) => `proto:${proto.toLowerCase()}`;

  return (
    <div
      className="live"
      data-testid="live-capture"
      data-capture={id}
      data-state={running ? 'running' : 'ended'}
      data-connection={conn}
      aria-label={`Live view of the capture of ${captureTargetText(capture)}`}
      role="region"
    >
      <div className="live-head">
        <h3>
          {running ? <span className="live-dot" aria-hidden="true" /> : <Icon name="check" size={15} />}
          {running ? 'Live' : 'Ended'}: {captureTargetText(capture)}
          {capture.filter && <code className="live-filter-used">{capture.filter}</code>}
        </h3>
        <span className="live-conn muted small" data-testid="live-connection">
          {running ? (conn === 'open' ? 'receiving' : conn === 'reconnecting' ? 'reconnecting…' : conn === 'connecting' ? 'connecting…' : 'not connected') : `${over?.state ?? 'ended'}${over?.error ? `: ${over.error}` : ''}`}
        </span>
        <span className="live-spacer" />
        <a className="btn btn-sm" href={captureFileUrl(id)} download="" data-testid="live-download" title="The pcapng file as it is now (Wireshark opens it)">
          <Icon name="download" size={14} /> Download
        </a>
        {running && (
          <button type="button" className="btn btn-sm btn-danger" onClick={onStop} disabled={stopping} data-testid="live-stop">
            <Icon name="stop" size={14} /> {stopping ? 'Stopping…' : 'Stop'}
          </button>
        )}
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClose} aria-label="Close the live view" data-testid="live-close">
          <Icon name="x" size={14} />
        </button>
      </div>

      <div className="live-stats">
        <span className="live-stat">
          <span className="muted">Packets</span> <strong data-testid="live-packets">{packets}</strong>
        </span>
        <span className="live-stat">
          <span className="muted">Bytes</span> <strong>{humanBytes(stats?.bytes ?? capture.bytes)}</strong>
        </span>
        <span className={`live-stat${(stats?.dropped ?? capture.dropped) > 0 ? ' live-stat-bad' : ''}`} title="Packets the kernel dropped because the capture did not keep up">
          <span className="muted">Dropped</span> <strong data-testid="live-dropped">{stats?.dropped ?? capture.dropped}</strong>
        </span>
        <span className={`live-stat${(stats?.missed ?? 0) > 0 ? ' live-stat-warn' : ''}`} title="Packets this view did not get (it fell behind); the file has them">
          <span className="muted">Missed here</span> <strong data-testid="live-missed">{stats?.missed ?? 0}</strong>
        </span>
        <Sparkline values={stats?.perSecond ?? []} />
      </div>

      <div className="proto-chips" data-testid="protocol-counters" aria-label="Packets by protocol">
        {protocols.length === 0 && <span className="muted small">No packets yet.</span>}
        {protocols.map(([proto, n]) => {
          const on = filter.trim().toLowerCase() === filterWord(proto);
          return (
            <button
              key={proto}
              type="button"
              className={`proto-chip${on ? ' proto-chip-on' : ''}`}
              data-testid="proto-chip"
              data-protocol={proto}
              data-count={n}
              aria-pressed={on}
              title={on ? 'Show every protocol' : `Show only ${proto}`}
              onClick={() => setFilter(on ? '' : filterWord(proto))}
            >
              <span className="pkt-proto-dot" data-protocol={proto} aria-hidden="true" />
              {proto} <strong>{n}</strong>
            </button>
          );
        })}
      </div>

      <div className="live-filter">
        <label htmlFor={filterId} className="small">
          Display filter
        </label>
        <input
          id={filterId}
          type="search"
          className="mono"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="10.0.0.5  proto:tcp  GET  !arp"
          spellCheck={false}
          autoComplete="off"
          data-testid="packet-filter"
          aria-describedby={`${filterId}-count`}
        />
        <span className="muted small" id={`${filterId}-count`} data-testid="packet-count" data-shown={rows.length} data-kept={ring.all.length}>
          {filter.trim() ? `${rows.length} of ${ring.all.length}` : `${ring.all.length}`} shown
          {ring.received > ring.all.length ? ` (the last ${KEEP_PACKETS} of ${ring.received} received)` : ''}
        </span>
      </div>

      <div className="pkt-table" role="table" aria-label="Packets" aria-rowcount={rows.length + 1} data-testid="packet-table" data-rows={rows.length}>
        <div className="pkt-row pkt-head" role="row">
          <span role="columnheader">No.</span>
          <span role="columnheader">Time</span>
          <span role="columnheader">Source</span>
          <span role="columnheader">Destination</span>
          <span role="columnheader">Protocol</span>
          <span role="columnheader">Length</span>
          <span role="columnheader">Info</span>
        </div>
        <div
          className="pkt-body"
          ref={body}
          role="rowgroup"
          tabIndex={0}
          style={{ height: VIEW }}
          onScroll={(e) => {
            const el = e.currentTarget;
            setScrollTop(el.scrollTop);
            const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5;
            stick.current = atBottom;
            setFollowing(atBottom);
          }}
        >
          <div className="pkt-space" style={{ height: rows.length * ROW }}>
            {rows.slice(from, to).map((p, i) => (
              <PacketRow key={p.n} p={p} top={(from + i) * ROW} first={ring.first} />
            ))}
          </div>
          {rows.length === 0 && (
            <div className="pkt-empty muted small">
              {ring.all.length > 0 ? 'No packet matches the display filter.' : running ? 'Waiting for packets…' : 'No packet was seen here.'}
            </div>
          )}
        </div>
        {!following && rows.length > 0 && (
          <button
            type="button"
            className="btn btn-sm pkt-follow"
            data-testid="packet-follow"
            onClick={() => {
              stick.current = true;
              setFollowing(true);
              const el = body.current;
              if (el) el.scrollTop = el.scrollHeight;
            }}
          >
            ↓ Follow new packets
          </button>
        )}
      </div>
    </div>
  );
}
