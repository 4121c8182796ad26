// Generates the API's TypeScript types from the OpenAPI document, with
// openapi-typescript:
//
//   node tools/gen-types/gen.mjs           write src/generated/openapi.d.ts   (npm run gen:types)
//   node tools/gen-types/gen.mjs --check   generate into a temporary file and fail when the
//                                          committed file differs from it   (npm run check:types)
//
// The document is ../internal/server/openapi.json (the one the Go server embeds
// and serves); src/api.ts aliases these types, so a field the document lacks is
// a compile error in the UI.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const WEB = path.resolve(import.meta.dirname, '..', '..');
const DOC = path.resolve(WEB, '..', 'internal', 'server', 'openapi.json');
const OUT = path.join(WEB, 'src', 'generated', 'openapi.d.ts');
const rel = (p) => path.relative(WEB, p);

const HEADER = `// Generated from internal/server/openapi.json by openapi-typescript: do not edit.
// Regenerate with \`npm run gen:types\` (npm run build does it first);
// \`npm run check:types\` fails when this file is stale.

`;

async function generate() {
  const doc = JSON.parse(readFileSync(DOC, 'utf8'));
  const ast = await openapiTS(doc, {
    silent: true,
    // a schema's `default` does not make its property required
    defaultNonNullable: false,
  });
  return HEADER + astToString(ast);
}

const check = process.argv.includes('--check');
const text = await generate();
if (!check) {
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`wrote ${rel(OUT)} from ${path.relative(WEB, DOC)}`);
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'dsp-gen-types-'));
  const fresh = path.join(dir, 'openapi.d.ts');
  try {
    writeFileSync(fresh, text);
    let committed = null;
    try {
      committed = readFileSync(OUT, 'utf8');
    } catch {
      // missing: stale too
    }
    if (committed !== readFileSync(fresh, 'utf8')) {
      console.error(
        `${rel(OUT)} is stale: it does not match ${path.relative(WEB, DOC)}.\n` +
          'Run `npm run gen:types` and commit the result.',
      );
      process.exitCode = 1;
    } else {
      console.log(`${rel(OUT)} is up to date with ${path.relative(WEB, DOC)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
