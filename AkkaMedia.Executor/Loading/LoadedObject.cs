using AkkaMedia.Executor.Sessions;

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// A session's code with its deserialized object and the object's resolved methods, which the threads running user
/// code use. Disposing empties the holder, forgets the methods, then unloads the code.
/// </summary>
internal sealed class LoadedObject(SessionCode code, ObjectHolder holder) : IDisposable
{
    public SessionCode Code { get; } = code;

    public ObjectHolder Holder { get; } = holder;

    public ObjectMethods Methods { get; } = new();

    public void Dispose()
    {
        Holder.Clear();
        Methods.Clear();
        Code.Dispose();
    }

    /// <summary>
    /// Loads the code and deserializes the object on a thread of its own (<see cref="UserCodeThreads"/>: user code such
    /// as a static constructor runs here and may hang), delivering the result to <paramref name="slot"/>. The task
    /// completes once it is delivered, or faults with why it could not load.
    /// </summary>
    public static Task LoadAsync(UserCodeHost host, string sessionId, string entryAssembly, IReadOnlyList<AkkaMedia.Deployment.PackageEntry> entries, byte[] bytes, LoadSlot<LoadedObject> slot)
    {
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        UserCodeThreads.Start(
            () =>
            {
                try
                {
                    var code = host.Load(sessionId, entryAssembly, entries);
                    ObjectHolder holder;
                    try
                    {
                        holder = ObjectInvoker.Deserialize(code, bytes, entryAssembly);
                    }
                    catch
                    {
                        code.Dispose();
                        throw;
                    }

                    slot.Deliver(new LoadedObject(code, holder));
                    delivered.TrySetResult();
                }
                catch (Exception e)
                {
                    delivered.TrySetException(e);
                }
            },
            "akka-media-load-" + sessionId);
        return delivered.Task;
    }
}
