namespace TransferSharp.Data;

/// <summary>
/// What <see cref="ImageFolder.List"/> found under an image folder. Labelled (class subfolders): class names in ordinal
/// order, and every image file with its class index, classes in order and files ordinal within a class. Unlabelled
/// (images directly in the root, no subfolders): no class names, <see cref="Labels"/> null, files in ordinal order.
/// </summary>
internal sealed record ImageFolderListing(string Root, string Name, IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> Files, IReadOnlyList<long>? Labels)
{
    /// <summary>True for a folder of class subfolders; false for loose images (unlabelled).</summary>
    public bool Labelled => Labels is not null;

    /// <summary>The provenance line both readers give.</summary>
    public string Describe(int height, int width, bool rgb) =>
        $"image folder {Root}: {Files.Count} images " +
        (Labelled ? $"in {ClassNames.Count} classes" : "unlabelled (no class subfolders)") +
        $", resized to {height}x{width}, {(rgb ? "RGB" : "grey")}";
}
