// The page's player: a jitter buffer in front of the speakers. Float32Arrays posted to its port are
// queued; playing starts (and restarts after running dry) once `targetSamples` are queued, and when
// more than `maxSamples` are queued the oldest are dropped down to the target, so latency stays
// bounded. A { flush: true } message empties the queue (barge-in). Posts { bufferedSamples, underruns,
// droppedSamples } about four times a second.
class PlaybackProcessor extends AudioWorkletProcessor {
    constructor(options) {
        super();
        this.target = options.processorOptions.targetSamples;
        this.max = options.processorOptions.maxSamples;
        this.queue = [];
        this.offset = 0; // samples of queue[0] already played
        this.queued = 0;
        this.playing = false;
        this.underruns = 0;
        this.droppedSamples = 0;
        this.sinceReport = 0;
        this.port.onmessage = event => {
            if (event.data instanceof Float32Array) {
                this.enqueue(event.data);
            } else if (event.data?.flush) {
                this.flush();
            }
        };
    }

    enqueue(samples) {
        this.queue.push(samples);
        this.queued += samples.length;
        if (this.queued > this.max) {
            this.dropDownTo(this.target);
        }
    }

    // Barge-in: the reply was cut at the server; forget what is queued of it.
    flush() {
        this.queue = [];
        this.offset = 0;
        this.queued = 0;
        this.playing = false;
    }

    dropDownTo(level) {
        while (this.queued > level) {
            const head = this.queue[0];
            const drop = Math.min(head.length - this.offset, this.queued - level);
            this.offset += drop;
            this.queued -= drop;
            this.droppedSamples += drop;
            if (this.offset === head.length) {
                this.queue.shift();
                this.offset = 0;
            }
        }
    }

    process(_, outputs) {
        const output = outputs[0];
        const out = output[0];
        out.fill(0);
        if (!this.playing && this.queued >= this.target) {
            this.playing = true;
        }

        if (this.playing) {
            let written = 0;
            while (written < out.length && this.queue.length > 0) {
                const head = this.queue[0];
                const count = Math.min(out.length - written, head.length - this.offset);
                out.set(head.subarray(this.offset, this.offset + count), written);
                written += count;
                this.offset += count;
                this.queued -= count;
                if (this.offset === head.length) {
                    this.queue.shift();
                    this.offset = 0;
                }
            }

            if (written < out.length) {
                this.playing = false; // ran dry: wait for the target again rather than stutter
                this.underruns++;
            }
        }

        for (let c = 1; c < output.length; c++) {
            output[c].set(out);
        }

        this.sinceReport += out.length;
        if (this.sinceReport >= sampleRate / 4) {
            this.sinceReport = 0;
            this.port.postMessage({ bufferedSamples: this.queued, underruns: this.underruns, droppedSamples: this.droppedSamples });
        }

        return true;
    }
}

registerProcessor('akka-media-playback', PlaybackProcessor);
