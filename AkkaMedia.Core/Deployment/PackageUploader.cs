using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Deployment;

/// <summary>
/// Sends a <see cref="CodePackage"/> to an executor's package store, content-addressed: only the entries the store
/// lacks move, as chunks of at most 64 KiB over a stream ref (never one large message: Akka.Remote drops messages
/// over its frame size without telling the receiver). A package the store already holds costs one round trip and
/// no bytes.
/// </summary>
/// <remarks>
/// <para>Protocol: the manifest is offered; the store answers with the hashes it lacks (or refuses a package over
/// its <c>max-package-bytes</c> before anything is sent); the missing bytes stream in manifest order; the store
/// verifies each entry's length and SHA-256 and caches all of them or none, then answers.</para>
/// <para>With <c>akka-media.deploy.signing-key</c> set, the offer carries the manifest's <see cref="PackageSignature"/>
/// (<see cref="PackageSigner"/>), which executors that require signatures check before they take any byte.</para>
/// <para>Thread-safe; concurrent uploads of the same package to one store are safe (each entry is cached once).</para>
/// <para>An upload that contacts the store is one <c>akkamedia.package.upload</c> span, child of the caller's
/// <see cref="Activity.Current"/>.</para>
/// </remarks>
internal static class PackageUploader
{
    /// <summary>
    /// Uploads what <paramref name="executor"/> lacks of <paramref name="package"/>. Returns when every entry is held by
    /// the executor's store; an empty package returns at once without contacting it.
    /// </summary>
    /// <param name="system">The client's actor system; runs the chunk stream.</param>
    /// <param name="executor">The executor actor (<c>/user/akka-media-executor</c>) of the chosen node; it hands the upload to its package store.</param>
    /// <param name="package">The package, whose files are read from the client's disk while they stream.</param>
    /// <param name="timeout">Limit for the whole upload, offer to final answer.</param>
    /// <param name="cancellationToken">Cancels the upload; the executor then discards what it received.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    /// <exception cref="PackageRejectedException">The executor refused the package (with its reason), or the upload did not finish within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The configured <c>akka-media.deploy.signing-key</c> cannot be read.</exception>
    public static Task<PackageUploadResult> UploadAsync(ActorSystem system, IActorRef executor, CodePackage package, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return UploadAsync(system, executor, executor.Path.Address.ToString(), package, timeout, offerTimeout: null, cancellationToken);
    }

    /// <summary>
    /// Uploads what the executor actor <paramref name="executor"/> (a reference or a selection of it, at
    /// <paramref name="address"/>) lacks of <paramref name="package"/>, as <see cref="UploadAsync(ActorSystem, IActorRef, CodePackage, TimeSpan, CancellationToken)"/>
    /// does. With <paramref name="offerTimeout"/>, an offer that gets no answer within it (no executor there, or none
    /// that answers) fails with <see cref="AskTimeoutException"/> itself: a selection needs no round trip of its own to
    /// find the executor, and the offer is what finds out that nobody is there.
    /// </summary>
    /// <exception cref="AskTimeoutException">The offer got no answer within <paramref name="offerTimeout"/>.</exception>
    public static async Task<PackageUploadResult> UploadAsync(ActorSystem system, ICanTell executor, string address, CodePackage package, TimeSpan timeout, TimeSpan? offerTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(package);
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The upload timeout must be positive.");
        }

        if (package.Entries.Count == 0)
        {
            return new PackageUploadResult(0, 0);
        }

        using var span = MediaTracing.Source.StartActivity(MediaTracing.PackageUpload);
        span?.SetTag(MediaTracing.EntryAssemblyTag, package.EntryAssembly);
        span?.SetTag(MediaTracing.PackageEntriesTag, package.Entries.Count);
        try
        {
            var result = await OfferAndSendAsync(system, executor, address, package, timeout, offerTimeout, cancellationToken).ConfigureAwait(false);
            span?.SetTag(MediaTracing.EntriesSentTag, result.EntriesSent);
            span?.SetTag(MediaTracing.BytesSentTag, result.BytesSent);
            return result;
        }
        catch (Exception e)
        {
            span.Fail(e);
            throw;
        }
    }

    private static async Task<PackageUploadResult> OfferAndSendAsync(ActorSystem system, ICanTell executor, string address, CodePackage package, TimeSpan timeout, TimeSpan? offerTimeout, CancellationToken cancellationToken)
    {
        var uploadId = Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow + timeout;
        var offer = new OfferPackage(uploadId, package.EntryAssembly, package.Entries) { Signature = PackageSigner.SignatureFor(system, package) };
        var needs = Expect<PackageNeeds>(
            offerTimeout is { } within && within < timeout
                ? await executor.Ask<object>(offer, within, cancellationToken).ConfigureAwait(false)
                : await Ask(executor, address, offer, deadline, timeout, cancellationToken).ConfigureAwait(false),
            package);
        var missing = needs.Missing.ToHashSet(StringComparer.Ordinal);
        var toSend = package.Entries.Where(e => missing.Contains(e.Sha256)).ToArray();
        if (toSend.Length == 0)
        {
            return new PackageUploadResult(0, 0);
        }

        var materializer = ActorMaterializer.Create(system, namePrefix: "akka-media-upload");
        try
        {
            var (killSwitch, chunksRef) = Source.From(Chunks(package, toSend))
                .ViaMaterialized(KillSwitches.Single<PackageChunk>(), Keep.Right)
                .ToMaterialized(StreamRefs.SourceRef<PackageChunk>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(timeout)), Keep.Both)
                .Run(materializer);
            await using var cancel = cancellationToken.Register(() => killSwitch.Abort(new OperationCanceledException("The upload was cancelled.")));
            try
            {
                var reply = await Ask(executor, address, new UploadPackage(uploadId, toSend, await chunksRef.ConfigureAwait(false)), deadline, timeout, cancellationToken).ConfigureAwait(false);
                Expect<PackageUploaded>(reply, package);
                return new PackageUploadResult(toSend.Length, toSend.Sum(e => e.Length));
            }
            catch (Exception e)
            {
                killSwitch.Abort(e);
                throw;
            }
        }
        finally
        {
            materializer.Dispose();
        }
    }

    /// <summary>The bytes of <paramref name="entries"/> in order, at most <see cref="PackageChunk.MaxBytes"/> per chunk, read lazily.</summary>
    internal static IEnumerable<PackageChunk> Chunks(CodePackage package, IReadOnlyList<PackageEntry> entries)
    {
        for (var index = 0; index < entries.Count; index++)
        {
            using var stream = package.OpenRead(entries[index]);
            while (true)
            {
                var buffer = new byte[PackageChunk.MaxBytes];
                var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (filled == 0)
                {
                    break;
                }

                yield return new PackageChunk(index, filled == buffer.Length ? buffer : buffer[..filled]);
                if (filled < buffer.Length)
                {
                    break;
                }
            }
        }
    }

    private static async Task<object> Ask(ICanTell executor, string address, object message, DateTime deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var left = deadline - DateTime.UtcNow;
        try
        {
            if (left <= TimeSpan.Zero)
            {
                throw new AskTimeoutException("deadline passed");
            }

            return await executor.Ask<object>(message, left, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new PackageRejectedException($"The upload to {address} did not finish within {timeout.TotalSeconds:0.###} s.", e);
        }
    }

    private static T Expect<T>(object reply, CodePackage package) => reply switch
    {
        T expected => expected,
        PackageRejected rejected => throw new PackageRejectedException($"The executor refused the package of {package.EntryAssembly}: {rejected.Reason}"),
        Status.Failure failure => throw new PackageRejectedException($"The upload of {package.EntryAssembly} failed: {failure.Cause.Message}", failure.Cause),
        _ => throw new PackageRejectedException($"Unexpected answer to an upload of {package.EntryAssembly}: {reply.GetType().Name}."),
    };
}
