using System.Text;

namespace TransferSharp.Reporting;

/// <summary>
/// Writes files so that a reader never sees a half-written one: the content goes to
/// <c>path + ".tmp"</c> in the same folder, which is then renamed over <c>path</c>.
/// On failure the temporary file is deleted and the exception propagates; an existing file at
/// <c>path</c> is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix appended to the target path for the temporary file.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Runs <paramref name="write"/> on a stream to the temporary file, then renames it to <paramref name="path"/>.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string tmp = full + TempSuffix;
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file))
                File.Delete(file);
        }
        catch (IOException)
        {
            // The original exception matters more than a leftover temp file we could not remove.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
