using System.CommandLine;
using AkkaMedia.Host.Commands;

var root = new RootCommand("akkamedia: real-time media pipelines on Akka.NET.");
root.Subcommands.Add(DemoCommand.Create());
return await root.Parse(args).InvokeAsync();
