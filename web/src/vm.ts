// Words for a VM service (x-dsp.vm): its summary on the lab page ("VM ·
// 256 MiB · 1 CPU · serial console") and its settings in the editor.
import type { VMDef } from './api';

/** 256 → "256 MiB", 2048 → "2 GiB", 1536 → "1.5 GiB". */
export function memoryText(mib: number): string {
  if (mib >= 1024) {
    const gib = mib / 1024;
    return `${Number.isInteger(gib) ? gib : gib.toFixed(1).replace(/\.0$/, '')} GiB`;
  }
  return `${mib} MiB`;
}

export function cpusText(cpus: number): string {
  return `${cpus} CPU${cpus === 1 ? '' : 's'}`;
}

/** "serial console", or "VNC screen" (a VM with a screen has its serial console too). */
export function consoleText(vm: VMDef): string {
  return vm.console === 'vnc' ? 'VNC screen' : 'serial console';
}

/** A file of the lab (the details give absolute paths) as the compose file names it: relative to the lab's folder. */
export function inLab(file: string, dir: string | undefined): string {
  const d = (dir ?? '').replace(/\/+$/, '');
  return d && file.startsWith(`${d}/`) ? file.slice(d.length + 1) : file;
}

/** The VM's files relative to the lab's folder (vm/vmlinux rather than /home/…/lab/vm/vmlinux). */
export function vmInLab(vm: VMDef, dir: string | undefined): VMDef {
  const rel = (f: string | undefined) => (f ? inLab(f, dir) : f);
  return { ...vm, kernel: rel(vm.kernel), initrd: rel(vm.initrd), disk: rel(vm.disk) };
}

/** What boots: "kernel vm/vmlinux, initrd vm/initrd.img" or "disk vm/disk.qcow2 (qcow2)". */
export function bootText(vm: VMDef, dir?: string): string {
  const parts: string[] = [];
  if (vm.kernel) parts.push(`kernel ${inLab(vm.kernel, dir)}`);
  if (vm.initrd) parts.push(`initrd ${inLab(vm.initrd, dir)}`);
  if (vm.disk) parts.push(`disk ${inLab(vm.disk, dir)}${vm.diskFormat ? ` (${vm.diskFormat})` : ''}`);
  return parts.join(', ');
}

/** "VM · 256 MiB · 1 CPU · serial console" */
export function vmSummary(vm: VMDef): string {
  return ['VM', memoryText(vm.memoryMiB), cpusText(vm.cpus), consoleText(vm)].join(' · ');
}

/** A duration in nanoseconds (readyTimeout) in words: "4 min", "90 s", "1 min 30 s". */
export function nanosText(ns: number): string {
  const s = Math.round(ns / 1e9);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
