namespace TransferSharp.Cli.Settings;

/// <summary>A command that reads a trained checkpoint (<c>--model</c>).</summary>
internal class CheckpointSettings : CommonSettings
{
    [CommandOption("--model <CHECKPOINT>")]
    [Description("A checkpoint written by transfer train, finetune or adapt (model.pt with its model.json); for translate, by translate train.")]
    public string? Model { get; init; }

    public override ValidationResult Validate() => Then(base.Validate(), string.IsNullOrWhiteSpace(Model) ? "--model is required" : null);
}
