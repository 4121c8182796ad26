// One terminal: an xterm.js Terminal and its websocket to
// GET /api/labs/{repo}/{lab}/services/{service}/terminal.
//
//  - client → server: binary frames are the input bytes (xterm's onData is a
//    string: sent as UTF-8; onBinary is a byte string: sent as is), text
//    frames are JSON {"type":"resize","cols":N,"rows":N};
//  - server → client: binary frames are output bytes (written to xterm as they
//    come), text frames {"type":"exit","code":N} or {"type":"error","message":"..."}
//    before a close.
//
// A session lives outside React: it owns a <div> that the page moves into
// whichever pane shows it (tabs, split view, full screen) without losing the
// screen; each connect() opens a new websocket and the handlers of an older one
// are ignored, so two sockets never write into the same terminal.
import type { FitAddon } from '@xterm/addon-fit';
import type { ITheme, Terminal } from '@xterm/xterm';

type Xterm = typeof import('./xterm');
let xtermLoad: Promise<Xterm> | null = null;
/** xterm.js is a chunk of its own, fetched with the first terminal. */
function loadXterm(): Promise<Xterm> {
  if (!xtermLoad) {
    xtermLoad = import('./xterm');
    xtermLoad.catch(() => {
      xtermLoad = null; // try again with the next terminal
    });
  }
  return xtermLoad;
}

export type TermStatus =
  | 'connecting' // the websocket is opening
  | 'open' // connected: input goes to the shell
  | 'exited' // the process ended ({"type":"exit"}): offer a new shell
  | 'disconnected' // the connection dropped without an exit: offer to reconnect
  | 'failed' // the websocket never opened (refused before the upgrade)
  | 'error' // the server said {"type":"error"}
  | 'ended'; // closed by the page: the lab stopped

export interface TermSnapshot {
  status: TermStatus;
  code?: number;
  message?: string;
}

const THEME: ITheme = {
  background: '#0d1117',
  foreground: '#d6dde6',
  cursor: '#d6dde6',
  cursorAccent: '#0d1117',
  selectionBackground: 'rgba(88, 166, 255, 0.35)',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
};

const FONT = "'SFMono-Regular', Menlo, 'Cascadia Mono', Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

const utf8 = new TextEncoder();

export class TermSession {
  readonly id: string;
  readonly service: string;
  /** The element the page moves between panes; xterm opens into it on the first attach. */
  readonly element: HTMLDivElement;
  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private readonly url: (cols: number, rows: number) => string;
  private ws: WebSocket | null = null;
  private opened = false;
  private disposed = false;
  private sessions = 0;
  private snap: TermSnapshot = { status: 'connecting' };
  private readonly listeners = new Set<() => void>();
  private resizeObserver: ResizeObserver | null = null;
  private fitFrame = 0;
  private wantFocus = false;

  constructor(id: string, service: string, url: (cols: number, rows: number) => string) {
    this.id = id;
    this.service = service;
    this.url = url;
    this.element = document.createElement('div');
    this.element.className = 'term-host';
    this.element.dataset.terminal = id;
  }

  // ---- state for React (useSyncExternalStore) ----

  subscribe = (f: () => void): (() => void) => {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  };

  snapshot = (): TermSnapshot => this.snap;

  private set(s: TermSnapshot) {
    this.snap = s;
    this.element.dataset.status = s.status;
    this.listeners.forEach((f) => f());
  }

  get live(): boolean {
    return this.snap.status === 'open' || this.snap.status === 'connecting';
  }

  /** Create the xterm once its code is here. */
  private create(x: Xterm): Terminal {
    const term = new x.Terminal({
      cursorBlink: true,
      fontFamily: FONT,
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: THEME,
      allowProposedApi: false,
    });
    const fit = new x.FitAddon();
    term.loadAddon(fit);
    this.term = term;
    this.fit = fit;
    term.onData((data) => this.send(utf8.encode(data) as Uint8Array<ArrayBuffer>));
    term.onBinary((data) => {
      const bytes = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
      this.send(bytes);
    });
    term.onResize(({ cols, rows }) => this.sendResize(cols, rows));
    // Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's
    // paste event then reaches xterm); plain Ctrl+C stays an interrupt.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      const key = e.key.toLowerCase();
      if (key === 'c') {
        const text = term.getSelection();
        if (text) navigator.clipboard?.writeText(text).catch(() => {});
        return false;
      }
      return key !== 'v';
    });
    return term;
  }

  // ---- the view ----

  /** Show the terminal in a pane; the first time, xterm loads and opens, and the websocket connects. */
  attach(host: HTMLElement): void {
    if (this.disposed) return;
    if (this.element.parentElement !== host) host.appendChild(this.element);
    if (this.opened) {
      this.scheduleFit();
      return;
    }
    this.opened = true;
    loadXterm().then(
      (x) => {
        if (this.disposed) return;
        const term = this.create(x);
        term.open(this.element);
        this.resizeObserver = new ResizeObserver(() => this.scheduleFit());
        this.resizeObserver.observe(this.element);
        this.fitNow();
        if (this.wantFocus) term.focus();
        // (the lab may have stopped while xterm loaded)
        if (this.snap.status === 'connecting') this.connect();
      },
      () => {
        this.opened = false;
        this.set({ status: 'failed', message: 'could not load the terminal: reload the page' });
      },
    );
  }

  focus(): void {
    if (this.term) this.term.focus();
    else this.wantFocus = true;
  }

  private scheduleFit() {
    if (this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      this.fitNow();
    });
  }

  /** Fit the terminal to its pane (nothing while the pane is hidden); xterm's onResize tells the server. */
  fitNow(): void {
    const term = this.term;
    if (this.disposed || !term || !this.fit || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    const d = this.fit.proposeDimensions();
    if (!d || !Number.isFinite(d.cols) || !Number.isFinite(d.rows) || d.cols < 2 || d.rows < 1) return;
    if (d.cols === term.cols && d.rows === term.rows) return;
    // a terminal that showed its last line still does after the resize
    // (xterm keeps the scroll position when the rows shrink)
    const buf = term.buffer.active;
    const atBottom = buf.viewportY >= buf.baseY;
    term.resize(d.cols, d.rows);
    if (atBottom) term.scrollToBottom();
  }

  // ---- the connection ----

  /** Open a new session (a new shell): the first one, a reconnect, or a new shell after an exit. */
  connect(): void {
    const term = this.term;
    if (this.disposed || !term) return;
    this.closeSocket();
    if (this.sessions > 0) {
      // Undo what the last program may have left (alternate screen, hidden
      // cursor, mouse and key modes, colours), keep the scrollback and the
      // cursor where it is, and mark the new session.
      const alt = term.buffer.active.type === 'alternate' ? '\x1b[?1049l' : '';
      term.write(
        `${alt}\x1b[0m\x1b[?25h\x1b[?1l\x1b>\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l` +
          '\r\n\x1b[2m── new session ──\x1b[0m\r\n',
      );
    }
    this.sessions++;
    this.set({ status: 'connecting' });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url(term.cols, term.rows));
    } catch (e) {
      this.set({ status: 'failed', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let wasOpen = false;
    let exit: number | undefined;
    let error: string | undefined;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      wasOpen = true;
      this.set({ status: 'open' });
      this.fitNow();
      this.sendResize(term.cols, term.rows);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (ev.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(ev.data));
        return;
      }
      if (typeof ev.data !== 'string') return;
      let m: { type?: string; code?: number; message?: string };
      try {
        m = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (m.type === 'exit') {
        exit = typeof m.code === 'number' ? m.code : 0;
        this.set({ status: 'exited', code: exit });
      } else if (m.type === 'error') {
        error = m.message || 'the terminal failed';
        this.set({ status: 'error', message: error });
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (exit !== undefined) this.set({ status: 'exited', code: exit });
      else if (error !== undefined) this.set({ status: 'error', message: error });
      else if (!wasOpen) this.set({ status: 'failed', message: 'could not open a terminal (is the lab running?)' });
      else this.set({ status: 'disconnected' });
    };
    // an error is always followed by a close, which tells what happened
    ws.onerror = () => {};
  }

  /** Close the session from the page's side (the lab stopped): the tab says why and keeps its screen. */
  end(message: string): void {
    if (!this.live) return;
    this.closeSocket();
    this.set({ status: 'ended', message });
  }

  private closeSocket() {
    const ws = this.ws;
    this.ws = null;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      try {
        ws.close(1000, 'closed');
      } catch {
        // already closing
      }
    }
  }

  private send(bytes: Uint8Array<ArrayBuffer>) {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN && this.snap.status === 'open') ws.send(bytes);
  }

  private sendResize(cols: number, rows: number) {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** The tab was closed: close the websocket and free the terminal. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closeSocket();
    if (this.fitFrame) cancelAnimationFrame(this.fitFrame);
    this.resizeObserver?.disconnect();
    this.term?.dispose();
    this.element.remove();
    this.listeners.clear();
  }
}
