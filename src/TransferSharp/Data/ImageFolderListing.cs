namespace TransferSharp.Data;

/// <summary>
/// What <see cref="ImageFolder.List"/> found under an image folder: class names in ordinal order, and every image
/// file with its class index, classes in order and files ordinal within a class.
/// </summary>
internal sealed record ImageFolderListing(string Root, string Name, IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> Files, IReadOnlyList<long> Labels)
{
    /// <summary>The provenance line both readers give.</summary>
    public string Describe(int height, int width, bool rgb) =>
        $"image folder {Root}: {Files.Count} images in {ClassNames.Count} classes, resized to {height}x{width}, {(rgb ? "RGB" : "grey")}";
}
