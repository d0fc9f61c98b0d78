using Keel.Client;
using Keel.Data.Add;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Tabular;

namespace Keel.Cli.Quickstart;

/// <summary>The training data as a dataset version: its manifest hash (the runs' input digest) and version number.</summary>
internal sealed record VersionedData(string ManifestHash, long Version, string PointerPath, int ObjectsSent);

/// <summary>
/// Versions the quickstart's CSV as <c>keel data add</c> and <c>keel data push</c> would: chunks and a pointer file in
/// the data's own folder, then a version of dataset <see cref="BreastCancerDataset.Name"/> on the server with its
/// profile. Running the quickstart again finds the same manifest and reuses that version.
/// </summary>
internal static class QuickstartData
{
    public static async Task<VersionedData> VersionAsync(KeelClient client, BreastCancerDataset dataset, TimeProvider time, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(dataset.Path)!;
        var repository = DataRepository.Open(folder);
        var added = new DataAdder(repository, new DataAddOptions { Dataset = BreastCancerDataset.Name, Time = time })
            .Add([dataset.Path], folder, progress: null, ct)[0];
        var transfer = new DataTransfer(client, repository.Cache, time)
        {
            ProfileProvider = (item, token) => CachedTabular.ProfileAsync(repository.Cache, item, token),
        };
        var pushed = await transfer.PushAsync(repository.FindTracked([added.PointerPath], folder), progress: null, ct);
        var versions = await client.FindDatasetVersionsByManifestAsync(added.ManifestHash, ct);
        var version = versions.Where(v => v.Name == BreastCancerDataset.Name).Select(v => v.Version).DefaultIfEmpty().Max();
        if (version == 0)
        {
            throw new InvalidOperationException($"The server holds no version of dataset '{BreastCancerDataset.Name}' with manifest {added.ManifestHash} after the push.");
        }
        return new VersionedData(added.ManifestHash, version, added.PointerPath, pushed.ObjectsSent);
    }
}
