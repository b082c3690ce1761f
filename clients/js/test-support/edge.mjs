// The server the specs in test/ talk to: AKKA_MEDIA_URL when it is set (the .NET spec ClientsJsSpec
// starts an executor node and `akkamedia serve hocon/pipelines/live-loopback.conf` and sets it), otherwise
// the same two processes started here from the built host, killed when the specs end.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repositoryRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const hostDll = process.env.AKKAMEDIA_HOST
    || path.join(repositoryRoot, 'AkkaMedia.Host', 'bin', 'Release', 'net10.0', 'akkamedia.dll');
const startTimeoutMs = 90_000;

/** The pipeline the specs expect: a remote pass-through at 48 kHz mono (what goes in comes out). */
export const pipeline = 'hocon/pipelines/live-loopback.conf';

/**
 * The server's base URL and a function that stops what was started here. Throws, saying how to run
 * the specs, when there is neither AKKA_MEDIA_URL nor a built host.
 */
export async function startEdge() {
    if (process.env.AKKA_MEDIA_URL) {
        return { url: process.env.AKKA_MEDIA_URL, stop: async () => {} };
    }

    if (!existsSync(hostDll)) {
        throw new Error(
            `AKKA_MEDIA_URL is not set and there is no built host at ${hostDll} to start one. Either\n`
            + '  dotnet build AkkaMedia.Host -c Release   (then npm test starts an executor node and `serve` itself), or\n'
            + `  akkamedia serve ${pipeline} --seeds <an executor> and AKKA_MEDIA_URL=http://127.0.0.1:<port> npm test, or\n`
            + '  dotnet test tests/AkkaMedia.Cluster.Tests -c Release --filter ClientsJsSpec');
    }

    const started = [];
    const stop = async () => {
        await Promise.all(started.map(p => p.kill()));
    };
    try {
        const node = start(['node', '--hostname', '127.0.0.1', '--port', '0']);
        started.push(node);
        const seed = (await node.line(l => l.startsWith('READY '), 'READY line of the executor node')).slice('READY '.length).trim();
        const serve = start([
            'serve', pipeline, '--seeds', seed, '--http-hostname', '127.0.0.1', '--http-port', '0']);
        started.push(serve);
        const ready = await serve.line(l => l.includes('READY') && /https?:\/\//.test(l), 'READY line of serve');
        return { url: ready.match(/https?:\/\/\S+/)[0], stop };
    } catch (error) {
        await stop();
        throw error;
    }
}

function start(args) {
    const child = spawn('dotnet', [hostDll, ...args], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const transcript = [];
    const waiters = [];
    let ended = false;
    const exited = new Promise(resolve => child.once('exit', resolve));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    child.on('error', error => transcript.push(`spawn error: ${error.message}`));
    createInterface({ input: child.stderr }).on('line', line => transcript.push(`err| ${line}`));
    createInterface({ input: child.stdout })
        .on('line', line => {
            transcript.push(`out| ${line}`);
            for (const waiter of waiters.filter(w => w.match(line))) {
                waiters.splice(waiters.indexOf(waiter), 1);
                waiter.resolve(line);
            }
        })
        .on('close', () => {
            ended = true;
            for (const waiter of waiters.splice(0)) {
                waiter.reject(new Error(`akkamedia ${args.join(' ')} ended without its ${waiter.what}.\n${transcript.join('\n')}`));
            }
        });
    return {
        line(match, what) {
            const seen = transcript.find(l => l.startsWith('out| ') && match(l.slice(5)));
            if (seen) {
                return Promise.resolve(seen.slice(5));
            }

            if (ended) {
                return Promise.reject(new Error(`akkamedia ${args.join(' ')} ended without its ${what}.\n${transcript.join('\n')}`));
            }

            return new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`No ${what} within ${startTimeoutMs / 1000} s.\n${transcript.join('\n')}`)), startTimeoutMs);
                waiters.push({
                    match,
                    what,
                    resolve: line => { clearTimeout(timer); resolve(line); },
                    reject: error => { clearTimeout(timer); reject(error); },
                });
            });
        },
        async kill() {
            if (child.exitCode === null && child.signalCode === null) {
                child.kill('SIGKILL');
                await exited;
            }
        },
    };
}
