namespace TransferSharp.Data;

/// <summary>File access shared by the readers: every failure becomes an <see cref="InvalidDataException"/> naming the path.</summary>
internal static class DataFile
{
    /// <summary>The one error shape of every reader: <c>"path: what is wrong"</c>.</summary>
    internal static InvalidDataException Error(string path, string what) => new($"{path}: {what}");

    internal static void RequireFile(string path)
    {
        if (File.Exists(path)) return;
        throw Error(path, Directory.Exists(path) ? "is a folder, expected a file" : "file not found");
    }

    internal static byte[] ReadAllBytes(string path)
    {
        RequireFile(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(path, $"cannot read: {e.Message}");
        }
    }
}
