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
export declare class AkkaMediaError extends Error {
    /**
     * The WebSocket close code: 1008 (the client broke the protocol or a limit), 1011 (the pipeline failed),
     * 1013 (the server is at its session limit), 1006 (the connection failed or dropped without a close).
     */
    readonly code: number;
    /** The close frame's reason, possibly empty. */
    readonly reason: string;
    constructor(message: string, code: number, reason?: string);
}
/**
 * Float32 samples (nominal range -1..1) to PCM16 as the server converts its own: each is scaled by
 * 32768, rounded to the nearest integer (halves to even) and clamped to -32768..32767; NaN becomes 0.
 * So a PCM16 value `v` sent as `v / 32768` arrives as `v`.
 */
export declare function float32ToPcm16(samples: Float32Array): Int16Array;
/** PCM16 samples to Float32: each divided by 32768 (exact; -32768 becomes -1). */
export declare function pcm16ToFloat32(samples: Int16Array): Float32Array;
/**
 * The `/media` URL of a server: `http(s)://host:port` or `ws(s)://host:port` alone means its
 * `/media`; a URL with a path is used as given (relative URLs resolve against the page).
 */
export declare function mediaUrl(url: string | URL, token?: string): string;
/**
 * One session of a pipeline served over `/media`. Make it with {@link AkkaMediaClient.connect}. Callbacks
 * run on the event loop in the order the server's messages arrive; a callback that throws does not
 * break the session (the error is reported through `reportError` or the console).
 */
export declare class AkkaMediaClient {
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
    private readonly _socket;
    private readonly _pings;
    private readonly _settleClosed;
    private _state;
    private _nextPingId;
    private _framesSent;
    private _framesReceived;
    private _stopped;
    private _stop;
    private _stopPending;
    private _serverError;
    private _close;
    private constructor();
    /** Where the session is: `open` until {@link stop} or a close, `stopping` until the server closes, then `closed`. */
    get state(): ClientState;
    /** Audio messages sent so far. */
    get framesSent(): number;
    /** Audio messages received so far. */
    get framesReceived(): number;
    /** Bytes queued in the WebSocket and not yet sent: a sender faster than real time can wait on it. */
    get bufferedAmount(): number;
    /**
     * Opens a session: connects to `url`'s `/media` (see {@link mediaUrl}), sends `start` and resolves once
     * the server answers `started`. Rejects with an {@link AkkaMediaError} carrying the server's message and
     * close code when the server refuses (a bad rate or channel count: 1008; at its session limit: 1013)
     * or the connection fails (1006).
     */
    static connect(url: string | URL, options: ConnectOptions): Promise<AkkaMediaClient>;
    /**
     * Sends interleaved PCM16 samples as one binary message: any number of whole sample frames
     * (`samples.length` a multiple of {@link channels}), at most the server's message limit (64 KiB by default).
     * Throws a RangeError for a torn sample frame, an Error when the session is not `open` or not `pcm16`.
     */
    sendPcm16(samples: Int16Array): void;
    /** Sends Float32 samples (nominal -1..1) as PCM16, converted by {@link float32ToPcm16}; as {@link sendPcm16} otherwise. */
    sendFloat32(samples: Float32Array): void;
    /**
     * Sends one binary message as it is: an Opus packet of 20 ms in an `opus` session, little-endian PCM16
     * bytes in a `pcm16` session. The server validates it (a torn sample frame or an undecodable packet
     * closes the session with 1008).
     */
    sendPacket(packet: Uint8Array): void;
    /** Sends a `ping` and resolves with the round trip in milliseconds when its `pong` arrives; rejects if the session ends first. */
    ping(): Promise<number>;
    /**
     * Ends the input: the pipeline flushes, the remaining audio and events arrive (through the callbacks,
     * before this resolves), then the server's counts and its 1000 close. Resolves with the counts once the
     * connection has closed; rejects with an {@link AkkaMediaError} when the session fails instead. Calling
     * it again returns the same promise.
     */
    stop(): Promise<StopResult>;
    /**
     * Closes the connection at once, without flushing: the server stops the session and releases its
     * stages. {@link closed} resolves with this close.
     */
    close(code?: number, reason?: string): void;
    private _expectOpen;
    private _onMessage;
    private _onText;
    private _onClose;
    private _closedError;
}
