// The read-only topology picture of a lab, in plain SVG: networks are
// coloured horizontal bars (name and subnet), services are boxes joined by a
// vertical line to each network they attach to, with the IP on the line.
// Services on one network sit above (first network) or below its bar; a
// service on several networks sits just below the first of them, so a router
// appears between the networks it joins. A line that crosses a bar without a
// dot passes behind it.
import type { ReactElement } from 'react';
import type { LabStatus, NetworkDef, ServiceDef } from '../api';
import { safeColor, textOn } from '../format';
import { stateTone } from './StateBadge';
import './Topology.css';

const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];

const PAD = 16;
const LABEL_W = 190; // left part of each bar, where its name and subnet are written
const BOX_W = 168;
const BOX_H = 52;
const GAP_X = 28;
const ROW_GAP = 50; // between a row of boxes and a bar
const BAR_GAP = 34; // between two bars with no box between them
const BAR_H = 26;

interface Net {
  name: string;
  subnet: string;
  color: string;
}

interface Attach {
  net: number;
  ip: string;
}

interface Box {
  name: string;
  image: string;
  state?: string;
  attach: Attach[];
  row: number;
  x: number;
  y: number;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function Topology({
  networks,
  services,
  status,
}: {
  networks: NetworkDef[] | null;
  services: ServiceDef[] | null;
  status?: LabStatus | null;
}) {
  const svcs = services ?? [];
  const runtimeNets = new Map((status?.networks ?? []).map((n) => [n.name, n]));
  const runtimeSvcs = new Map((status?.services ?? []).map((s) => [s.name, s]));

  // networks, in the lab's order, plus any that only services name (e.g. compose's default)
  const nets: Net[] = [];
  const netIndex = new Map<string, number>();
  const addNet = (name: string, subnet: string, color?: string) => {
    if (netIndex.has(name)) return;
    netIndex.set(name, nets.length);
    const fallback = PALETTE[nets.length % PALETTE.length];
    nets.push({
      name,
      subnet: subnet || runtimeNets.get(name)?.subnet || '',
      color: safeColor(color, fallback),
    });
  };
  (networks ?? []).forEach((n) => addNet(n.name, n.subnet ?? '', n.color));
  svcs.forEach((s) => (s.networks ?? []).forEach((n) => addNet(n.name, '')));

  const k = nets.length;
  const boxes: Box[] = svcs.map((s) => {
    const rt = runtimeSvcs.get(s.name);
    const rtIPs = new Map((rt?.networks ?? []).map((n) => [n.name, n.ip]));
    const attach = (s.networks ?? [])
      .map((n) => ({ net: netIndex.get(n.name)!, ip: rtIPs.get(n.name) || n.ip || '' }))
      .sort((a, b) => a.net - b.net);
    let row = 0;
    if (attach.length > 0) {
      const a = attach[0].net;
      const b = attach[attach.length - 1].net;
      row = a === b && a === 0 ? 0 : a + 1;
    }
    return { name: s.name, image: s.image, state: rt?.state, attach, row, x: 0, y: 0 };
  });

  // vertical layout: row 0, bar 0, row 1, bar 1, …, row k
  const rows: Box[][] = Array.from({ length: k + 1 }, () => []);
  boxes.forEach((b) => rows[Math.min(b.row, k)].push(b));
  const rowY: number[] = [];
  const barY: number[] = [];
  let y = PAD;
  for (let r = 0; r <= k; r++) {
    const has = rows[r].length > 0;
    if (has) {
      if (r > 0) y += ROW_GAP;
      rowY[r] = y;
      y += BOX_H;
    }
    if (r < k) {
      y += has ? ROW_GAP : r > 0 ? BAR_GAP : 0;
      barY[r] = y;
      y += BAR_H;
    }
  }
  y += PAD;
  const height = Math.max(y, 80);

  const widest = Math.max(0, ...rows.map((row) => row.length * BOX_W + Math.max(0, row.length - 1) * GAP_X));
  const width = Math.max(640, PAD * 2 + LABEL_W + widest + PAD);
  const areaX = PAD + LABEL_W;
  const areaW = width - areaX - PAD;
  rows.forEach((row, r) => {
    const w = row.length * BOX_W + Math.max(0, row.length - 1) * GAP_X;
    let x = areaX + Math.max(0, (areaW - w) / 2);
    row.forEach((b) => {
      b.x = x;
      b.y = rowY[r];
      x += BOX_W + GAP_X;
    });
  });

  if (svcs.length === 0 && k === 0) {
    return <div className="muted">This lab defines no services.</div>;
  }

  const lines: ReactElement[] = [];
  const dots: ReactElement[] = [];
  boxes.forEach((b) => {
    const cx = b.x + BOX_W / 2;
    const above = b.attach.filter((a) => barY[a.net] < b.y);
    const below = b.attach.filter((a) => barY[a.net] > b.y);
    if (above.length) {
      const top = Math.min(...above.map((a) => barY[a.net] + BAR_H));
      lines.push(<line key={`${b.name}-up`} className="topo-line" x1={cx} y1={top} x2={cx} y2={b.y} />);
    }
    if (below.length) {
      const bottom = Math.max(...below.map((a) => barY[a.net]));
      lines.push(<line key={`${b.name}-down`} className="topo-line" x1={cx} y1={b.y + BOX_H} x2={cx} y2={bottom} />);
    }
    b.attach.forEach((a) => {
      const isAbove = barY[a.net] < b.y;
      const edge = isAbove ? barY[a.net] + BAR_H : barY[a.net];
      const ipY = isAbove ? edge + 15 : edge - 7;
      dots.push(<circle key={`${b.name}-${a.net}-dot`} className="topo-dot" cx={cx} cy={edge} r={4} fill={nets[a.net].color} />);
      if (a.ip) {
        const w = a.ip.length * 7 + 10;
        dots.push(
          <g key={`${b.name}-${a.net}-ip`}>
            <rect className="topo-ip-bg" x={cx + 6} y={ipY - 11} width={w} height={15} rx={3} />
            <text className="topo-ip" x={cx + 11} y={ipY}>
              {a.ip}
            </text>
          </g>,
        );
      }
    });
  });

  return (
    <div className="topology" data-testid="topology">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width }}
        role="img"
        aria-label={`Topology: ${svcs.length} services on ${k} networks`}
      >
        {lines}
        {nets.map((n, i) => {
          const fg = textOn(n.color);
          return (
            <g key={`net-${n.name}`}>
              <rect x={PAD} y={barY[i]} width={width - 2 * PAD} height={BAR_H} rx={6} fill={n.color} />
              <text x={PAD + 10} y={barY[i] + 17} fill={fg} className="topo-net-name">
                {truncate(n.name, 16)}
                <tspan className="topo-net-subnet" dx={8} fill={fg}>
                  {n.subnet || 'auto'}
                </tspan>
              </text>
              <title>{`${n.name} ${n.subnet}`}</title>
            </g>
          );
        })}
        {dots}
        {boxes.map((b) => (
          <g key={`box-${b.name}`} className="topo-box">
            <title>{`${b.name}\n${b.image}${b.state ? `\n${b.state}` : ''}`}</title>
            <rect x={b.x} y={b.y} width={BOX_W} height={BOX_H} rx={8} className="topo-box-rect" />
            <text x={b.x + 12} y={b.y + 22} className="topo-box-name">
              {truncate(b.name, 19)}
            </text>
            <text x={b.x + 12} y={b.y + 40} className="topo-box-image">
              {truncate(b.image || 'no image', 24)}
            </text>
            {b.state && (
              <circle cx={b.x + BOX_W - 14} cy={b.y + 16} r={5} className={`topo-state tone-${stateTone(b.state)}`}>
                <title>{b.state}</title>
              </circle>
            )}
          </g>
        ))}
      </svg>
    </div>
  );
}
