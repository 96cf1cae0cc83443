using System.IO.Compression;
using System.Security.Cryptography;

namespace TransferSharp.Data;

/// <summary>
/// All 70,000 Fashion-MNIST images (train then test). Read from Debian's <c>dataset-fashion-mnist</c> package when it is
/// installed, else downloaded once from the dataset's public source into a cache folder. Each file is checked by the
/// SHA-256 of its <em>decompressed</em> bytes, because Debian re-compressed the archives (their .gz bytes differ from
/// upstream's while the IDX contents are the same).
/// </summary>
internal static class FashionMnistFull
{
    public const string SystemFolder = "/usr/share/datasets/fashion-mnist";
    public const string PublicSource = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    private static readonly (string File, string Sha256)[] Files =
    [
        ("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        ("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        ("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        ("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ];

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static Dataset Load(string? cacheFolder, string source = PublicSource) =>
        Load(cacheFolder, source, Files, SystemFolder);

    /// <summary>
    /// <see cref="Load(string?, string)"/> with the expected files (train images, train labels, test images, test
    /// labels, each with the SHA-256 of its decompressed content) and the system folder given: lets a test serve small
    /// files of its own over a loopback server.
    /// </summary>
    internal static Dataset Load(string? cacheFolder, string source, IReadOnlyList<(string File, string Sha256)> files, string systemFolder)
    {
        string folder = Directory.Exists(systemFolder) && files.All(f => File.Exists(Path.Combine(systemFolder, f.File)))
            ? systemFolder
            : EnsureDownloaded(cacheFolder ?? DefaultCache(), source, files);
        foreach (var (file, sha) in files) Verify(Path.Combine(folder, file), sha);
        using var train = Idx.Read(Path.Combine(folder, files[0].File), Path.Combine(folder, files[1].File), ClassNames);
        using var test = Idx.Read(Path.Combine(folder, files[2].File), Path.Combine(folder, files[3].File), ClassNames);
        var all = Dataset.Concatenate("fashion-mnist-full", train, test);
        return all.WithLabels(all.Labels!.alias(), ClassNames, $"Fashion-MNIST train (60,000) + test (10,000) from {folder}");
    }

    internal static string DefaultCache() =>
        Environment.GetEnvironmentVariable("TRANSFERSHARP_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "transfersharp");

    private static string EnsureDownloaded(string cache, string source, IReadOnlyList<(string File, string Sha256)> files)
    {
        var folder = Path.Combine(cache, "fashion-mnist");
        Directory.CreateDirectory(folder);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        foreach (var (file, sha) in files)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path) && Sha256OfContent(path) == sha) continue;
            var tmp = path + ".part";
            try
            {
                using (var response = http.GetAsync(source + file, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
                {
                    response.EnsureSuccessStatusCode();
                    using var fs = File.Create(tmp);
                    response.Content.ReadAsStream().CopyTo(fs);
                }
                if (Sha256OfContent(tmp) != sha) throw new InvalidDataException($"{source}{file}: SHA-256 check failed");
                File.Move(tmp, path, overwrite: true);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
            {
                File.Delete(tmp);
                // A file already in the cache that fails the checksum: saying "put the files there" would send the
                // user to where they already are.
                if (File.Exists(path))
                    throw new InvalidDataException(
                        $"{path}: failed the SHA-256 check (corrupt, truncated or not Fashion-MNIST's file), and downloading a good copy " +
                        $"from {source} failed ({e.Message}); delete it, or replace it with Fashion-MNIST's {file}.");
                throw new FileNotFoundException(
                    $"fashion-mnist-full: not installed in {SystemFolder} and the download of {file} from {source} failed ({e.Message}). " +
                    $"Install Debian's dataset-fashion-mnist package, or put the four Fashion-MNIST .gz files in {folder}.");
            }
        }
        return folder;
    }

    private static void Verify(string path, string sha)
    {
        if (Sha256OfContent(path) != sha)
            throw new InvalidDataException($"{path}: contents do not match Fashion-MNIST's (SHA-256 of the decompressed file differs)");
    }

    private static string Sha256OfContent(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(gz));
        }
        catch (InvalidDataException)
        {
            return "";
        }
    }
}
