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

/** How binary messages carry audio, in both directions. */
export type Encoding = 'pcm16' | 'opus';

/** Where a {@link AkkaMediaClient} is in its session's life. */
export type ClientState = 'connecting' | 'open' | 'stopping' | 'closed';

/**
 * The part of a WebSocket the client uses: the browser's and Node's global `WebSocket` have it, and
 * so does the `ws` package's.
 */
export interface WebSocketLike {
    binaryType: string;
    readonly readyState: number;
    readonly bufferedAmount: number;
    send(data: string | ArrayBuffer | ArrayBufferView): void;
    close(code?: number, reason?: string): void;
    // `any`: the event objects differ between implementations (the DOM's, the ws package's).
    addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

/** A WebSocket constructor, for {@link ConnectOptions.WebSocket}. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The settings of {@link AkkaMediaClient.connect}. */
export interface ConnectOptions {
    /** Samples per second per channel, both directions: 8000 to 192000 (Opus: 8000, 12000, 16000, 24000 or 48000). */
    sampleRate: number;
    /** Interleaved channels, both directions: 1 to 8 (Opus: 1 or 2). */
    channels: number;
    /** `pcm16` (the default) or `opus` (pre-encoded 20 ms packets through {@link AkkaMediaClient.sendPacket}). */
    encoding?: Encoding;
    /** The server's token, when it requires one (sent as `?token=`, as browsers cannot set WebSocket headers). */
    token?: string;
    /** The WebSocket constructor to use; the global `WebSocket` by default. */
    WebSocket?: WebSocketConstructor;
    /**
     * Received audio of a `pcm16` session, set before the first packet can arrive (the same as setting
     * {@link AkkaMediaClient.onAudio} once connected).
     */
    onAudio?: (samples: Int16Array) => void;
    /** Received packets of an `opus` session (see {@link AkkaMediaClient.onPacket}). */
    onPacket?: (packet: Uint8Array) => void;
    /** Server events (see {@link AkkaMediaClient.onEvent}). */
    onEvent?: (event: ServerEvent) => void;
}

/** An event a stage of the pipeline emitted, or one the edge reports. Ignore types you do not know. */
export interface ServerEvent {
    /** `vad`, `text`, `dropped`, or the camel-case type name of any other element a stage emitted. */
    readonly type: string;
    readonly [field: string]: unknown;
}

/** A VAD stage changed its decision (sent on changes only). */
export interface VadEvent extends ServerEvent {
    readonly type: 'vad';
    readonly speech: boolean;
    readonly energyDb: number;
    readonly timestampMs: number;
}

/** A stage emitted text. */
export interface TextEvent extends ServerEvent {
    readonly type: 'text';
    readonly text: string;
}

/**
 * The server dropped audio: `frames` outgoing 20 ms packets because this client did not read them in time, and
 * `incoming` of this client's audio messages because the server fell behind real time (`max-input-lag`).
 */
export interface DroppedEvent extends ServerEvent {
    readonly type: 'dropped';
    readonly frames: number;
    /** This client's audio messages dropped on the way in; absent when none were. */
    readonly incoming?: number;
    /** Events other than audio dropped for a slow reader; absent when none were. */
    readonly events?: number;
}

/** The server's counts of a session that ended with `stop`. */
export interface StopResult {
    /** Audio messages the server received from this client. */
    readonly framesIn: number;
    /** Audio messages (20 ms packets) the server sent to this client. */
    readonly framesOut: number;
}

/** How a session ended normally (close code 1000). */
export interface CloseResult {
    readonly code: number;
    readonly reason: string;
    /** The server's counts when the session ended with `stop`; null when the pipeline ended by itself or the client closed. */
    readonly stopped: StopResult | null;
}

/**
 * Why a session could not start or ended abnormally. The message is the server's `error` message when
 * it sent one (what to fix), otherwise the close reason or what the client saw.
 */
export class AkkaMediaError extends Error {
    /**
     * The WebSocket close code: 1008 (the client broke the protocol or a limit), 1011 (the pipeline failed),
     * 1013 (the server is at its session limit), 1006 (the connection failed or dropped without a close).
     */
    readonly code: number;

    /** The close frame's reason, possibly empty. */
    readonly reason: string;

    constructor(message: string, code: number, reason = '') {
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
export function float32ToPcm16(samples: Float32Array): Int16Array {
    const out = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
        const scaled = samples[i]! * 32768;
        let rounded = Math.round(scaled);
        if (rounded - scaled === 0.5 && rounded % 2 !== 0) {
            rounded -= 1;
        }

        out[i] = rounded >= 32767 ? 32767 : rounded <= -32768 ? -32768 : rounded || 0;
    }

    return out;
}

/** PCM16 samples to Float32: each divided by 32768 (exact; -32768 becomes -1). */
export function pcm16ToFloat32(samples: Int16Array): Float32Array {
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
        out[i] = samples[i]! / 32768;
    }

    return out;
}

/**
 * The `/media` URL of a server: `http(s)://host:port` or `ws(s)://host:port` alone means its
 * `/media`; a URL with a path is used as given (relative URLs resolve against the page).
 */
export function mediaUrl(url: string | URL, token?: string): string {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    const resolved = base === undefined ? new URL(url) : new URL(url, base);
    if (resolved.protocol === 'http:') {
        resolved.protocol = 'ws:';
    } else if (resolved.protocol === 'https:') {
        resolved.protocol = 'wss:';
    } else if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
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

interface Pending<T> {
    resolve(value: T): void;
    reject(error: Error): void;
}

/**
 * One session of a pipeline served over `/media`. Make it with {@link AkkaMediaClient.connect}. Callbacks
 * run on the event loop in the order the server's messages arrive; a callback that throws does not
 * break the session (the error is reported through `reportError` or the console).
 */
export class AkkaMediaClient {
    /** The server's name of this session (in its logs and metrics). */
    readonly session: string;
    /** The negotiated samples per second per channel. */
    readonly sampleRate: number;
    /** The negotiated channel count. */
    readonly channels: number;
    /** The negotiated encoding. */
    readonly encoding: Encoding;
    /**
     * Settles when the connection has closed: with the close (and `stop`'s counts) on a 1000 close,
     * rejected with an {@link AkkaMediaError} otherwise. Never reported as unhandled.
     */
    readonly closed: Promise<CloseResult>;

    /** Each received audio packet of a `pcm16` session (20 ms, interleaved), in order. The array is the caller's. */
    onAudio: ((samples: Int16Array) => void) | null;
    /** Each received packet of an `opus` session (one 20 ms Opus packet), in order. */
    onPacket: ((packet: Uint8Array) => void) | null;
    /** Each server event other than the protocol's own answers: `vad`, `text`, `dropped`, and types added later. */
    onEvent: ((event: ServerEvent) => void) | null;

    private readonly _socket: WebSocketLike;
    private readonly _pings = new Map<number, Pending<number> & { sentAt: number }>();
    private readonly _settleClosed: Pending<CloseResult>;
    private _state: ClientState = 'open';
    private _nextPingId = 1;
    private _framesSent = 0;
    private _framesReceived = 0;
    private _stopped: StopResult | null = null;
    private _stop: Promise<StopResult> | null = null;
    private _stopPending: Pending<StopResult> | null = null;
    private _serverError: string | null = null;
    private _close: { code: number; reason: string } | null = null;

    private constructor(socket: WebSocketLike, session: string, options: ConnectOptions, encoding: Encoding) {
        this._socket = socket;
        this.session = session;
        this.sampleRate = options.sampleRate;
        this.channels = options.channels;
        this.encoding = encoding;
        this.onAudio = options.onAudio ?? null;
        this.onPacket = options.onPacket ?? null;
        this.onEvent = options.onEvent ?? null;
        let settle: Pending<CloseResult> | undefined;
        this.closed = new Promise<CloseResult>((resolve, reject) => {
            settle = { resolve, reject };
        });
        this.closed.catch(() => undefined);
        this._settleClosed = settle!;
    }

    /** Where the session is: `open` until {@link stop} or a close, `stopping` until the server closes, then `closed`. */
    get state(): ClientState {
        return this._state;
    }

    /** Audio messages sent so far. */
    get framesSent(): number {
        return this._framesSent;
    }

    /** Audio messages received so far. */
    get framesReceived(): number {
        return this._framesReceived;
    }

    /** Bytes queued in the WebSocket and not yet sent: a sender faster than real time can wait on it. */
    get bufferedAmount(): number {
        return this._socket.bufferedAmount;
    }

    /**
     * Opens a session: connects to `url`'s `/media` (see {@link mediaUrl}), sends `start` and resolves once
     * the server answers `started`. Rejects with an {@link AkkaMediaError} carrying the server's message and
     * close code when the server refuses (a bad rate or channel count: 1008; at its session limit: 1013)
     * or the connection fails (1006).
     */
    static connect(url: string | URL, options: ConnectOptions): Promise<AkkaMediaClient> {
        const encoding = options.encoding ?? 'pcm16';
        const global: WebSocketConstructor | undefined = typeof WebSocket === 'undefined' ? undefined : WebSocket;
        const Socket = options.WebSocket ?? global;
        if (Socket === undefined) {
            return Promise.reject(new TypeError(
                'No WebSocket here: on Node.js 20 and 21 run node with --experimental-websocket, or pass options.WebSocket (the ws package\'s, for one).'));
        }

        let address: string;
        let socket: WebSocketLike;
        try {
            address = mediaUrl(url, options.token);
            socket = new Socket(address);
            socket.binaryType = 'arraybuffer';
        } catch (error) {
            return Promise.reject(error);
        }

        return new Promise<AkkaMediaClient>((resolve, reject) => {
            let client: AkkaMediaClient | null = null;
            let serverError: string | null = null;
            socket.addEventListener('open', () => {
                socket.send(JSON.stringify({ type: 'start', sampleRate: options.sampleRate, channels: options.channels, encoding }));
            });
            socket.addEventListener('message', (event: MessageEvent) => {
                if (client !== null) {
                    client._onMessage(event.data);
                    return;
                }

                const message = typeof event.data === 'string' ? parse(event.data) : null;
                if (message?.type === 'started') {
                    client = new AkkaMediaClient(socket, String(message['session']), options, encoding);
                    resolve(client);
                } else if (message?.type === 'error') {
                    serverError = String(message['message']);
                }
            });
            socket.addEventListener('close', (event: CloseEvent) => {
                if (client !== null) {
                    client._onClose(event.code, event.reason);
                } else {
                    reject(new AkkaMediaError(
                        serverError ?? (event.reason || `The connection to ${address} closed (${event.code}) before the session started.`),
                        event.code,
                        event.reason));
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
    sendPcm16(samples: Int16Array): void {
        this._expectOpen('pcm16');
        if (samples.length % this.channels !== 0) {
            throw new RangeError(`${samples.length} samples are not a whole number of ${this.channels}-channel sample frames.`);
        }

        this._socket.send(LITTLE_ENDIAN ? samples : toLittleEndian(samples));
        this._framesSent++;
    }

    /** Sends Float32 samples (nominal -1..1) as PCM16, converted by {@link float32ToPcm16}; as {@link sendPcm16} otherwise. */
    sendFloat32(samples: Float32Array): void {
        this._expectOpen('pcm16');
        this.sendPcm16(float32ToPcm16(samples));
    }

    /**
     * Sends one binary message as it is: an Opus packet of 20 ms in an `opus` session, little-endian PCM16
     * bytes in a `pcm16` session. The server validates it (a torn sample frame or an undecodable packet
     * closes the session with 1008).
     */
    sendPacket(packet: Uint8Array): void {
        this._expectOpen(null);
        this._socket.send(packet);
        this._framesSent++;
    }

    /** Sends a `ping` and resolves with the round trip in milliseconds when its `pong` arrives; rejects if the session ends first. */
    ping(): Promise<number> {
        if (this._state === 'closed') {
            return Promise.reject(this._closedError());
        }

        const id = this._nextPingId++;
        return new Promise<number>((resolve, reject) => {
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
    stop(): Promise<StopResult> {
        if (this._stop !== null) {
            return this._stop;
        }

        if (this._state === 'closed') {
            this._stop = Promise.reject(this._closedError());
            this._stop.catch(() => undefined);
            return this._stop;
        }

        this._stop = new Promise<StopResult>((resolve, reject) => {
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
    close(code = 1000, reason = ''): void {
        if (this._state !== 'closed') {
            this._socket.close(code, reason);
        }
    }

    private _expectOpen(encoding: Encoding | null): void {
        if (this._state !== 'open') {
            throw new Error(`The session ${this.session} is ${this._state}: no more audio can be sent.`);
        }

        if (encoding !== null && encoding !== this.encoding) {
            throw new Error(`The session ${this.session} is ${this.encoding}: send its packets with sendPacket.`);
        }
    }

    private _onMessage(data: unknown): void {
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
        } else {
            invoke(this.onAudio, toInt16(bytes));
        }
    }

    private _onText(message: ServerEvent): void {
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

    private _onClose(code: number, reason: string): void {
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
            } else {
                this._stopPending.reject(error ?? new AkkaMediaError(`The session ${this.session} ended (${code}) before it answered stop.`, code, reason));
            }
        }

        if (error === null) {
            this._settleClosed.resolve({ code, reason, stopped: this._stopped });
        } else {
            this._settleClosed.reject(error);
        }
    }

    private _closedError(): AkkaMediaError {
        const { code, reason } = this._close ?? { code: 1006, reason: '' };
        const message = this._serverError ?? (reason || `The session ${this.session} closed (${code}).`);
        return new AkkaMediaError(message, code, reason);
    }
}

function parse(text: string): ServerEvent | null {
    try {
        const value: unknown = JSON.parse(text);
        return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
            ? value as ServerEvent
            : null;
    } catch {
        return null;
    }
}

function asBytes(data: unknown): Uint8Array | null {
    if (data instanceof ArrayBuffer) {
        return new Uint8Array(data);
    }

    if (ArrayBuffer.isView(data)) {
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }

    return null;
}

function toInt16(bytes: Uint8Array): Int16Array {
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

function toLittleEndian(samples: Int16Array): Uint8Array {
    const out = new Uint8Array(samples.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) {
        view.setInt16(i * 2, samples[i]!, true);
    }

    return out;
}

function invoke<T>(callback: ((value: T) => void) | null, value: T): void {
    if (callback === null) {
        return;
    }

    try {
        callback(value);
    } catch (error) {
        const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
        if (report !== undefined) {
            report(error);
        } else {
            console.error(error);
        }
    }
}
