namespace TransferSharp.Data;

/// <summary>
/// Folder listings that follow no symbolic link out of their root and never loop: a link (to a file or a folder)
/// is followed only when its final target lies inside the root's real path, and a folder reached twice (a link back
/// to a parent, <c>cat/up -&gt; ..</c>) is listed once. Every reader, <c>predict</c> and streaming list through here;
/// before, a link to <c>/</c> walked into <c>/proc</c> and <c>cat/up -&gt; ..</c> gave 240 predictions for 6 images.
/// </summary>
internal sealed class FolderWalk
{
    private readonly string realRoot;
    private readonly HashSet<string> visited = new(StringComparer.Ordinal);

    /// <summary>A walk under <paramref name="root"/> (an existing folder).</summary>
    public FolderWalk(string root)
    {
        realRoot = RealPath(root);
        visited.Add(realRoot);
    }

    /// <summary>The immediate subfolders of <paramref name="folder"/> that are inside the root and not yet seen.</summary>
    public IEnumerable<string> Folders(string folder) =>
        Directory.EnumerateDirectories(folder).Where(d => Inside(d) is { } real && visited.Add(real));

    /// <summary>The files directly in <paramref name="folder"/> whose real path is inside the root.</summary>
    /// <remarks>Only links are resolved: a plain file in a folder of the walk is inside it (one lstat per file).</remarks>
    public IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => new FileInfo(f).LinkTarget is null ? InsideFolder(folder) : Inside(f) is not null);

    private readonly Dictionary<string, bool> foldersInside = new(StringComparer.Ordinal);

    private bool InsideFolder(string folder) =>
        foldersInside.TryGetValue(folder, out bool inside) ? inside : foldersInside[folder] = Inside(folder) is not null;

    /// <summary>Every file under <paramref name="folder"/>, depth first, each folder once.</summary>
    public IEnumerable<string> AllFiles(string folder)
    {
        foreach (var f in Files(folder)) yield return f;
        foreach (var d in Folders(folder).ToArray())
            foreach (var f in AllFiles(d)) yield return f;
    }

    /// <summary>The real path of <paramref name="path"/> when it is inside the root; null when it leads out (or is a dangling link).</summary>
    private string? Inside(string path)
    {
        string real;
        try { real = RealPath(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return real == realRoot || real.StartsWith(realRoot.EndsWith(Path.DirectorySeparatorChar) ? realRoot : realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? real : null;
    }

    /// <summary>The absolute path with every symbolic link along it resolved (as realpath(3)).</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40) throw new IOException($"{path}: too many levels of symbolic links");
        var full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is { } target)
                current = RealPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(current)!, target), depth + 1);
        }
        return current;
    }
}
