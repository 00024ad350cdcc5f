namespace RexNet.IO;

/// <summary>Where rexnet keeps what it can rebuild (compiled kernels, extracted features): the XDG cache folder.</summary>
internal static class UserCache
{
    /// <summary>$XDG_CACHE_HOME/rexnet, else ~/.cache/rexnet (LocalApplicationData\rexnet on Windows).</summary>
    public static string Root() => Root(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) : null);

    /// <summary>The rule behind <see cref="Root()"/>; a relative XDG_CACHE_HOME is invalid per the XDG spec and ignored.</summary>
    public static string Root(string? xdgCacheHome, string home, string? windowsLocalAppData)
    {
        string root = !string.IsNullOrWhiteSpace(xdgCacheHome) && Path.IsPathRooted(xdgCacheHome) ? xdgCacheHome
            : windowsLocalAppData ?? Path.Combine(home, ".cache");
        return Path.Combine(root, "rexnet");
    }
}
