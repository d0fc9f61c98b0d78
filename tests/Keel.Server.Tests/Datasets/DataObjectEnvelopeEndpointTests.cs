using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Core.Data.Storage;
using Keel.Storage;
using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary>
/// <c>/api/keel/v1/data/objects</c> with objects in stored form: compressed and delta-encoded envelopes are decoded
/// and verified before they are stored, a delta needs its base on the server, and downloads return the stored form.
/// </summary>
public sealed class DataObjectEnvelopeEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StoredPath(string hash) => Path.Combine(fixture.Server.DataDirectory, KeelStorage.DataObjectsFolderName, hash[..2], hash);

    /// <summary>Distinct compressible rows, so each test's objects are its own.</summary>
    private static byte[] Rows(int count)
    {
        var text = new StringBuilder();
        var id = Guid.NewGuid().ToString("N");
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{id},{i},{i * 7 % 1000},{(char)('A' + (i % 6))}\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] Edited(byte[] content)
    {
        var copy = (byte[])content.Clone();
        copy[content.Length / 3] = (byte)'#';
        copy[content.Length * 2 / 3] = (byte)'#';
        return copy;
    }

    private async Task<string> PutOkAsync(byte[] content, byte[] stored)
    {
        var hash = DatasetHttp.Hash(content);
        var (status, body) = await _client.PutObjectAsync(hash, stored);
        return status == HttpStatusCode.OK ? hash : throw new InvalidOperationException(body.ToJsonString());
    }

    [Fact]
    public async Task Put_CompressedObject_IsStoredAsSentAndServedInStoredForm()
    {
        var content = Rows(2000);
        var stored = StoredObjectEncoder.EncodeFull(content)!;

        var hash = await PutOkAsync(content, stored);
        var served = await _client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct);

        Assert.True(stored.Length < content.Length / 2);
        Assert.Equal(stored, served);
        Assert.Equal(stored, await File.ReadAllBytesAsync(StoredPath(hash), Ct));
    }

    [Fact]
    public async Task Put_DeltaAfterItsBase_IsStoredAsADelta()
    {
        var baseContent = Rows(3000);
        var target = Edited(baseContent);
        var baseHash = await PutOkAsync(baseContent, StoredObjectEncoder.EncodeFull(baseContent)!);
        var delta = StoredObjectEncoder.EncodeDelta(target, baseHash, baseContent, baseDepth: 0)!;

        var hash = await PutOkAsync(target, delta);

        // Two one-byte edits: the delta is a few hundred bytes at most (its size varies with where the edits fall in the
        // random rows), against ~130 KB of content.
        Assert.True(delta.Length < target.Length / 100, $"{delta.Length} bytes for {target.Length}");
        Assert.Equal(delta, await _client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct));
    }

    [Fact]
    public async Task Put_DeltaWhoseBaseTheServerLacks_Is400NamingTheRuleAndStoresNothing()
    {
        var baseContent = Rows(1000);
        var target = Edited(baseContent);
        var baseHash = DatasetHttp.Hash(baseContent);
        var hash = DatasetHttp.Hash(target);

        var (status, body) = await _client.PutObjectAsync(hash, StoredObjectEncoder.EncodeDelta(target, baseHash, baseContent, 0)!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body["error_code"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.Contains($"sent as a delta of {baseHash}, which the server does not hold", message, StringComparison.Ordinal);
        Assert.Contains("base must be sent first", message, StringComparison.Ordinal);
        Assert.False(File.Exists(StoredPath(hash)));
    }

    [Fact]
    public async Task Put_EnvelopeDecodingToOtherContent_Is400AndStoresNothing()
    {
        var content = Rows(1000);
        var claimed = DatasetHttp.Hash(Rows(1000));

        var (status, body) = await _client.PutObjectAsync(claimed, StoredObjectEncoder.EncodeFull(content)!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"data object {claimed} do not decode to it (its decoded bytes hash to {DatasetHttp.Hash(content)})", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(StoredPath(claimed)));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(40)]
    public async Task Put_DamagedEnvelope_Is400NamingTheObject(int cut)
    {
        var content = Rows(500);
        var stored = StoredObjectEncoder.EncodeFull(content)!;
        var damaged = stored[..^cut];
        if (cut == 9)
        {
            damaged = [.. stored];
            damaged[5] = 7; // an unknown kind
        }
        var hash = DatasetHttp.Hash(content);

        var (status, body) = await _client.PutObjectAsync(hash, damaged);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"data object {hash} do not decode to it", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(StoredPath(hash)));
    }

    [Fact]
    public async Task Put_EnvelopeClaimingMoreThanTheLimit_Is400BeforeDecoding()
    {
        var content = Rows(500);
        var stored = StoredObjectEncoder.EncodeFull(content)!;
        BitConverter.TryWriteBytes(stored.AsSpan(8), 1L << 40);

        var (status, body) = await _client.PutObjectAsync(DatasetHttp.Hash(content), stored);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than the", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_PlainContentStartingWithTheMagic_IsAcceptedAndKeptReadable()
    {
        byte[] content = [.. StoredObjectHeader.Magic, .. Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())];

        var hash = await PutOkAsync(content, content);
        var served = await _client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct);

        var header = StoredObjectHeader.Read(hash, served)!.Value;
        Assert.Equal((StoredObjectKind.Full, StoredObjectCodec.None), (header.Kind, header.Codec));
        Assert.Equal(content, served[header.Length..]);
    }

    [Fact]
    public async Task Put_DeltaThatWouldMakeTheServersChainTooDeep_IsStoredInFull()
    {
        // A chain as deep as allowed on the server, then a delta whose sender had its base at depth 0.
        var content = Rows(2000);
        var hash = await PutOkAsync(content, StoredObjectEncoder.EncodeFull(content)!);
        for (var depth = 1; depth <= StoredObjectHeader.MaxChainDepth; depth++)
        {
            var next = Edited(content);
            next[depth] = (byte)('q' + depth); // never a hex digit of the row's id, so every version differs
            hash = await PutOkAsync(next, StoredObjectEncoder.EncodeDelta(next, hash, content, depth - 1)!);
            content = next;
        }
        var last = Edited(content);
        last[^2] = (byte)'!';

        var lastHash = await PutOkAsync(last, StoredObjectEncoder.EncodeDelta(last, hash, content, baseDepth: 0)!);

        var stored = StoredObjectHeader.Read(lastHash, await File.ReadAllBytesAsync(StoredPath(lastHash), Ct))!.Value;
        Assert.Equal((StoredObjectKind.Full, 0), (stored.Kind, stored.Depth));
    }

    [Fact]
    public async Task DatasetVersion_OverACompressedManifest_ReadsTheDecodedManifest()
    {
        var chunks = Enumerable.Range(0, 6).Select(_ => Encoding.UTF8.GetBytes($"a,b\n1,2\n{Guid.NewGuid():N}\n")).ToArray();
        foreach (var chunk in chunks)
        {
            await PutOkAsync(chunk, chunk);
        }
        var files = string.Join(",", chunks.Select((c, i) => $$"""{"path":"part{{i}}.csv","size":{{c.Length}},"chunks":[{"h":"{{DatasetHttp.Hash(c)}}","n":{{c.Length}}}]}"""));
        var manifest = Encoding.UTF8.GetBytes($$"""{"version":1,"kind":"directory","files":[{{files}}]}""");
        var manifestHash = await PutOkAsync(manifest, StoredObjectEncoder.EncodeFull(manifest)!);
        var name = await _client.NewDatasetAsync();

        var version = await _client.OkAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions", new JsonObject
        {
            ["manifest_hash"] = manifestHash,
            ["size"] = chunks.Sum(c => c.Length),
            ["file_count"] = chunks.Length,
            ["kind"] = "directory",
        }.ToJsonString());

        Assert.Equal(manifestHash, version["manifest_hash"]!.GetValue<string>());
        Assert.Equal(chunks.Length, version["file_count"]!.GetValue<int>());
    }
}
