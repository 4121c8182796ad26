import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a running `dsp serve` (DSP_URL, default
// http://127.0.0.1:8080); `npm run build` writes the static files to dist/,
// which the Go binary embeds (embed.go).
const target = process.env.DSP_URL ?? 'http://127.0.0.1:8080';

// dist/ is emptied on every build; dist/.gitkeep is tracked so that the Go
// embed directive finds a directory on a fresh clone: write it back.
const keepGitkeep: Plugin = {
  name: 'dsp-keep-gitkeep',
  apply: 'build',
  closeBundle() {
    writeFileSync(resolve(import.meta.dirname, 'dist/.gitkeep'), '');
  },
};

export default defineConfig({
  plugins: [react(), keepGitkeep],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': { target, ws: true }, // the terminals' websockets too
      '/login': { target },
    },
  },
});
