// xterm.js and its fit addon, with their stylesheet: loaded on the first
// terminal only (a chunk of its own), so the other pages stay light.
export { Terminal } from '@xterm/xterm';
export { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
