// The part of noVNC's RFB (@novnc/novnc 1.7.0, its ESM entry core/rfb.js;
// docs/API.md in the package) that the VM screen uses. The package ships no
// types, and @types/novnc__novnc declares the module "@novnc/novnc/lib/rfb",
// the CommonJS build that 1.7.0 no longer has.
declare module '@novnc/novnc' {
  export interface RFBOptions {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }

  export interface RFBEventMap {
    connect: CustomEvent<Record<string, never>>;
    disconnect: CustomEvent<{ clean: boolean }>;
    credentialsrequired: CustomEvent<{ types: string[] }>;
    securityfailure: CustomEvent<{ status: number; reason?: string }>;
    desktopname: CustomEvent<{ name: string }>;
    capabilities: CustomEvent<{ capabilities: { power: boolean } }>;
    bell: CustomEvent<Record<string, never>>;
    clipboard: CustomEvent<{ text: string }>;
  }

  export default class RFB {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RFBOptions);
    scaleViewport: boolean;
    resizeSession: boolean;
    clipViewport: boolean;
    viewOnly: boolean;
    focusOnClick: boolean;
    showDotCursor: boolean;
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    readonly capabilities: { power: boolean };
    addEventListener<K extends keyof RFBEventMap>(type: K, listener: (e: RFBEventMap[K]) => void): void;
    removeEventListener<K extends keyof RFBEventMap>(type: K, listener: (e: RFBEventMap[K]) => void): void;
    disconnect(): void;
    sendCtrlAltDel(): void;
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    sendCredentials(credentials: { username?: string; password?: string; target?: string }): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    machineReboot(): void;
    machineReset(): void;
    machineShutdown(): void;
    clipboardPasteFrom(text: string): void;
  }
}
