using System.Net.Http.Headers;
using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// Artifacts go through the tracking server's artifact proxy (/api/2.0/mlflow-artifacts/artifacts/<path>), so
// the SDK needs no storage credentials. Bodies are streamed: memory stays bounded for files of any size. Files of
// at least KeelClientOptions.DirectTransferThreshold bytes move straight to and from the object store with
// presigned URLs when the server offers them (KeelClient.Presigned*.cs); the proxy remains the fallback.
public sealed partial class KeelClient
{
    private const int CopyBufferSize = 81920;
    private const string PartialSuffix = ".keel-partial";
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    /// <summary>
    /// Uploads one file to <c>&lt;artifactDirectory&gt;/&lt;file name&gt;</c> in a run's artifacts, overwriting an
    /// artifact of the same path. A file of at least <see cref="KeelClientOptions.DirectTransferThreshold"/> bytes goes
    /// straight to the server's object store with MLflow's multipart upload (parts in parallel, aborted on failure)
    /// when the server offers it, and through the artifact proxy otherwise.
    /// </summary>
    /// <param name="runId">The run; its <c>artifact_uri</c> must be an <c>mlflow-artifacts:</c> URI.</param>
    /// <param name="localFile">The file to upload; its name is kept.</param>
    /// <param name="artifactDirectory">'/'-separated directory under the run's artifact root; null for the root.</param>
    /// <param name="progress">Receives the bytes sent so far in this call (rewinding if a transient failure restarts the file).</param>
    /// <param name="ct">Cancels the upload.</param>
    public async Task UploadArtifactAsync(
        string runId, string localFile, string? artifactDirectory = null, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var directory = ArtifactPath.Normalize(artifactDirectory, nameof(artifactDirectory));
        var root = await ProxyRootAsync(runId, ct).ConfigureAwait(false);
        await UploadFileAsync(root, localFile, directory, new ByteCounter(progress), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads the contents of <paramref name="localDirectory"/>, recursively and including hidden files, under
    /// <paramref name="artifactDirectory"/> (the directory's own name is not added, as in MLflow's <c>log_artifacts</c>).
    /// Files are sent one after another in ordinal path order; empty directories are not recorded. Large files go
    /// directly to the object store as in <see cref="UploadArtifactAsync"/>.
    /// </summary>
    /// <param name="runId">The run; its <c>artifact_uri</c> must be an <c>mlflow-artifacts:</c> URI.</param>
    /// <param name="localDirectory">The directory whose files to upload.</param>
    /// <param name="artifactDirectory">'/'-separated directory under the run's artifact root; null for the root.</param>
    /// <param name="progress">Receives the bytes sent so far in this call, across all files.</param>
    /// <param name="ct">Cancels the upload; files already sent stay.</param>
    public async Task UploadArtifactsAsync(
        string runId, string localDirectory, string? artifactDirectory = null, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrEmpty(localDirectory);
        var directory = ArtifactPath.Normalize(artifactDirectory, nameof(artifactDirectory));
        var root = await ProxyRootAsync(runId, ct).ConfigureAwait(false);
        await UploadDirectoryAsync(root, localDirectory, directory, new ByteCounter(progress), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a run's artifact, a single file or a whole directory tree, into <paramref name="destinationDirectory"/>,
    /// keeping its path: artifact <c>model/weights.onnx</c> lands at <c>&lt;destination&gt;/model/weights.onnx</c>, as with
    /// MLflow's <c>download_artifacts</c>. Existing files are replaced only once their download is complete. Files of
    /// at least <see cref="KeelClientOptions.DirectTransferThreshold"/> bytes (and a single file, whose size is not
    /// listed) come straight from the object store with a presigned GET when the server offers one.
    /// </summary>
    /// <param name="runId">The run; its <c>artifact_uri</c> must be an <c>mlflow-artifacts:</c> URI.</param>
    /// <param name="artifactPath">'/'-separated path under the run's artifact root; "" for all artifacts.</param>
    /// <param name="destinationDirectory">Local directory, created when missing.</param>
    /// <param name="progress">Receives the bytes received so far in this call, across all files.</param>
    /// <param name="ct">Cancels the download.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> when there is no such artifact.</exception>
    public async Task DownloadArtifactsAsync(
        string runId, string artifactPath, string destinationDirectory, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(artifactPath);
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        var path = ArtifactPath.Normalize(artifactPath, nameof(artifactPath));
        var root = await ProxyRootAsync(runId, ct).ConfigureAwait(false);
        var counter = new ByteCounter(progress);
        Directory.CreateDirectory(destinationDirectory);

        // The proxy lists a file as an empty directory, so only a non-empty listing (or the root) is a directory.
        var entries = await ListProxiedAsync(root, path, ct).ConfigureAwait(false);
        if (path.Length == 0 || entries.Count > 0)
        {
            await DownloadDirectoryAsync(root, path, entries, destinationDirectory, counter, ct).ConfigureAwait(false);
        }
        else
        {
            await DownloadFileAsync(root, path, destinationDirectory, counter, ct).ConfigureAwait(false);
        }
    }

    internal async Task UploadDirectoryAsync(string proxyRoot, string localDirectory, string artifactDirectory, ByteCounter counter, CancellationToken ct)
    {
        if (!Directory.Exists(localDirectory))
        {
            throw new DirectoryNotFoundException($"Directory '{localDirectory}' does not exist.");
        }
        var files = Directory.EnumerateFiles(localDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(localDirectory, Path.GetDirectoryName(file)!);
            var subdirectory = relative == "." ? string.Empty : ArtifactPath.Normalize(relative, nameof(localDirectory));
            await UploadFileAsync(proxyRoot, file, ArtifactPath.Combine(artifactDirectory, subdirectory), counter, ct).ConfigureAwait(false);
        }
    }

    internal async Task UploadFileAsync(string proxyRoot, string localFile, string artifactDirectory, ByteCounter counter, CancellationToken ct)
    {
        var file = new FileInfo(localFile);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"File '{localFile}' does not exist.", localFile);
        }
        if (file.Length >= _direct.Threshold
            && await TryMultipartUploadAsync(ArtifactPath.Combine(proxyRoot, artifactDirectory), file, counter, ct).ConfigureAwait(false))
        {
            return;
        }
        var uri = _transport.ArtifactUri(ArtifactPath.Combine(proxyRoot, artifactDirectory, file.Name));
        var start = counter.Total;
        using var response = await _transport.SendAsync(
            () =>
            {
                // Called once per attempt: a retried upload reopens the file and starts over.
                counter.RewindTo(start);
                var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
                var content = new StreamContent(new ProgressStream(stream, counter), CopyBufferSize);
                content.Headers.ContentLength = file.Length;
                content.Headers.ContentType = OctetStream;
                return new HttpRequestMessage(HttpMethod.Put, uri) { Content = content };
            },
            HttpCompletionOption.ResponseContentRead,
            ct).ConfigureAwait(false);
    }

    private async Task DownloadDirectoryAsync(
        string proxyRoot, string directory, IReadOnlyList<FileInfoDto> entries, string destination, ByteCounter counter, CancellationToken ct)
    {
        Directory.CreateDirectory(ArtifactPath.LocalPath(destination, directory));
        foreach (var entry in entries.OrderBy(static e => e.Path, StringComparer.Ordinal))
        {
            var name = ArtifactPath.Name(entry.Path);
            if (name is "" or "." or "..")
            {
                throw new InvalidDataException($"The server listed an invalid artifact name '{entry.Path}' under '{directory}'.");
            }
            var child = ArtifactPath.Combine(directory, name);
            if (entry.IsDir)
            {
                var children = await ListProxiedAsync(proxyRoot, child, ct).ConfigureAwait(false);
                await DownloadDirectoryAsync(proxyRoot, child, children, destination, counter, ct).ConfigureAwait(false);
            }
            else
            {
                await DownloadFileAsync(proxyRoot, child, entry.FileSize, destination, counter, ct).ConfigureAwait(false);
            }
        }
    }

    private Task DownloadFileAsync(string proxyRoot, string path, string destination, ByteCounter counter, CancellationToken ct) =>
        DownloadFileAsync(proxyRoot, path, size: null, destination, counter, ct);

    private async Task DownloadFileAsync(
        string proxyRoot, string path, long? size, string destination, ByteCounter counter, CancellationToken ct)
    {
        var local = ArtifactPath.LocalPath(destination, path);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var proxyPath = ArtifactPath.Combine(proxyRoot, path);
        var uri = (WantsDirectDownload(size) ? await TryPresignDownloadAsync(proxyPath, ct).ConfigureAwait(false) : null)
            ?? _transport.ArtifactUri(proxyPath);
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead, ct)
            .ConfigureAwait(false);

        // Written beside the target and moved over it at the end, so a failed download never leaves a torn file.
        var partial = local + PartialSuffix;
        try
        {
            var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using (source)
            using (var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous))
            {
                var buffer = new byte[CopyBufferSize];
                int read;
                while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                    counter.Add(read);
                }
                await target.FlushAsync(ct).ConfigureAwait(false);
            }
            File.Move(partial, local, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private async Task<IReadOnlyList<FileInfoDto>> ListProxiedAsync(string proxyRoot, string path, CancellationToken ct)
    {
        try
        {
            var response = await _transport.GetAsync<ListProxiedArtifactsResponse>(
                _transport.ArtifactListUri(ArtifactPath.Combine(proxyRoot, path)), ct).ConfigureAwait(false);
            return response.Files;
        }
        catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceDoesNotExist && path.Length > 0)
        {
            // Some servers answer 404 to listing a file; the download of the path itself settles it.
            return [];
        }
    }

    private async Task<string> ProxyRootAsync(string runId, CancellationToken ct)
    {
        var run = await GetRunAsync(runId, ct).ConfigureAwait(false);
        return ArtifactPath.ProxyRoot(run.Info.ArtifactUri);
    }
}
