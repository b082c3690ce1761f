// Specs of the client's own side of the protocol, with a scripted WebSocket in place of a server:
// what it sends, how it reads each server message, and what it does when there is no server at all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AkkaMediaClient, AkkaMediaError, float32ToPcm16, mediaUrl, pcm16ToFloat32 } from '../dist/akka-media.js';

/** A WebSocket whose server is the test: it records what the client sends and plays the server's part on demand. */
class ScriptedSocket {
    static last;
    binaryType = 'blob';
    readyState = 0;
    bufferedAmount = 0;
    sent = [];
    #listeners = { open: [], message: [], close: [], error: [] };

    constructor(url) {
        this.url = url;
        ScriptedSocket.last = this;
        queueMicrotask(() => { this.readyState = 1; this.#emit('open', {}); });
    }

    addEventListener(type, listener) { this.#listeners[type].push(listener); }
    send(data) { this.sent.push(typeof data === 'string' ? JSON.parse(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()); }
    close(code = 1005, reason = '') { this.serverCloses(code, reason); }

    serverSends(data) { this.#emit('message', { data: typeof data === 'string' ? data : data.buffer.slice(0) }); }
    serverSendsJson(message) { this.serverSends(JSON.stringify(message)); }
    serverCloses(code, reason = '') { this.readyState = 3; this.#emit('close', { code, reason }); }
    #emit(type, event) { for (const listener of this.#listeners[type]) listener(event); }
}

async function connected(options = {}) {
    const connecting = AkkaMediaClient.connect('http://edge.test:8080', { sampleRate: 16000, channels: 1, WebSocket: ScriptedSocket, ...options });
    const socket = ScriptedSocket.last;
    await new Promise(resolve => setTimeout(resolve, 0));
    socket.serverSendsJson({ type: 'started', session: 's1' });
    return { client: await connecting, socket };
}

describe('AkkaMediaClient with a scripted server', () => {
    test('connect opens /media, sends start with the format and reads binary as array buffers', async () => {
        const { client, socket } = await connected({ sampleRate: 24000, channels: 2, token: 'se cret' });
        assert.equal(socket.url, 'ws://edge.test:8080/media?token=se+cret');
        assert.equal(socket.binaryType, 'arraybuffer');
        assert.deepEqual(socket.sent, [{ type: 'start', sampleRate: 24000, channels: 2, encoding: 'pcm16' }]);
        assert.equal(client.session, 's1');
    });

    test('PCM16 goes out as little-endian bytes; a torn frame or a wrong encoding is refused before sending', async () => {
        const { client, socket } = await connected({ channels: 2 });
        client.sendPcm16(new Int16Array([1, -2, 0x1234, -32768]));
        assert.deepEqual([...socket.sent[1]], [1, 0, 0xfe, 0xff, 0x34, 0x12, 0x00, 0x80]);
        assert.throws(() => client.sendPcm16(new Int16Array(3)), RangeError);
        assert.equal(socket.sent.length, 2);
        assert.equal(client.framesSent, 1);

        const opus = (await connected({ encoding: 'opus' })).client;
        assert.throws(() => opus.sendPcm16(new Int16Array(2)), /opus/);
        opus.sendPacket(new Uint8Array([0xfc, 1, 2]));
        assert.deepEqual([...ScriptedSocket.last.sent[1]], [0xfc, 1, 2]);
    });

    test('received audio, events, pongs and stopped each reach their own place; unknown event types are passed on', async () => {
        const audio = [];
        const events = [];
        const { client, socket } = await connected({ onAudio: s => audio.push([...s]), onEvent: e => events.push(e) });
        const rtt = client.ping();
        assert.deepEqual(socket.sent[1], { type: 'ping', id: 1 });
        socket.serverSends(new Int16Array([5, -5, 32767]));
        socket.serverSendsJson({ type: 'vad', speech: true, energyDb: -23.4, timestampMs: 1220 });
        socket.serverSendsJson({ type: 'pong', id: 1 });
        socket.serverSendsJson({ type: 'transcript', text: 'hello', final: true });
        socket.serverSendsJson({ type: 'dropped', frames: 3 });
        socket.serverSends('not json');

        assert.ok((await rtt) >= 0);
        assert.deepEqual(audio, [[5, -5, 32767]]);
        assert.deepEqual(events.map(e => e.type), ['vad', 'transcript', 'dropped']);
        assert.equal(events[1].text, 'hello');
        assert.equal(client.framesReceived, 1);

        const stopping = client.stop();
        assert.equal(client.stop(), stopping, 'stop twice is one stop');
        assert.deepEqual(socket.sent[2], { type: 'stop' });
        socket.serverSendsJson({ type: 'stopped', framesIn: 0, framesOut: 1 });
        assert.equal(client.state, 'stopping', 'stop resolves on the close, not on stopped');
        socket.serverCloses(1000);
        assert.deepEqual(await stopping, { framesIn: 0, framesOut: 1 });
    });

    test('a callback that throws does not break the session', async () => {
        const { client, socket } = await connected();
        const events = [];
        client.onAudio = () => { throw new Error('a broken player'); };
        client.onEvent = e => events.push(e.type);
        const logged = [];
        const { error } = console;
        console.error = e => logged.push(e);
        try {
            socket.serverSends(new Int16Array([1]));
        } finally {
            console.error = error;
        }

        socket.serverSendsJson({ type: 'text', text: 'still here' });
        assert.deepEqual(events, ['text']);
        assert.match(String(logged[0]), /a broken player/);
        assert.equal(client.state, 'open');
    });

    test('an error close rejects closed, the pending stop and pings with the server message and code', async () => {
        const { client, socket } = await connected();
        const ping = client.ping();
        const stop = client.stop();
        socket.serverSendsJson({ type: 'error', message: 'Stage Echo failed: boom' });
        socket.serverCloses(1011, 'pipeline failed');
        for (const pending of [ping, stop, client.closed]) {
            await assert.rejects(pending, e => e instanceof AkkaMediaError && e.code === 1011 && e.message === 'Stage Echo failed: boom' && e.reason === 'pipeline failed');
        }
    });

    test('a refused start rejects connect with the server message and close code', async () => {
        const connecting = AkkaMediaClient.connect('ws://edge.test/media', { sampleRate: 16000, channels: 1, WebSocket: ScriptedSocket });
        const socket = ScriptedSocket.last;
        await new Promise(resolve => setTimeout(resolve, 0));
        socket.serverSendsJson({ type: 'error', message: 'The server is at its limit of 100 sessions; try again later.' });
        socket.serverCloses(1013);
        await assert.rejects(connecting, e => e instanceof AkkaMediaError && e.code === 1013 && /limit of 100 sessions/.test(e.message));
    });

    test('a server that cannot be reached rejects connect with 1006', { timeout: 30_000 }, async (t) => {
        if (typeof WebSocket === 'undefined') {
            assert.fail('run with node --experimental-websocket (npm test does) for the global WebSocket');
        }

        const error = await AkkaMediaClient.connect('http://127.0.0.1:1', { sampleRate: 16000, channels: 1 }).then(() => null, e => e);
        t.diagnostic(String(error));
        assert.ok(error instanceof AkkaMediaError);
        assert.equal(error.code, 1006);
    });

    test('without any WebSocket, connect says how to get one', async () => {
        const global = globalThis.WebSocket;
        delete globalThis.WebSocket;
        try {
            await assert.rejects(AkkaMediaClient.connect('http://127.0.0.1:1', { sampleRate: 16000, channels: 1 }), /--experimental-websocket/);
        } finally {
            globalThis.WebSocket = global;
        }
    });
});

describe('helpers', () => {
    test('mediaUrl maps http to ws and a bare origin to /media, and keeps a given path', () => {
        assert.equal(mediaUrl('http://h:1'), 'ws://h:1/media');
        assert.equal(mediaUrl('https://h/'), 'wss://h/media');
        assert.equal(mediaUrl('ws://h:2/custom?x=1', 't'), 'ws://h:2/custom?x=1&token=t');
        assert.throws(() => mediaUrl('ftp://h'), TypeError);
    });

    test('float32ToPcm16 scales by 32768, rounds halves to even like the server, clamps, and maps NaN to 0', () => {
        const input = new Float32Array([0, 0.5, -0.5, 1, -1, 1.5, -1.5, 0.5 / 32768, 1.5 / 32768, -0.5 / 32768, -1.5 / 32768, 2.5 / 32768, 3 / 32768, NaN]);
        assert.deepEqual([...float32ToPcm16(input)], [0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 2, 0, -2, 2, 3, 0]);
    });

    test('pcm16ToFloat32 divides by 32768 and float32ToPcm16 takes every 16-bit value back to itself', () => {
        const all = new Int16Array(65536).map((_, i) => i - 32768);
        const floats = pcm16ToFloat32(all);
        assert.equal(floats[0], -1);
        assert.equal(floats[32768 + 16384], 0.5);
        assert.deepEqual(float32ToPcm16(floats), all);
    });
});
