namespace AkkaMedia.Speech.Models;

/// <summary>Finds the model file a node names, or says where it looked and how to get the file.</summary>
internal static class ModelFiles
{
    /// <summary>Environment variable naming a folder of model files, searched first when a node names no path.</summary>
    public const string FolderVariable = "AKKA_MEDIA_MODELS";

    /// <summary>
    /// The full path of the model: <paramref name="configured"/> when given (relative to the working folder), else
    /// <paramref name="fileName"/> in <c>$AKKA_MEDIA_MODELS</c>, in <c>./models</c>, or in a <c>models</c> folder
    /// beside the application or any folder above it (a checkout's <c>models/</c>, filled by <c>scripts/fetch-models.sh</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file; the message names every place searched and the fix.</exception>
    public static string Resolve(string? configured, string fileName, string node)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return File.Exists(full)
                ? full
                : throw new FileNotFoundException(
                    $"{node}: model file '{full}' (its model-path setting) does not exist. Fetch the models with scripts/fetch-models.sh, or point model-path at the file.",
                    full);
        }

        var searched = Candidates(fileName).ToList();
        foreach (var candidate in searched)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"{node}: model file '{fileName}' was not found; searched {string.Join(", ", searched)}. " +
            $"Fetch the models with scripts/fetch-models.sh (into the checkout's models/ folder), set {FolderVariable} to the folder that holds them, or set model-path.",
            fileName);
    }

    private static IEnumerable<string> Candidates(string fileName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder)
        {
            yield return Path.GetFullPath(Path.Combine(folder, fileName));
        }

        var local = Path.GetFullPath(Path.Combine("models", fileName));
        seen.Add(local);
        yield return local;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", fileName);
            if (seen.Add(candidate))
            {
                yield return candidate;
            }
        }
    }
}
