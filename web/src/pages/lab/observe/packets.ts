// The live packet view's own logic: the display filter (applied in the
// browser to the packets received) and times relative to the first packet.
import type { CapturePacket } from '../../../api';

/**
 * A display filter: words, all of which must match (case-insensitive).
 * A plain word is a substring of the source, destination, protocol or info;
 * `proto:tcp` (or `proto:tcp,udp`) matches the protocol exactly; a leading
 * `!` negates a word (`!arp`, `!proto:arp`).
 */
export function displayFilter(text: string): (p: CapturePacket) => boolean {
  const terms = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return () => true;
  const tests = terms.map((term) => {
    const negate = term.startsWith('!') && term.length > 1;
    const t = negate ? term.slice(1) : term;
    let test: (p: CapturePacket) => boolean;
    if (t.startsWith('proto:') || t.startsWith('protocol:')) {
      const want = t
        .slice(t.indexOf(':') + 1)
        .split(',')
        .filter(Boolean);
      test = (p) => want.length === 0 || want.includes(p.protocol.toLowerCase());
    } else {
      test = (p) => `${p.src}\u0000${p.dst}\u0000${p.protocol}\u0000${p.info}`.toLowerCase().includes(t);
    }
    return negate ? (p: CapturePacket) => !test(p) : test;
  });
  return (p) => tests.every((f) => f(p));
}

/** Microseconds since the epoch of an RFC 3339 time, keeping the fraction Date.parse would cut to milliseconds. */
export function micros(time: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$/.exec(time);
  if (!m) return Date.parse(time) * 1000;
  const whole = Date.parse(m[1] + m[3]);
  const frac = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return whole * 1000 + frac;
}

/** Seconds after the first packet, as Wireshark shows them: 0.000000, 1.234567. */
export function relativeTime(time: string, firstMicros: number): string {
  const d = Math.max(0, micros(time) - firstMicros);
  return (d / 1e6).toFixed(6);
}

/** A ring of the last `cap` packets, in arrival order. */
export class PacketRing {
  private items: CapturePacket[] = [];
  /** packets received in all (some may have been dropped from the ring) */
  received = 0;
  /** the first packet's time, in microseconds (NaN before one came) */
  first = Number.NaN;
  constructor(readonly cap: number) {}
  push(batch: CapturePacket[]): void {
    if (batch.length === 0) return;
    if (Number.isNaN(this.first)) this.first = micros(batch[0].time);
    this.received += batch.length;
    this.items = this.items.concat(batch);
    if (this.items.length > this.cap) this.items = this.items.slice(this.items.length - this.cap);
  }
  get all(): readonly CapturePacket[] {
    return this.items;
  }
}
