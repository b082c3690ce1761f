/**
 * The client of the AkkaMedia live edge: one session of a pipeline served by `akkamedia serve`, over
 * the `/media` WebSocket protocol (docs/edge-protocol.md). Runs in browsers (the global `WebSocket`)
 * and in Node.js 20+ (`--experimental-websocket` on Node 20 and 21, or a constructor passed in
 * {@link ConnectOptions.WebSocket}). No runtime dependencies.
 *
 * ```js
 * import { AkkaMediaClient } from './akka-media.js';
 * const client = await AkkaMediaClient.connect('http://127.0.0.1:8080', { sampleRate: 16000, channels: 1 });
 * client.onAudio = samples => play(samples);          // 20 ms PCM16 packets, in order
 * client.onEvent = event => console.log(event.type);  // vad, text, dropped, ...
 * client.sendPcm16(new Int16Array(320));              // any number of whole sample frames
 * const rtt = await client.ping();                    // milliseconds
 * const { framesIn, framesOut } = await client.stop(); // after the pipeline flushed and the server closed
 * ```
 *
 * @packageDocumentation
 */
/**
 * Why a session could not start or ended abnormally. The message is the server's `error` message when
 * it sent one (what to fix), otherwise the close reason or what the client saw.
 */
export class AkkaMediaError extends Error {
    constructor(message, code, reason = '') {
        super(message);
        this.name = 'AkkaMediaError';
        this.code = code;
        this.reason = reason;
    }
}
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/**
 * Float32 samples (nominal range -1..1) to PCM16 as the server converts its own: each is scaled by
 * 32768, rounded to the nearest integer (halves to even) and clamped to -32768..32767; NaN becomes 0.
 * So a PCM16 value `v` sent as `v / 32768` arrives as `v`.
 */
export function float32ToPcm16(samples) {
    const out = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
        const scaled = samples[i] * 32768;
        let rounded = Math.round(scaled);
        if (rounded - scaled === 0.5 && rounded % 2 !== 0) {
            rounded -= 1;
        }
        out[i] = rounded >= 32767 ? 32767 : rounded <= -32768 ? -32768 : rounded || 0;
    }
    return out;
}
/** PCM16 samples to Float32: each divided by 32768 (exact; -32768 becomes -1). */
export function pcm16ToFloat32(samples) {
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
        out[i] = samples[i] / 32768;
    }
    return out;
}
/**
 * The `/media` URL of a server: `http(s)://host:port` or `ws(s)://host:port` alone means its
 * `/media`; a URL with a path is used as given (relative URLs resolve against the page).
 */
export function mediaUrl(url, token) {
    const base = globalThis.location?.href;
    const resolved = base === undefined ? new URL(url) : new URL(url, base);
    if (resolved.protocol === 'http:') {
        resolved.protocol = 'ws:';
    }
    else if (resolved.protocol === 'https:') {
        resolved.protocol = 'wss:';
    }
    else if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
        throw new TypeError(`${String(url)}: the server's URL must be http(s) or ws(s).`);
    }
    if (resolved.pathname === '' || resolved.pathname === '/') {
        resolved.pathname = '/media';
    }
    if (token !== undefined && token !== '') {
        resolved.searchParams.set('token', token);
    }
    return resolved.toString();
}
/**
 * One session of a pipeline served over `/media`. Make it with {@link AkkaMediaClient.connect}. Callbacks
 * run on the event loop in the order the server's messages arrive; a callback that throws does not
 * break the session (the error is reported through `reportError` or the console).
 */
export class AkkaMediaClient {
    constructor(socket, session, options, encoding) {
        this._pings = new Map();
        this._state = 'open';
        this._nextPingId = 1;
        this._framesSent = 0;
        this._framesReceived = 0;
        this._stopped = null;
        this._stop = null;
        this._stopPending = null;
        this._serverError = null;
        this._close = null;
        this._socket = socket;
        this.session = session;
        this.sampleRate = options.sampleRate;
        this.channels = options.channels;
        this.encoding = encoding;
        this.onAudio = options.onAudio ?? null;
        this.onPacket = options.onPacket ?? null;
        this.onEvent = options.onEvent ?? null;
        let settle;
        this.closed = new Promise((resolve, reject) => {
            settle = { resolve, reject };
        });
        this.closed.catch(() => undefined);
        this._settleClosed = settle;
    }
    /** Where the session is: `open` until {@link stop} or a close, `stopping` until the server closes, then `closed`. */
    get state() {
        return this._state;
    }
    /** Audio messages sent so far. */
    get framesSent() {
        return this._framesSent;
    }
    /** Audio messages received so far. */
    get framesReceived() {
        return this._framesReceived;
    }
    /** Bytes queued in the WebSocket and not yet sent: a sender faster than real time can wait on it. */
    get bufferedAmount() {
        return this._socket.bufferedAmount;
    }
    /**
     * Opens a session: connects to `url`'s `/media` (see {@link mediaUrl}), sends `start` and resolves once
     * the server answers `started`. Rejects with an {@link AkkaMediaError} carrying the server's message and
     * close code when the server refuses (a bad rate or channel count: 1008; at its session limit: 1013)
     * or the connection fails (1006).
     */
    static connect(url, options) {
        const encoding = options.encoding ?? 'pcm16';
        const global = typeof WebSocket === 'undefined' ? undefined : WebSocket;
        const Socket = options.WebSocket ?? global;
        if (Socket === undefined) {
            return Promise.reject(new TypeError('No WebSocket here: on Node.js 20 and 21 run node with --experimental-websocket, or pass options.WebSocket (the ws package\'s, for one).'));
        }
        let address;
        let socket;
        try {
            address = mediaUrl(url, options.token);
            socket = new Socket(address);
            socket.binaryType = 'arraybuffer';
        }
        catch (error) {
            return Promise.reject(error);
        }
        return new Promise((resolve, reject) => {
            let client = null;
            let serverError = null;
            socket.addEventListener('open', () => {
                socket.send(JSON.stringify({ type: 'start', sampleRate: options.sampleRate, channels: options.channels, encoding }));
            });
            socket.addEventListener('message', (event) => {
                if (client !== null) {
                    client._onMessage(event.data);
                    return;
                }
                const message = typeof event.data === 'string' ? parse(event.data) : null;
                if (message?.type === 'started') {
                    client = new AkkaMediaClient(socket, String(message['session']), options, encoding);
                    resolve(client);
                }
                else if (message?.type === 'error') {
                    serverError = String(message['message']);
                }
            });
            socket.addEventListener('close', (event) => {
                if (client !== null) {
                    client._onClose(event.code, event.reason);
                }
                else {
                    reject(new AkkaMediaError(serverError ?? (event.reason || `The connection to ${address} closed (${event.code}) before the session started.`), event.code, event.reason));
                }
            });
            socket.addEventListener('error', () => {
                // Browsers follow an error with a close (1006 when the connection failed); Node 20's
                // WebSocket does not when it could not connect at all (an HTTP refusal, no server).
                if (client === null && socket.readyState === 0) {
                    reject(new AkkaMediaError(`Could not open a WebSocket to ${address} (no server there, or it refused the upgrade).`, 1006));
                }
            });
        });
    }
    /**
     * Sends interleaved PCM16 samples as one binary message: any number of whole sample frames
     * (`samples.length` a multiple of {@link channels}), at most the server's message limit (64 KiB by default).
     * Throws a RangeError for a torn sample frame, an Error when the session is not `open` or not `pcm16`.
     */
    sendPcm16(samples) {
        this._expectOpen('pcm16');
        if (samples.length % this.channels !== 0) {
            throw new RangeError(`${samples.length} samples are not a whole number of ${this.channels}-channel sample frames.`);
        }
        this._socket.send(LITTLE_ENDIAN ? samples : toLittleEndian(samples));
        this._framesSent++;
    }
    /** Sends Float32 samples (nominal -1..1) as PCM16, converted by {@link float32ToPcm16}; as {@link sendPcm16} otherwise. */
    sendFloat32(samples) {
        this._expectOpen('pcm16');
        this.sendPcm16(float32ToPcm16(samples));
    }
    /**
     * Sends one binary message as it is: an Opus packet of 20 ms in an `opus` session, little-endian PCM16
     * bytes in a `pcm16` session. The server validates it (a torn sample frame or an undecodable packet
     * closes the session with 1008).
     */
    sendPacket(packet) {
        this._expectOpen(null);
        this._socket.send(packet);
        this._framesSent++;
    }
    /** Sends a `ping` and resolves with the round trip in milliseconds when its `pong` arrives; rejects if the session ends first. */
    ping() {
        if (this._state === 'closed') {
            return Promise.reject(this._closedError());
        }
        const id = this._nextPingId++;
        return new Promise((resolve, reject) => {
            this._pings.set(id, { resolve, reject, sentAt: performance.now() });
            this._socket.send(JSON.stringify({ type: 'ping', id }));
        });
    }
    /**
     * Ends the input: the pipeline flushes, the remaining audio and events arrive (through the callbacks,
     * before this resolves), then the server's counts and its 1000 close. Resolves with the counts once the
     * connection has closed; rejects with an {@link AkkaMediaError} when the session fails instead. Calling
     * it again returns the same promise.
     */
    stop() {
        if (this._stop !== null) {
            return this._stop;
        }
        if (this._state === 'closed') {
            this._stop = Promise.reject(this._closedError());
            this._stop.catch(() => undefined);
            return this._stop;
        }
        this._stop = new Promise((resolve, reject) => {
            this._stopPending = { resolve, reject };
        });
        this._state = 'stopping';
        this._socket.send(JSON.stringify({ type: 'stop' }));
        return this._stop;
    }
    /**
     * Closes the connection at once, without flushing: the server stops the session and releases its
     * stages. {@link closed} resolves with this close.
     */
    close(code = 1000, reason = '') {
        if (this._state !== 'closed') {
            this._socket.close(code, reason);
        }
    }
    _expectOpen(encoding) {
        if (this._state !== 'open') {
            throw new Error(`The session ${this.session} is ${this._state}: no more audio can be sent.`);
        }
        if (encoding !== null && encoding !== this.encoding) {
            throw new Error(`The session ${this.session} is ${this.encoding}: send its packets with sendPacket.`);
        }
    }
    _onMessage(data) {
        if (typeof data === 'string') {
            const message = parse(data);
            if (message !== null) {
                this._onText(message);
            }
            return;
        }
        const bytes = asBytes(data);
        if (bytes === null) {
            return;
        }
        this._framesReceived++;
        if (this.encoding === 'opus') {
            invoke(this.onPacket, bytes);
        }
        else {
            invoke(this.onAudio, toInt16(bytes));
        }
    }
    _onText(message) {
        switch (message.type) {
            case 'pong': {
                const id = Number(message['id']);
                const ping = this._pings.get(id);
                if (ping !== undefined) {
                    this._pings.delete(id);
                    ping.resolve(performance.now() - ping.sentAt);
                }
                return;
            }
            case 'stopped':
                this._stopped = { framesIn: Number(message['framesIn']), framesOut: Number(message['framesOut']) };
                return;
            case 'error':
                this._serverError = String(message['message']);
                return;
            case 'started':
                return;
            default:
                invoke(this.onEvent, message);
        }
    }
    _onClose(code, reason) {
        this._state = 'closed';
        this._close = { code, reason };
        const error = code === 1000 && this._serverError === null ? null : this._closedError();
        for (const ping of this._pings.values()) {
            ping.reject(error ?? new AkkaMediaError(`The session ${this.session} ended before the pong.`, code, reason));
        }
        this._pings.clear();
        if (this._stopPending !== null) {
            if (error === null && this._stopped !== null) {
                this._stopPending.resolve(this._stopped);
            }
            else {
                this._stopPending.reject(error ?? new AkkaMediaError(`The session ${this.session} ended (${code}) before it answered stop.`, code, reason));
            }
        }
        if (error === null) {
            this._settleClosed.resolve({ code, reason, stopped: this._stopped });
        }
        else {
            this._settleClosed.reject(error);
        }
    }
    _closedError() {
        const { code, reason } = this._close ?? { code: 1006, reason: '' };
        const message = this._serverError ?? (reason || `The session ${this.session} closed (${code}).`);
        return new AkkaMediaError(message, code, reason);
    }
}
function parse(text) {
    try {
        const value = JSON.parse(text);
        return typeof value === 'object' && value !== null && typeof value.type === 'string'
            ? value
            : null;
    }
    catch {
        return null;
    }
}
function asBytes(data) {
    if (data instanceof ArrayBuffer) {
        return new Uint8Array(data);
    }
    if (ArrayBuffer.isView(data)) {
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    return null;
}
function toInt16(bytes) {
    const count = bytes.byteLength >> 1;
    if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
        return new Int16Array(bytes.buffer, bytes.byteOffset, count);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++) {
        out[i] = view.getInt16(i * 2, true);
    }
    return out;
}
function toLittleEndian(samples) {
    const out = new Uint8Array(samples.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) {
        view.setInt16(i * 2, samples[i], true);
    }
    return out;
}
function invoke(callback, value) {
    if (callback === null) {
        return;
    }
    try {
        callback(value);
    }
    catch (error) {
        const report = globalThis.reportError;
        if (report !== undefined) {
            report(error);
        }
        else {
            console.error(error);
        }
    }
}
