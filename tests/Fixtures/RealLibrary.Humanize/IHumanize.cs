namespace RealLibrary.Humanize;

/// <summary>The contract a client deploys <see cref="Humanized"/> behind (<c>RemoteObject.DeployAsync&lt;IHumanize&gt;</c>).</summary>
public interface IHumanize
{
    /// <summary><paramref name="number"/> in English words ("one hundred and twenty-three").</summary>
    string Words(int number);

    /// <summary><paramref name="duration"/> in English, at most two units ("2 hours, 5 minutes").</summary>
    string Duration(TimeSpan duration);
}
