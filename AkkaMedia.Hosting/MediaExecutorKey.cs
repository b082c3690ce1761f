namespace AkkaMedia.Hosting;

/// <summary>The key of the executor actor in Akka.Hosting's <c>ActorRegistry</c> (<c>registry.Get&lt;MediaExecutorKey&gt;()</c>).</summary>
public sealed class MediaExecutorKey
{
    private MediaExecutorKey()
    {
    }
}
