// The browser page of `akkamedia serve`: microphone → capture worklet (20 ms Float32 blocks at the
// audio context's rate) → PCM16 over /media → the pipeline → PCM16 back → playback worklet (jitter
// buffer) → speakers. Query: ?autostart=1 starts without a click; ?record=1 keeps what was sent and
// received (window.akkaMedia.recording()) and captures the microphone without the browser's echo
// cancellation, noise suppression and gain control; ?token=T passes the server's token.
// window.akkaMedia is the automation surface documented in docs/edge-protocol.md.
import { AkkaMediaClient, float32ToPcm16, pcm16ToFloat32 } from './akka-media.js';

const params = new URLSearchParams(location.search);
const recordMode = params.get('record') === '1';
const token = params.get('token') ?? undefined;
const jitterTargetMs = 60;
const jitterMaxMs = 200;

const status = {
    state: 'idle',
    framesSent: 0,
    framesReceived: 0,
    lastRttMs: null,
    droppedFrames: 0,
    error: null,
    session: null,
    sampleRate: null,
    playback: null,
    lastTurn: null,
    interruptions: 0,
    conversation: [],
};

const recorded = { sent: [], received: [] };
let run = null; // the resources of the session in progress

const view = Object.fromEntries(
    ['state', 'start', 'stop', 'error', 'notice', 'level-in', 'level-in-db', 'level-out', 'level-out-db', 'rtt', 'sent', 'received', 'buffer', 'rate', 'session', 'turn', 'conversation']
        .map(id => [id, document.getElementById(id)]));

window.akkaMedia = {
    /** 'idle' | 'connecting' | 'streaming' | 'stopped' | 'error' */
    get state() { return status.state; },
    /** 20 ms packets sent to the server. */
    get framesSent() { return status.framesSent; },
    /** 20 ms packets received from the server. */
    get framesReceived() { return status.framesReceived; },
    /** The last ping's round trip in milliseconds; null before the first pong. */
    get lastRttMs() { return status.lastRttMs; },
    /** 20 ms packets the server reported dropped for this page, either way ('dropped' events): gaps in the returned audio. */
    get droppedFrames() { return status.droppedFrames; },
    /** { message, code } when state is 'error', otherwise null. */
    get error() { return status.error; },
    get session() { return status.session; },
    get sampleRate() { return status.sampleRate; },
    /** The jitter buffer: { bufferedMs, underruns, droppedMs }; null before streaming. */
    get playback() { return status.playback; },
    get recordMode() { return recordMode; },
    /** A voice pipeline's last turn ('turn' event): { transcriptMs, firstAudioMs } from the end of speech; null before one. */
    get lastTurn() { return status.lastTurn; },
    /** Replies cut short because the user spoke over them ('interrupted' events). */
    get interruptions() { return status.interruptions; },
    /** What a voice pipeline heard and answered: [{ who: 'you' | 'reply', text }], oldest first. */
    get conversation() { return status.conversation.slice(); },
    start,
    stop,
    recording,
};

view.start.addEventListener('click', () => { start(); });
view.stop.addEventListener('click', () => { stop(); });
if (params.get('autostart') === '1') {
    start();
}

/** Starts a session: microphone, worklets, connection. Resolves once streaming (or failed: see state). */
async function start() {
    if (status.state === 'connecting' || status.state === 'streaming') {
        return;
    }

    Object.assign(status, { framesSent: 0, framesReceived: 0, lastRttMs: null, droppedFrames: 0, error: null, session: null, playback: null, lastTurn: null, interruptions: 0, conversation: [] });
    recorded.sent = [];
    recorded.received = [];
    showNotice(null);
    setState('connecting');
    const current = { context: null, stream: null, client: null, capture: null, pinger: 0 };
    run = current;
    try {
        current.context = new AudioContext({ latencyHint: 'interactive' });
        current.context.resume().catch(() => undefined);
        const rate = current.context.sampleRate;
        const packet = Math.floor(rate / 50);
        status.sampleRate = rate;
        current.stream = await navigator.mediaDevices.getUserMedia({
            audio: { channelCount: 1, echoCancellation: !recordMode, noiseSuppression: !recordMode, autoGainControl: !recordMode },
        });
        await current.context.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url));
        await current.context.audioWorklet.addModule(new URL('playback-worklet.js', import.meta.url));

        const playback = new AudioWorkletNode(current.context, 'akka-media-playback', {
            numberOfInputs: 0,
            outputChannelCount: [1],
            processorOptions: { targetSamples: Math.round(rate * jitterTargetMs / 1000), maxSamples: Math.round(rate * jitterMaxMs / 1000) },
        });
        playback.port.onmessage = ({ data }) => {
            status.playback = { bufferedMs: data.bufferedSamples * 1000 / rate, underruns: data.underruns, droppedMs: data.droppedSamples * 1000 / rate };
            render();
        };
        playback.connect(current.context.destination);

        current.client = await AkkaMediaClient.connect(new URL('media', location.href), {
            sampleRate: rate,
            channels: 1,
            ...(token === undefined ? {} : { token }),
            onAudio: samples => {
                if (run !== current) {
                    return;
                }

                status.framesReceived++;
                if (recordMode) {
                    recorded.received.push(samples);
                }

                const floats = pcm16ToFloat32(samples);
                showLevel(view['level-out'], view['level-out-db'], floats);
                playback.port.postMessage(floats, [floats.buffer]);
                render();
            },
            onEvent: event => {
                if (run !== current) {
                    return;
                }

                switch (event.type) {
                    case 'dropped':
                        // The server dropped packets this page did not read in time: the returned audio has a gap there.
                        status.droppedFrames += event.frames + (event.incoming ?? 0);
                        break;
                    case 'interrupted':
                        // Barge-in: the user spoke over the reply; what the jitter buffer still holds of it must not play.
                        status.interruptions++;
                        playback.port.postMessage({ flush: true });
                        break;
                    case 'transcript':
                        if (event.text) {
                            status.conversation.push({ who: 'you', text: event.text });
                        }
                        break;
                    case 'reply':
                        status.conversation.push({ who: 'reply', text: event.text });
                        break;
                    case 'turn':
                        status.lastTurn = { transcriptMs: event.transcriptMs, firstAudioMs: event.firstAudioMs };
                        break;
                    default:
                        return;
                }

                render();
            },
        });
        if (run !== current) {
            current.client.close();
            return;
        }

        status.session = current.client.session;
        current.client.closed.then(
            () => finish(current, 'stopped'),
            error => finish(current, 'error', error));

        const source = current.context.createMediaStreamSource(current.stream);
        current.capture = new AudioWorkletNode(current.context, 'akka-media-capture', {
            numberOfInputs: 1,
            numberOfOutputs: 1,
            outputChannelCount: [1],
            processorOptions: { samplesPerPacket: packet },
        });
        current.capture.port.onmessage = ({ data: block }) => {
            if (run !== current || current.client.state !== 'open') {
                return;
            }

            const samples = float32ToPcm16(block);
            current.client.sendPcm16(samples);
            status.framesSent++;
            if (recordMode) {
                recorded.sent.push(samples);
            }

            showLevel(view['level-in'], view['level-in-db'], block);
            render();
        };
        // The capture node outputs silence; it reaches the destination (muted) so that the graph pulls it.
        const mute = current.context.createGain();
        mute.gain.value = 0;
        source.connect(current.capture).connect(mute).connect(current.context.destination);

        current.pinger = setInterval(() => {
            current.client.ping().then(rtt => { status.lastRttMs = Math.round(rtt * 10) / 10; render(); }, () => undefined);
        }, 1000);
        setState('streaming');
        if (current.context.state !== 'running') {
            showNotice('The browser holds audio until you interact with the page: click anywhere.');
            document.addEventListener('click', () => current.context.resume().then(() => showNotice(null)), { once: true });
        }
    } catch (error) {
        await finish(current, 'error', error);
    }
}

/** Stops the session in progress: no more microphone audio, the pipeline flushes, the server's counts are shown. */
async function stop() {
    const current = run;
    if (current === null || status.state !== 'streaming') {
        return;
    }

    releaseMicrophone(current);
    try {
        const counts = await current.client.stop();
        showNotice(`Stopped: the server received ${counts.framesIn} packets and sent ${counts.framesOut}.`);
    } catch {
        // closed rejects as well: finish() reports the error.
    }
}

/**
 * What the session sent and received so far, when the page runs with ?record=1 (otherwise null):
 * { sampleRate, channels: 1, sent, received }, the samples as numbers in -1..1 (PCM16 / 32768), or
 * with format 'base64' as base64 of little-endian Float32.
 */
function recording(format = 'numbers') {
    if (!recordMode) {
        return null;
    }

    const sent = pcm16ToFloat32(concat(recorded.sent));
    const received = pcm16ToFloat32(concat(recorded.received));
    const encode = format === 'base64' ? base64 : samples => Array.from(samples);
    return { sampleRate: status.sampleRate, channels: 1, sent: encode(sent), received: encode(received) };
}

async function finish(current, state, error) {
    if (run !== current) {
        return;
    }

    run = null;
    clearInterval(current.pinger);
    releaseMicrophone(current);
    if (current.client !== null && current.client.state !== 'closed') {
        current.client.close();
    }

    if (state === 'error') {
        status.error = { message: error?.message ?? String(error), code: error?.code ?? null };
    }

    for (const [meter, label] of [['level-in', 'level-in-db'], ['level-out', 'level-out-db']]) {
        showLevel(view[meter], view[label], []);
    }

    setState(state);
    // The context plays out what the jitter buffer still holds, then goes.
    setTimeout(() => current.context?.close().catch(() => undefined), jitterMaxMs * 2);
}

function releaseMicrophone(current) {
    current.capture?.port.postMessage('stop');
    current.capture?.disconnect();
    current.stream?.getTracks().forEach(track => track.stop());
}

function setState(state) {
    status.state = state;
    render();
}

function render() {
    view.state.textContent = status.state;
    view.state.dataset.state = status.state;
    view.start.disabled = status.state === 'connecting' || status.state === 'streaming';
    view.stop.disabled = status.state !== 'streaming';
    view.start.textContent = status.state === 'stopped' || status.state === 'error' ? 'Start again' : 'Start';
    view.error.hidden = status.error === null;
    view.error.textContent = status.error === null
        ? ''
        : status.error.code === null ? status.error.message : `${status.error.message} (close code ${status.error.code})`;
    view.rtt.textContent = status.lastRttMs === null ? '–' : `${status.lastRttMs.toFixed(1)} ms`;
    view.sent.textContent = String(status.framesSent);
    view.received.textContent = String(status.framesReceived);
    view.buffer.textContent = status.playback === null ? '–' : `${Math.round(status.playback.bufferedMs)} ms`;
    view.rate.textContent = status.sampleRate === null ? '–' : `${status.sampleRate} Hz`;
    view.session.textContent = status.session ?? '–';
    view.session.title = status.session ?? '';
    view.turn.textContent = status.lastTurn === null ? '–' : `${Math.round(status.lastTurn.firstAudioMs)} ms`;
    view.turn.title = status.lastTurn === null ? '' : `end of speech → transcript ${Math.round(status.lastTurn.transcriptMs)} ms, → first reply audio ${Math.round(status.lastTurn.firstAudioMs)} ms`;
    view.conversation.hidden = status.conversation.length === 0;
    if (view.conversation.childElementCount !== status.conversation.length) {
        view.conversation.replaceChildren(...status.conversation.slice(-8).map(({ who, text }) => {
            const line = document.createElement('li');
            line.className = who;
            line.textContent = text;
            return line;
        }));
    }
}

function showNotice(text) {
    view.notice.hidden = text === null;
    view.notice.textContent = text ?? '';
}

function showLevel(meter, label, samples) {
    let peak = 0;
    for (const s of samples) {
        peak = Math.max(peak, Math.abs(s));
    }

    const db = peak > 0 ? Math.max(-60, 20 * Math.log10(peak)) : -60;
    meter.value = db;
    label.textContent = db <= -60 ? '–' : `${db.toFixed(0)} dB`;
}

function concat(chunks) {
    const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.length;
    }

    return all;
}

function base64(floats) {
    const bytes = new Uint8Array(floats.length * 4);
    const data = new DataView(bytes.buffer);
    floats.forEach((value, i) => data.setFloat32(i * 4, value, true));
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }

    return btoa(text);
}

render();
