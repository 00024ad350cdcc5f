namespace RexNet.Server.Tests.Support;

/// <summary>
/// Every wait in these tests ends: a bug that leaves a request unanswered fails the test after a minute instead of
/// hanging the suite. A limit, not a timing assumption: passing runs finish in milliseconds.
/// </summary>
internal static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    public static Task WithinLimit(this Task task) => task.WaitAsync(Limit, TestContext.Current.CancellationToken);

    public static Task<T> WithinLimit<T>(this Task<T> task) => task.WaitAsync(Limit, TestContext.Current.CancellationToken);
}
