using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// The <c>floor-server</c> mode: a bare Kestrel WebSocket server speaking the <c>/media</c> protocol with an
/// echo in place of a pipeline (<see cref="FloorSession"/>). What the same client measures against it is
/// the cost of WebSockets, Kestrel and the machine alone: the floor under the edge's figures. Prints
/// <c>READY http://127.0.0.1:port</c> once it listens; exits when stdin closes or the parent process is gone.
/// </summary>
internal static class FloorServer
{
    public const string Ready = "READY ";

    public static async Task<int> RunAsync(EdgeLoadArguments arguments, TextWriter protocol)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, arguments.Port));
        await using var app = builder.Build();
        app.UseWebSockets();
        var stopping = app.Lifetime.ApplicationStopping;
        app.Map("/media", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await FloorSession.RunAsync(socket, stopping);
        });
        await app.StartAsync();
        protocol.WriteLine(FormattableString.Invariant($"{Ready}http://127.0.0.1:{arguments.Port}"));
        protocol.Flush();

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }

            stop.TrySetResult();
        });
        if (arguments.ParentPid != 0)
        {
            _ = WatchParentAsync(arguments.ParentPid, stop);
        }

        await stop.Task;
        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        return 0;
    }

    private static async Task WatchParentAsync(int parentPid, TaskCompletionSource stop)
    {
        while (!stop.Task.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            try
            {
                using var parent = Process.GetProcessById(parentPid);
                if (!parent.HasExited)
                {
                    continue;
                }
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }

            Console.Error.WriteLine($"[floor] parent {parentPid} is gone; stopping.");
            stop.TrySetResult();
        }
    }
}
