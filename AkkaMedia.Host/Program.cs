using System.CommandLine;
using AkkaMedia.Host.Commands;

var root = new RootCommand("akkamedia: real-time media pipelines on Akka.NET.")
{
    CmdCommand.Create(),
    DemoCommand.Create(),
    NodeCommand.Create(),
    RunCommand.Create(),
};
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
