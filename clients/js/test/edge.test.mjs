// Specs of the client against a real `akkamedia serve hocon/pipelines/live-loopback.conf` (a remote
// pass-through at 48 kHz mono): see test-support/edge.mjs for where the server comes from.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AkkaMediaClient, AkkaMediaError } from '../dist/akka-media.js';
import { startEdge } from '../test-support/edge.mjs';

const rate = 48000; // the pipeline's own rate and channel count: no resampling, so what comes back is what went in
const packet = rate / 50; // samples in the server's 20 ms packets (mono)
const timeout = 60_000;

let edge;
before(async () => { edge = await startEdge(); }, { timeout: 120_000 });
after(async () => { await edge?.stop(); });

const open = new Set();
afterEach(() => { // a spec that failed half way leaves no session behind
    for (const client of open) {
        client.close();
    }

    open.clear();
});

async function connect(options = {}) {
    const client = await AkkaMediaClient.connect(edge.url, { sampleRate: rate, channels: 1, ...options });
    open.add(client);
    return client;
}

/** A deterministic signal over the whole 16-bit range (both extremes included), different from any silence or padding. */
function signal(length, seed = 1) {
    const samples = new Int16Array(length);
    let state = seed;
    for (let i = 0; i < length; i++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        const tone = 20000 * Math.sin((2 * Math.PI * 440 * i) / rate);
        const noise = ((state >>> 16) % 12000) - 6000;
        samples[i] = Math.max(-32768, Math.min(32767, Math.round(tone + noise)));
    }

    samples[7] = 32767;
    samples[8] = -32768;
    return samples;
}

/**
 * Sends `samples` in messages of the given sizes, in turn (whole sample frames of any count), never more than
 * half a second ahead of what has come back: the server keeps 1 s of outgoing audio for a client and drops the
 * oldest beyond that (docs/edge-protocol.md, slow clients), and a real-time client is never further ahead.
 * Resolves with the number of messages.
 */
async function sendPaced(client, audio, samples, sizes) {
    let messages = 0;
    for (let offset = 0, i = 0; offset < samples.length; i++) {
        const size = Math.min(sizes[i % sizes.length], samples.length - offset);
        await audio.until(offset + size - rate / 2);
        client.sendPcm16(samples.subarray(offset, offset + size));
        offset += size;
        messages++;
    }

    return messages;
}

/** Collects what the client receives; `until(n)` resolves once at least n samples came back. */
function received(client) {
    const packets = [];
    const events = [];
    const waiting = [];
    let count = 0;
    client.onAudio = samples => {
        packets.push(samples);
        count += samples.length;
        for (const waiter of waiting.filter(w => count >= w.samples)) {
            waiting.splice(waiting.indexOf(waiter), 1);
            waiter.resolve();
        }
    };
    client.onEvent = event => events.push(event);
    client.closed.then(() => waiting.splice(0).forEach(w => w.resolve()), () => waiting.splice(0).forEach(w => w.resolve()));
    return {
        packets,
        events,
        until(samples) {
            return count >= samples || client.state === 'closed' ? Promise.resolve() : new Promise(resolve => waiting.push({ samples, resolve }));
        },
        samples() {
            const all = new Int16Array(count);
            let offset = 0;
            for (const p of packets) {
                all.set(p, offset);
                offset += p.length;
            }

            return all;
        },
    };
}

function firstDifference(actual, expected) {
    const length = Math.max(actual.length, expected.length);
    for (let i = 0; i < length; i++) {
        if (actual[i] !== expected[i]) {
            return `sample ${i}: got ${actual[i]}, sent ${expected[i]} (got ${actual.length} samples, sent ${expected.length})`;
        }
    }

    return null;
}

describe('AkkaMediaClient against akkamedia serve', { timeout }, () => {
    test('connect resolves once the server answers started, with the session id and the negotiated format', async () => {
        const client = await connect();
        assert.match(client.session, /^\S+$/);
        assert.equal(client.state, 'open');
        assert.equal(client.sampleRate, rate);
        assert.equal(client.channels, 1);
        assert.equal(client.encoding, 'pcm16');
        const other = await connect();
        assert.notEqual(other.session, client.session, 'every connection is a session of its own');
        await Promise.all([client.stop(), other.stop()]);
    });

    test('PCM16 sent through a pass-through at the pipeline rate comes back sample for sample, in 20 ms packets', async () => {
        const client = await connect();
        const audio = received(client);
        const sent = signal(rate * 2); // 2 s: 100 packets
        await sendPaced(client, audio, sent, [137, packet, 3000, 1, 4410]);
        await client.stop();

        assert.deepEqual(audio.events, [], 'no event (a drop would be one)');
        assert.equal(firstDifference(audio.samples(), sent), null);
        assert.deepEqual(audio.packets.map(p => p.length).filter(n => n !== packet), [], `every packet holds ${packet} samples (20 ms)`);
        assert.equal(client.framesReceived, sent.length / packet);
    });

    test('Float32 samples are sent as PCM16: scaled by 32768, rounded, clamped', async () => {
        const client = await connect();
        const audio = received(client);
        // k / 32768 for every 16-bit k arrives as k; out of range clamps; NaN is silence.
        const levels = Array.from({ length: packet * 4 }, (_, i) => ((i * 677) % 65536) - 32768);
        const specials = [[1, 32767], [-1, -32768], [2.5, 32767], [-7, -32768], [NaN, 0], [0.25, 8192], [-0.75, -24576]];
        const floats = new Float32Array(levels.map(k => k / 32768));
        specials.forEach(([value], i) => { floats[i * 3] = value; });
        const expected = Int16Array.from(levels);
        specials.forEach(([, level], i) => { expected[i * 3] = level; });

        client.sendFloat32(floats);
        await client.stop();

        assert.equal(firstDifference(audio.samples(), expected), null);
    });

    test('ping resolves with the round trip in milliseconds, each ping with its own pong', async () => {
        const client = await connect();
        const trips = await Promise.all([client.ping(), client.ping(), client.ping()]);
        for (const rtt of trips) {
            assert.ok(Number.isFinite(rtt) && rtt >= 0 && rtt < timeout, `a round trip of ${rtt} ms`);
        }

        await client.stop();
    });

    test('stop resolves with the server counts once the server has closed with 1000', async () => {
        const client = await connect();
        const audio = received(client);
        const messages = await sendPaced(client, audio, signal(packet * 25, 2), [packet * 2 + 48, packet]);
        const counts = await client.stop();

        assert.equal(client.state, 'closed');
        assert.deepEqual(counts, { framesIn: messages, framesOut: client.framesReceived });
        assert.equal(counts.framesOut, 25);
        const closed = await client.closed;
        assert.equal(closed.code, 1000);
        assert.deepEqual(closed.stopped, counts);
        assert.throws(() => client.sendPcm16(new Int16Array(packet)), /closed/);
    });

    test('stop flushes the pipeline: audio sent right before it still comes back before it resolves', async () => {
        const client = await connect();
        const audio = received(client);
        const sent = signal(rate * 3, 3); // 3 s sent as fast as the pacing lets, then stop at once with up to 0.5 s in flight
        await sendPaced(client, audio, sent, [packet]);
        const inFlight = sent.length - audio.samples().length;
        const stopping = client.stop();
        assert.equal(client.state, 'stopping');
        assert.throws(() => client.sendPcm16(new Int16Array(packet)), /stopping/);
        await stopping;

        assert.ok(inFlight > 0, 'some audio was still on its way when stop was sent');
        assert.deepEqual(audio.events, []);
        assert.equal(audio.packets.length, sent.length / packet);
        assert.equal(firstDifference(audio.samples(), sent), null);
    });

    test('a torn sample frame closes the session with 1008 and the server message', async () => {
        const client = await connect({ channels: 2 });
        assert.throws(() => client.sendPcm16(new Int16Array(3)), RangeError, 'the client refuses a torn frame itself');
        client.sendPacket(new Uint8Array(6)); // 1.5 stereo sample frames, as raw bytes

        const error = await client.closed.then(() => null, e => e);
        assert.ok(error instanceof AkkaMediaError, `closed rejects with an AkkaMediaError, not ${error}`);
        assert.equal(error.code, 1008);
        assert.match(error.message, /torn sample frame/i);
        assert.match(error.message, /6 bytes/);
        assert.equal(client.state, 'closed');
        await assert.rejects(client.ping(), e => e === error || (e instanceof AkkaMediaError && e.code === 1008));
    });

    test('a bad start is refused: connect rejects with the server error and 1008', async () => {
        const error = await connect({ sampleRate: 7 }).then(() => null, e => e);
        assert.ok(error instanceof AkkaMediaError, `connect rejects with an AkkaMediaError, not ${error}`);
        assert.equal(error.code, 1008);
        assert.match(error.message, /\b7\b/);
        assert.match(error.message, /sample ?rate/i);
    });

    test('a stop that fails is rejected with the error, not left waiting', async () => {
        const client = await connect();
        client.sendPacket(new Uint8Array(1)); // torn: the session fails before the stop is read
        const error = await client.stop().then(() => null, e => e);
        assert.ok(error instanceof AkkaMediaError, `stop rejects with an AkkaMediaError, not ${error}`);
        assert.equal(error.code, 1008);
    });
});
