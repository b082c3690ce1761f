// The compiled client is committed (dist/), because the .NET host embeds dist/akka-media.js and builds
// without npm. This spec compiles src/ again and fails when the committed files differ: run `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

test('the committed dist/ is what tsc makes of src/ now', { timeout: 120_000 }, () => {
    assert.ok(existsSync(tsc), `TypeScript is not installed at ${tsc}: run \`npm ci\` in ${root}`);
    const out = mkdtempSync(path.join(tmpdir(), 'akka-media-dist-'));
    try {
        execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
        for (const file of ['akka-media.js', 'akka-media.d.ts']) {
            const fresh = readFileSync(path.join(out, file), 'utf8');
            const committed = readFileSync(path.join(root, 'dist', file), 'utf8');
            assert.ok(fresh === committed, `dist/${file} differs from what src/ compiles to: run \`npm run build\` in ${root} and commit dist/`);
        }
    } catch (error) {
        if (error.stdout !== undefined) {
            assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`);
        }

        throw error;
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
});
