using TransferSharp.Data;

namespace TransferSharp.Cli.Commands;

/// <summary><c>transfer datasets list</c>.</summary>
internal sealed class DatasetsListCommand : Command<CommonSettings>
{
    public override int Execute(CommandContext context, CommonSettings settings, CancellationToken cancellationToken)
    {
        var t = new Table().AddColumn(new TableColumn("name").NoWrap()).AddColumn(new TableColumn("shape").NoWrap())
            .AddColumns("classes", "what", "licence");
        foreach (var e in Catalog.Entries)
            t.AddRow(Markup.Escape(e.Name), e.Shape, $"{e.Classes}", Markup.Escape($"{e.Description}; {e.Source}"), Markup.Escape(e.Licence));
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine("Any --data also takes a path (IDX images file, image folder, CSV) and a class filter: [grey]mnist:0-4[/], [grey]fashion-mnist:Sandal,Bag[/].");
        return 0;
    }
}

/// <summary><c>transfer datasets show NAME --out grid.png</c>: a grid of random samples, one row per class.</summary>
internal sealed class DatasetsShowCommand : Command<DatasetsShowCommand.Settings>
{
    internal sealed class Settings : ImageSettings
    {
        [CommandArgument(0, "<DATA>")]
        [Description("Built-in name or path, optionally with :classes.")]
        public string Data { get; init; } = "";

        [CommandOption("-o|--out <PNG>")]
        [Description("Output PNG. Default <name>-grid.png.")]
        public string? Out { get; init; }

        [CommandOption("--per-class <N>")]
        [Description("Samples per class. Default 10.")]
        public int PerClass { get; init; } = 10;

        [CommandOption("--scale <N>")]
        [Description("Pixel magnification. Default 3.")]
        public int Scale { get; init; } = 3;

        public override ValidationResult Validate() => Then(base.Validate(),
            PerClass < 1 ? $"--per-class must be positive, got {PerClass}"
            : Scale < 1 ? $"--scale must be positive, got {Scale}"
            : Out is { } o && !o.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? $"--out {o}: must be a .png file" : null);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var data = settings.Load(settings.Data);
        var rows = DatasetPreview.PerClass(data, settings.PerClass, settings.Seed);
        var output = settings.Out ?? $"{string.Concat(data.Name.Split(Path.GetInvalidFileNameChars().Append(':').Append(',').ToArray()))}-grid.png";
        ImageGrid.Save(output, rows.Select(r => new TransferSharp.Reporting.GridRow(r.ClassName,
            r.Samples.Select(s => new GridImage(s.Channels, s.Height, s.Width, s.Pixels)).ToArray())).ToArray(), settings.Scale);
        AnsiConsole.MarkupLine($"{Markup.Escape(data.ToString())}\n[grey]{Markup.Escape(data.Provenance)}[/]\nwrote [bold]{Markup.Escape(output)}[/]");
        return 0;
    }
}
