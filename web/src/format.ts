// Small formatting helpers shared by the pages.
import type { PublishedPort, ServicePort } from './api';

/** "512 MiB", "1.5 GiB": a memory size in binary units, as limits are set. */
export function humanBinaryBytes(n: number | undefined | null): string {
  if (n == null || !Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = Number.isInteger(v) || v >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(1)));
  return `${text} ${units[i]}`;
}

/** "1 CPU", "0.5 CPU", "2 CPUs". */
export function cpusText(cpus: number): string {
  const v = Number(cpus.toFixed(2));
  return `${v} CPU${v > 1 ? 's' : ''}`;
}

/**
 * What bounds each container, for people: "at most 2048 processes, 512 MiB,
 * 1 CPU"; what is not bounded is said too ("no memory or CPU limit").
 */
export function limitsText(l: { memory?: number; cpus?: number; pids?: number } | undefined | null): string {
  const pids = l?.pids && l.pids > 0 ? l.pids : 0;
  const memory = l?.memory && l.memory > 0 ? l.memory : 0;
  const cpus = l?.cpus && l.cpus > 0 ? l.cpus : 0;
  const set: string[] = [];
  if (pids) set.push(`${pids} process${pids === 1 ? '' : 'es'}`);
  if (memory) set.push(humanBinaryBytes(memory));
  if (cpus) set.push(cpusText(cpus));
  const unset: string[] = [];
  if (!pids) unset.push('process');
  if (!memory) unset.push('memory');
  if (!cpus) unset.push('CPU');
  const bound = set.length ? `at most ${set.join(', ')}` : '';
  const free = unset.length ? `no ${unset.length > 1 ? `${unset.slice(0, -1).join(', ')} or ${unset[unset.length - 1]}` : unset[0]} limit` : '';
  return [bound, free].filter(Boolean).join('; ');
}

export function humanBytes(n: number | undefined | null): string {
  if (n == null || !Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "3 days ago" from unix seconds. */
export function timeAgo(unixSeconds: number | undefined | null, now = Date.now()): string {
  if (!unixSeconds) return '—';
  const s = Math.max(0, Math.round(now / 1000 - unixSeconds));
  const steps: [number, string][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Number.POSITIVE_INFINITY, 'year'],
  ];
  let v = s;
  for (const [size, unit] of steps) {
    if (v < size) {
      if (unit === 'second') return v < 10 ? 'just now' : `${v} seconds ago`;
      return `${v} ${unit}${v === 1 ? '' : 's'} ago`;
    }
    v = Math.floor(v / size);
  }
  return '—';
}

/** "14:03:27" from an RFC 3339 time (or the raw text when it is not one). */
export function clock(time: string): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return time;
  return d.toLocaleTimeString([], { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const HTTP_PORTS = new Set([80, 81, 443, 591, 3000, 4200, 5000, 5601, 7001, 8000, 8008, 8080, 8081, 8088, 8443, 8888, 9000, 9090, 9443]);
const HTTPS_PORTS = new Set([443, 8443, 9443]);
// ports that are surely not HTTP: shown as text, not as a link
const NOT_HTTP_PORTS = new Set([
  20, 21, 22, 23, 25, 53, 67, 68, 69, 110, 111, 123, 135, 137, 138, 139, 143, 161, 389, 445, 465, 514, 587, 631,
  636, 873, 993, 995, 1433, 1521, 1883, 2049, 3306, 3389, 5060, 5432, 5900, 5901, 6379, 11211, 27017,
]);

/** The addresses that mean "every interface of the host" rather than one address. */
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);

/** A port bound to one of the host's loopback addresses (this machine only). */
export function isLoopback(ip: string | undefined | null): boolean {
  const a = String(ip ?? '').replace(/^\[|\]$/g, '');
  return a === 'localhost' || a === '::1' || /^127\./.test(a);
}

/** A port offered on every interface of the host, or on an address other machines can reach. */
export function onNetwork(ip: string | undefined | null): boolean {
  return !!ip && !isLoopback(ip);
}

/** "127.0.0.1", "[::1]", or "0.0.0.0": an address as written before ":port". */
export function hostForUrl(ip: string): string {
  const a = ip.replace(/^\[|\]$/g, '');
  return a.includes(':') ? `[${a}]` : a;
}

/**
 * A browser link for a published port, or null when it surely is not HTTP.
 * The link goes to the address the port is bound to (127.0.0.1 for a lab
 * that is not exposed); a port on every interface (0.0.0.0, ::) is reached
 * at the host this page came from.
 */
export function portLink(p: ServicePort | PublishedPort, hostname = location.hostname): string | null {
  const host = String(p.host ?? '');
  if (!host || host === '0' || !/^\d+$/.test(host)) return null;
  if (p.protocol && p.protocol !== 'tcp') return null;
  if (NOT_HTTP_PORTS.has(p.container) && !HTTP_PORTS.has(p.container)) return null;
  const scheme = HTTPS_PORTS.has(p.container) ? 'https' : 'http';
  const bound = String(p.hostIP ?? '');
  const h = hostForUrl(ANY_ADDRESS.has(bound) ? hostname : bound);
  return `${scheme}://${h}:${host}/`;
}

export function isHttpPort(container: number): boolean {
  return HTTP_PORTS.has(container);
}

/** Black or white text, whichever reads better on a background colour. */
export function textOn(color: string | undefined): string {
  const rgb = parseColor(color);
  if (!rgb) return 'var(--chip-fg)';
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // contrast against white vs. against near-black
  return (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) ? '#ffffff' : '#111827';
}

export function parseColor(color: string | undefined): [number, number, number] | null {
  if (!color) return null;
  const c = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** A safe CSS colour from untrusted text (labels and networks come from lab files). */
export function safeColor(color: string | undefined, fallback: string): string {
  const rgb = parseColor(color);
  return rgb ? `rgb(${rgb.join(',')})` : fallback;
}

/** "850 ms", "4.2 s", "2 min 5 s" from milliseconds. */
export function duration(ms: number | undefined | null): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m} min ${rest} s` : `${m} min`;
}
