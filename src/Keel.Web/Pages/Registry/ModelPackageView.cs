using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Models.Packages;

namespace Keel.Web.Pages.Registry;

/// <summary>
/// What the model version page shows of the version's package: its MLmodel (as text and parsed, for the signature),
/// a model card and a validation report when the package holds them. All of it is shown as text, never as HTML.
/// </summary>
/// <param name="Files">The package's top-level entries.</param>
/// <param name="MlModelText">The MLmodel file, or null when absent.</param>
/// <param name="MlModel">The parsed MLmodel, or null when absent or malformed.</param>
/// <param name="ModelCard">The model card's file name and text, when the package has one.</param>
/// <param name="ValidationReport">The validation report's file name and text, when the package has one.</param>
/// <param name="Problem">Why the package could not be read (one sentence), or null.</param>
public sealed record ModelPackageView(
    IReadOnlyList<ArtifactFile> Files,
    string? MlModelText,
    MlModel? MlModel,
    (string Name, string Text)? ModelCard,
    (string Name, string Text)? ValidationReport,
    string? Problem)
{
    /// <summary>File names read as a model card, first match wins (Keel's governance work writes <c>model_card.md</c>).</summary>
    public static readonly IReadOnlyList<string> ModelCardNames = ["model_card.md", "MODEL_CARD.md", "model_card.json", "README.md"];

    /// <summary>File names read as a validation report.</summary>
    public static readonly IReadOnlyList<string> ValidationReportNames = ["validation_report.json", "validation_report.md", "validation.json"];

    private const int MaxTextBytes = 128 * 1024;

    public static async Task<ModelPackageView> ReadAsync(ArtifactService artifacts, string source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArtifactPath root;
        try
        {
            root = ArtifactService.ResolveProxyUri(source);
        }
        catch (KeelException e)
        {
            return Unreadable(e.Message);
        }
        var files = await artifacts.ListAsync(root, ct);
        var names = files.Where(f => !f.IsDirectory).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        string? mlModelText = null;
        MlModel? mlModel = null;
        string? problem = null;
        if (names.Contains(MlModel.FileName))
        {
            mlModelText = await ReadTextAsync(artifacts, root, MlModel.FileName, ct);
            try
            {
                mlModel = MlModel.Parse(mlModelText);
            }
            catch (KeelException e)
            {
                problem = "The MLmodel file could not be parsed: " + e.Message;
            }
        }
        return new ModelPackageView(files, mlModelText, mlModel,
            await FirstAsync(artifacts, root, names, ModelCardNames, ct),
            await FirstAsync(artifacts, root, names, ValidationReportNames, ct),
            problem);
    }

    private static ModelPackageView Unreadable(string problem) => new([], null, null, null, null, problem);

    private static async Task<(string, string)?> FirstAsync(
        ArtifactService artifacts, ArtifactPath root, HashSet<string> names, IReadOnlyList<string> candidates, CancellationToken ct)
    {
        var name = candidates.FirstOrDefault(names.Contains);
        return name is null ? null : (name, await ReadTextAsync(artifacts, root, name, ct));
    }

    private static async Task<string> ReadTextAsync(ArtifactService artifacts, ArtifactPath root, string name, CancellationToken ct)
    {
        await using var stream = await artifacts.OpenReadAsync(root.Append(ArtifactPath.Parse(name, "path")), ct);
        var buffer = new byte[MaxTextBytes];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return read == buffer.Length ? text + "\n… (cut at 128 KiB)" : text;
    }
}
