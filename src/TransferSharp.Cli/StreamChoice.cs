using TransferSharp.Data;

namespace TransferSharp.Cli;

/// <summary>The <c>--stream</c> and <c>--decode-threads</c> options shared by <c>train</c> and <c>finetune</c>: their checks and what they build.</summary>
internal static class StreamChoice
{
    /// <summary>
    /// One line naming the option at fault, or null when the combination is usable: <paramref name="option"/> names the
    /// data (<c>--data</c>, <c>--target</c>), <paramref name="path"/> is its value; the rest are the options, when given.
    /// </summary>
    public static string? Error(bool stream, int? decodeThreads, string option, string? path, int? resize, int? shots = null)
    {
        if (!stream) return decodeThreads is null ? null : "--decode-threads applies only with --stream";
        if (!Directory.Exists(path)) return NotAFolder(option, path);
        if (resize is not null) return "--resize does not apply with --stream: streamed images are decoded straight at --size";
        if (shots is not null) return "--shots does not apply with --stream: a few shots per class fit in memory, so drop --stream";
        if (decodeThreads is { } t && new StreamingOptions { DecodeThreads = t }.Validate() is [var error, ..]) return $"--decode-threads: {error}";
        return null;
    }

    /// <summary>The error for a streamed path that is not an image folder.</summary>
    public static string NotAFolder(string option, string? path) =>
        $"{option} {path}: --stream reads image folders only (root/<class>/<images>), and this is not a folder";

    /// <summary>Streaming options from --decode-threads (default: <see cref="StreamingOptions.DefaultDecodeThreads"/>).</summary>
    public static StreamingOptions Options(int? decodeThreads) => new() { DecodeThreads = decodeThreads ?? StreamingOptions.DefaultDecodeThreads };
}
