using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Streams;
using Akka.Streams.Stage;
using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Tts;

namespace AkkaMedia.Speech.Voice;

/// <summary>
/// The answering half of a voice loop: for each <see cref="Transcript"/> it speaks a templated reply with espeak-ng and
/// plays it at real time; when the user starts speaking (<see cref="SpeechStarted"/>) during a reply, the reply stops at
/// once (barge-in) and a <see cref="ReplyInterrupted"/> is sent.
/// </summary>
/// <remarks>
/// <para>Input: the events of voice activity detection and speech to text, in stream order; audio frames coming in are
/// dropped (the user's voice is not echoed). Output: every event, passed on at once (ahead of reply audio still to
/// play), a <see cref="VoiceReply"/> when a reply starts, a <see cref="TurnLatency"/> with its first frame, and the
/// reply as mono frames of 20 ms at <c>sample-rate</c>, released at real time with <c>lead</c> ahead of the clock so
/// that a barge-in leaves at most that much audio downstream. A transcript that arrives while a reply plays replaces
/// it. The upstream is always read, so events are never held behind audio.</para>
/// <para>Synthesis runs off the stream's thread. At end of stream the reply under way finishes playing, then the stage
/// completes. Per-turn latencies are also recorded in the <c>AkkaMedia.Speech</c> meter
/// (<c>voice.turn.transcript_seconds</c>, <c>voice.turn.first_audio_seconds</c>), which <c>/metrics</c> exports as
/// <c>akkamedia_speech_voice_turn_*_seconds</c> histograms.</para>
/// <para>Each turn is one <c>akkamedia.voice.turn</c> span (docs/telemetry.md), child of the trace the stream was
/// materialized in (on an executor: the session's span, so turns join the client's trace). It starts when the user's
/// speech ended (or at the transcript, without a speech segment before it) and ends when the reply has been sent,
/// was cut by a barge-in (<c>akkamedia.voice.interrupted</c> = true) or replaced by the next transcript, with the turn's
/// latencies as attributes. Nothing is created while nobody listens.</para>
/// </remarks>
internal sealed class VoiceResponderStage : GraphStage<FlowShape<object, object>>
{
    private static readonly Meter Meter = new(AkkaMediaTelemetry.SpeechMeterName);
    private static readonly Histogram<double> ToTranscript = Meter.CreateHistogram<double>(
        "voice.turn.transcript_seconds", "s", "Voice loop: end of the user's speech (as VAD declared it) to the transcript.");
    private static readonly Histogram<double> ToFirstAudio = Meter.CreateHistogram<double>(
        "voice.turn.first_audio_seconds", "s", "Voice loop: end of the user's speech (as VAD declared it) to the first frame of the spoken reply.");

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private const string PaceTimer = "pace";

    private readonly string _template;
    private readonly string _voice;
    private readonly int _wordsPerMinute;
    private readonly int _sampleRate;
    private readonly TimeSpan _lead;

    public VoiceResponderStage(string template, string voice, int wordsPerMinute, int sampleRate, TimeSpan lead)
    {
        _template = template;
        _voice = voice;
        _wordsPerMinute = wordsPerMinute;
        _sampleRate = sampleRate;
        _lead = lead;
        Shape = new FlowShape<object, object>(new Inlet<object>("VoiceResponder.in"), new Outlet<object>("VoiceResponder.out"));
    }

    public override FlowShape<object, object> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("VoiceResponder");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private readonly VoiceResponderStage _stage;
        private readonly Queue<object> _events = new();
        private readonly Queue<AudioFrame> _reply = new();
        private readonly SpeechFrames _frames;

        /// <summary>The trace the stream was materialized in: parent of the turns' spans.</summary>
        private readonly ActivityContext _trace = Activity.Current?.Context ?? default;
        private Activity? _turnSpan;
        private Action<(int Turn, float[] Audio)>? _synthesized;
        private Action<(int Turn, Exception Error)>? _failed;
        private int _turn;
        private int _answered;
        private bool _synthesizing;
        private long _replyStartedAt;
        private int _replyFramesSent;
        private long _speechEndedAt;
        private long _transcriptAt;
        private bool _upstreamDone;

        public Logic(VoiceResponderStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _frames = new SpeechFrames(stage._sampleRate, stage._sampleRate / 50);
            SetHandler(stage.Shape.Inlet, OnPush, OnUpstreamFinish);
            SetHandler(stage.Shape.Outlet, Drain);
        }

        private bool Playing => _synthesizing || _reply.Count > 0;

        public override void PreStart()
        {
            _synthesized = GetAsyncCallback<(int Turn, float[] Audio)>(OnSynthesized);
            _failed = GetAsyncCallback<(int Turn, Exception Error)>(r =>
            {
                var error = new NodeException("VoiceResponder", $"speak (turn {r.Turn})", r.Error);
                _turnSpan.Fail(error);
                FailStage(error);
            });
            ESpeakSynthesizer.CheckVoice(_stage._voice);
            Pull(_stage.Shape.Inlet);
        }

        public override void PostStop() => EndTurn(interrupted: false, "stream_ended");

        protected override void OnTimer(object timerKey) => Drain();

        private void OnPush()
        {
            var element = Grab(_stage.Shape.Inlet);
            switch (element)
            {
                case AudioFrame:
                    break;
                case SpeechStarted started:
                    if (Playing)
                    {
                        Interrupt();
                    }

                    _events.Enqueue(started);
                    break;
                case SpeechSegment segment:
                    _speechEndedAt = Stopwatch.GetTimestamp();
                    _events.Enqueue(segment);
                    break;
                case Transcript transcript:
                    _events.Enqueue(transcript);
                    _transcriptAt = Stopwatch.GetTimestamp();
                    if (transcript.Text.Length > 0)
                    {
                        Answer(transcript);
                    }

                    break;
                default:
                    _events.Enqueue(element);
                    break;
            }

            Pull(_stage.Shape.Inlet);
            Drain();
        }

        private void OnUpstreamFinish()
        {
            _upstreamDone = true;
            Drain();
        }

        private void Answer(Transcript transcript)
        {
            if (Playing)
            {
                Drop();
            }

            var text = _stage._template.Replace("{text}", transcript.Text, StringComparison.Ordinal);
            _events.Enqueue(new VoiceReply(text));
            var turn = ++_turn;
            StartTurn(++_answered, text);
            _synthesizing = true;
            var (voice, rate, sampleRate) = (_stage._voice, _stage._wordsPerMinute, _stage._sampleRate);
            _ = Task.Run(() =>
            {
                try
                {
                    _synthesized!((turn, SpeechSynthesis.Render(text, voice, rate, 50, sampleRate)));
                }
                catch (Exception e)
                {
                    _failed!((turn, e));
                }
            });
        }

        private void OnSynthesized((int Turn, float[] Audio) result)
        {
            if (result.Turn != _turn)
            {
                return; // interrupted or replaced while it was being synthesized
            }

            _synthesizing = false;
            foreach (var frame in _frames.Cut(result.Audio))
            {
                _reply.Enqueue(frame);
            }

            _replyStartedAt = Stopwatch.GetTimestamp();
            _replyFramesSent = 0;
            ScheduleRepeatedly(PaceTimer, Tick, Tick);
            Drain();
        }

        private void Interrupt()
        {
            var frame = TimeSpan.FromMilliseconds(20);
            var played = frame * _replyFramesSent;
            var dropped = frame * _reply.Count;
            var due = _replyFramesSent == 0 ? played : Stopwatch.GetElapsedTime(_replyStartedAt);
            var ahead = played > due ? played - due : TimeSpan.Zero;
            _turnSpan?.SetTag("akkamedia.voice.played_ms", played.TotalMilliseconds);
            _turnSpan?.SetTag("akkamedia.voice.dropped_ms", dropped.TotalMilliseconds);
            EndTurn(interrupted: true, null);
            Drop();
            _events.Enqueue(new ReplyInterrupted(played, dropped, ahead));
        }

        /// <summary>Starts the span of the <paramref name="turn"/>th transcript answered, back-dated to when the user's speech ended when that is known.</summary>
        private void StartTurn(int turn, string reply)
        {
            var span = MediaTracing.Start(MediaTracing.VoiceTurn, ActivityKind.Internal, _trace);
            if (span is null)
            {
                return;
            }

            if (_speechEndedAt > 0)
            {
                span.SetStartTime(DateTime.UtcNow - Stopwatch.GetElapsedTime(_speechEndedAt));
            }

            span.SetTag("akkamedia.voice.turn", turn);
            span.SetTag("akkamedia.voice.reply_chars", reply.Length);
            _turnSpan = span;
        }

        /// <summary>Ends the current turn's span: the reply was sent, cut (<paramref name="interrupted"/>) or ended another way (<paramref name="outcome"/>).</summary>
        private void EndTurn(bool interrupted, string? outcome)
        {
            if (_turnSpan is not { } span)
            {
                return;
            }

            span.SetTag("akkamedia.voice.interrupted", interrupted);
            if (outcome is not null)
            {
                span.SetTag(MediaTracing.OutcomeTag, outcome);
            }

            span.Stop();
            _turnSpan = null;
        }

        private void Drop()
        {
            EndTurn(interrupted: false, "replaced");
            _reply.Clear();
            _synthesizing = false;
            _turn++;
        }

        private void Drain()
        {
            var outlet = _stage.Shape.Outlet;
            if (IsAvailable(outlet))
            {
                if (_events.TryDequeue(out var next))
                {
                    Push(outlet, next);
                }
                else if (_reply.Count > 0 && Due())
                {
                    if (_replyFramesSent == 0 && _speechEndedAt > 0)
                    {
                        var now = Stopwatch.GetTimestamp();
                        var latency = new TurnLatency(Stopwatch.GetElapsedTime(_speechEndedAt, _transcriptAt), Stopwatch.GetElapsedTime(_speechEndedAt, now));
                        ToTranscript.Record(latency.ToTranscript.TotalSeconds);
                        ToFirstAudio.Record(latency.ToFirstAudio.TotalSeconds);
                        _turnSpan?.SetTag("akkamedia.voice.transcript_ms", latency.ToTranscript.TotalMilliseconds);
                        _turnSpan?.SetTag("akkamedia.voice.first_audio_ms", latency.ToFirstAudio.TotalMilliseconds);
                        _speechEndedAt = 0;
                        Push(outlet, latency);
                        return;
                    }

                    _replyFramesSent++;
                    Push(outlet, _reply.Dequeue());
                }
            }

            if (_reply.Count == 0)
            {
                CancelTimer(PaceTimer); // the clock ticks only while a reply plays
                if (!_synthesizing)
                {
                    EndTurn(interrupted: false, null);
                }
            }

            if (_upstreamDone && _events.Count == 0 && !Playing)
            {
                CompleteStage();
            }
        }

        /// <summary>Whether the next reply frame may leave: its play time minus the lead has come.</summary>
        private bool Due() =>
            Stopwatch.GetElapsedTime(_replyStartedAt) + _stage._lead >= TimeSpan.FromMilliseconds(20 * _replyFramesSent);
    }
}
