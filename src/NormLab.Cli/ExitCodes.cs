namespace NormLab.Cli;

/// <summary>The exit codes of every command (cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>No errors.</summary>
    public const int Success = 0;

    /// <summary>The checked files have errors.</summary>
    public const int ErrorsFound = 1;

    /// <summary>Bad usage or unreadable input.</summary>
    public const int UsageError = 2;

    /// <summary>A bug in normlab itself: an exception nobody expected.</summary>
    public const int InternalError = 3;
}
