using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Packages;

/// <summary>
/// Serves uploads into an executor's <see cref="PackageStore"/> (child <c>packages</c> of the executor actor, which
/// forwards <see cref="OfferPackage"/> and <see cref="UploadPackage"/> to it). Answers an offer with the hashes the store
/// lacks, or refuses a package over <c>max-package-bytes</c>; runs each upload's chunk stream into a
/// <see cref="PackageUpload"/> and answers <see cref="PackageUploaded"/> or <see cref="PackageRejected"/> to the sender.
/// An upload that stalls for <c>upload-idle-timeout</c> is abandoned. Counts cache hits and misses per offered assembly,
/// the bytes of completed uploads, and every refused offer or upload as an error of kind <c>upload_rejected</c>.
/// Admission (<see cref="CodeAdmission"/>) comes first: an offer or upload from a sender without the required role, or an
/// offer whose manifest is not signed as required, is refused before anything is stored. When signatures are required
/// an upload is taken only for an admitted offer (same upload id, same node) and only entries of that offer's manifest.
/// One client node (keyed by its address) runs at most <c>max-concurrent-uploads-per-client</c> uploads at once; a further one is refused.
/// </summary>
internal sealed class PackageStoreActor : ReceiveActor
{
    /// <summary>The actor's name under the executor actor.</summary>
    public const string Name = "packages";

    /// <summary>Admitted offers remembered for their uploads when signatures are required; the oldest go beyond this many.</summary>
    internal const int MaxAdmittedOffers = 1024;

    private readonly PackageStore _store;
    private const string MaxUploadsKey = "akka-media.executor.packages.max-concurrent-uploads-per-client";

    private readonly TimeSpan _idleTimeout;
    private readonly CodeAdmission _admission;
    private readonly Dictionary<string, (Address Sender, HashSet<PackageEntry> Entries)> _admittedOffers = new(StringComparer.Ordinal);
    private readonly Queue<string> _offerOrder = new();
    private readonly int _maxUploadsPerClient;
    private readonly Dictionary<Address, int> _uploadsByClient = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer(namePrefix: "package-upload");
    private readonly ExecutorMetrics _metrics = ExecutorMetrics.Get(Context.System);

    public PackageStoreActor(PackageStore store, PackageStoreSettings settings, CodeAdmission admission)
    {
        _store = store;
        _idleTimeout = settings.UploadIdleTimeout;
        _maxUploadsPerClient = settings.MaxConcurrentUploadsPerClient;
        _admission = admission;
        Receive<OfferPackage>(offer => Sender.Tell(Offer(offer)));
        Receive<UploadPackage>(Upload);
        Receive<UploadEnded>(ended => Release(ended.Client));
    }

    public static Props Props(PackageStore store, PackageStoreSettings settings, CodeAdmission admission) =>
        Akka.Actor.Props.Create(() => new PackageStoreActor(store, settings, admission));

    private void Release(Address client)
    {
        if (_uploadsByClient.TryGetValue(client, out var running) && running > 1)
        {
            _uploadsByClient[client] = running - 1;
        }
        else
        {
            _uploadsByClient.Remove(client);
        }
    }

    private object Offer(OfferPackage offer)
    {
        if (_admission.Refusal(Sender, offer.EntryAssembly, offer.Entries, offer.Signature) is { } refusal)
        {
            _log.Warning("Refused package {0} of {1}: {2}", offer.UploadId, offer.EntryAssembly, refusal);
            _metrics.Error(ExecutorErrorKind.UploadRejected);
            return new PackageRejected(offer.UploadId, refusal);
        }

        var total = offer.Entries.Sum(e => e.Length);
        if (total > _store.MaxPackageBytes)
        {
            _log.Warning("Refused package {0} of {1} ({2} bytes): over max-package-bytes", offer.UploadId, offer.EntryAssembly, total);
            _metrics.Error(ExecutorErrorKind.UploadRejected);
            return new PackageRejected(offer.UploadId, _store.OverLimit(total));
        }

        var missing = _store.Missing(offer.Entries);
        var offered = offer.Entries.Select(static e => e.Sha256).Distinct(StringComparer.Ordinal).Count();
        _metrics.Offered(hits: offered - missing.Count, misses: missing.Count);
        if (_admission.RequiresSignature && missing.Count > 0)
        {
            RememberOffer(offer);
        }

        return new PackageNeeds(offer.UploadId, missing);
    }

    /// <summary>Keeps what a signed offer admitted for its upload, forgetting the oldest offer beyond <see cref="MaxAdmittedOffers"/>.</summary>
    private void RememberOffer(OfferPackage offer)
    {
        if (_admittedOffers.ContainsKey(offer.UploadId))
        {
            return;
        }

        while (_offerOrder.Count >= MaxAdmittedOffers)
        {
            _admittedOffers.Remove(_offerOrder.Dequeue());
        }

        _offerOrder.Enqueue(offer.UploadId);
        _admittedOffers.Add(offer.UploadId, (Sender.Path.Address, offer.Entries.ToHashSet()));
    }

    /// <summary>Why <paramref name="request"/> may not upload (its sender's role, or no admitted offer covers it); null when it may.</summary>
    private string? UploadRefusal(UploadPackage request)
    {
        if (_admission.RoleRefusal(Sender) is { } refusal)
        {
            return refusal;
        }

        if (!_admission.RequiresSignature)
        {
            return null;
        }

        // An offer is used once; the ids are random per upload.
        if (!_admittedOffers.Remove(request.UploadId, out var offer))
        {
            return $"Upload {request.UploadId} refused: {AdmissionSettings.Section}.require-signature = on and no signed offer of this upload was admitted (offer the signed manifest first).";
        }

        if (offer.Sender != Sender.Path.Address)
        {
            return $"Upload {request.UploadId} refused: {AdmissionSettings.Section}.require-signature = on and its offer came from another node ({offer.Sender}).";
        }

        return request.Entries.FirstOrDefault(e => !offer.Entries.Contains(e)) is { } extra
            ? $"Upload {request.UploadId} refused: {AdmissionSettings.Section}.require-signature = on and {extra.Name} ({extra.Sha256}) is not in the signed manifest of its offer."
            : null;
    }

    private void Upload(UploadPackage request)
    {
        var client = Sender.Path.Address;
        var running = _uploadsByClient.GetValueOrDefault(client);
        if (running >= _maxUploadsPerClient)
        {
            request.Chunks.Source.RunWith(Sink.Cancelled<PackageChunk>(), _materializer);
            var refusal = $"Upload refused: client {client} already runs {running} uploads to this executor, its most ({MaxUploadsKey} = {_maxUploadsPerClient}); retry when one has ended.";
            _log.Warning("Refused upload {0} of {1}: it already runs {2} uploads ({3})", request.UploadId, client, running, MaxUploadsKey);
            _metrics.Error(ExecutorErrorKind.UploadRejected);
            Sender.Tell(new PackageRejected(request.UploadId, refusal));
            return;
        }

        PackageUpload upload;
        try
        {
            if (UploadRefusal(request) is { } refusal)
            {
                throw new PackageRejectedException(refusal);
            }

            upload = _store.BeginUpload(request.UploadId, request.Entries);
        }
        catch (PackageRejectedException e)
        {
            request.Chunks.Source.RunWith(Sink.Cancelled<PackageChunk>(), _materializer);
            _log.Warning("Refused upload {0}: {1}", request.UploadId, e.Reason);
            _metrics.Error(ExecutorErrorKind.UploadRejected);
            Sender.Tell(new PackageRejected(request.UploadId, e.Reason));
            return;
        }

        _uploadsByClient[client] = running + 1;
        var uploadId = request.UploadId;
        var log = _log;
        var metrics = _metrics;
        var self = Self;
        request.Chunks.Source
            .IdleTimeout(_idleTimeout)
            .RunForeach(upload.Write, _materializer)
            .ContinueWith(
                done =>
                {
                    // Before the reply: a client that starts its next upload on the reply finds its count already lowered.
                    self.Tell(new UploadEnded(client));
                    try
                    {
                        if (done.Exception is { } failure)
                        {
                            throw failure.GetBaseException();
                        }

                        upload.Complete();
                        metrics.Uploaded(upload.BytesReceived);
                        return (object)new PackageUploaded(uploadId, upload.EntryCount, upload.BytesReceived);
                    }
                    catch (Exception e)
                    {
                        upload.Dispose();
                        var reason = e switch
                        {
                            PackageRejectedException rejected => rejected.Reason,
                            TimeoutException => $"Upload rejected, nothing was cached: no chunk arrived for {_idleTimeout.TotalSeconds:0.###} s.",
                            _ => $"Upload rejected, nothing was cached: {e.Message}",
                        };
                        log.Warning("Upload {0} failed after {1} bytes: {2}", uploadId, upload.BytesReceived, reason);
                        metrics.Error(ExecutorErrorKind.UploadRejected);
                        return new PackageRejected(uploadId, reason);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)
            .PipeTo(Sender);
    }

    /// <summary>An upload of <paramref name="Client"/> has ended, whichever way: its slot is free.</summary>
    private sealed record UploadEnded(Address Client);
}
