namespace AkkaMedia.Host.Admin;

/// <summary>One admin command: its palette, name, usage line and a one-line description.</summary>
internal sealed record AdminCommandInfo(string Palette, string Name, string Usage, string Description);
