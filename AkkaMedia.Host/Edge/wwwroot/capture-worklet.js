// The page's microphone tap: mixes the input to mono and posts it in blocks of `samplesPerPacket`
// samples (20 ms at the context's rate) as Float32Arrays, transferred. Posting 'stop' ends it.
class CaptureProcessor extends AudioWorkletProcessor {
    constructor(options) {
        super();
        this.size = options.processorOptions.samplesPerPacket;
        this.block = new Float32Array(this.size);
        this.filled = 0;
        this.active = true;
        this.port.onmessage = event => {
            if (event.data === 'stop') {
                this.active = false;
            }
        };
    }

    process(inputs) {
        const channels = inputs[0];
        if (!this.active) {
            return false;
        }

        if (channels.length === 0) {
            return true; // no input connected (yet): nothing was captured
        }

        const frames = channels[0].length;
        for (let i = 0; i < frames; i++) {
            let sum = 0;
            for (let c = 0; c < channels.length; c++) {
                sum += channels[c][i];
            }

            this.block[this.filled++] = sum / channels.length;
            if (this.filled === this.size) {
                this.port.postMessage(this.block, [this.block.buffer]);
                this.block = new Float32Array(this.size);
                this.filled = 0;
            }
        }

        return true;
    }
}

registerProcessor('akka-media-capture', CaptureProcessor);
