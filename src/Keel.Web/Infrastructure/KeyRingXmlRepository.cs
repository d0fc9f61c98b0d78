using System.Xml.Linq;
using Keel.Core.Hosting;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Keel.Web.Infrastructure;

/// <summary>
/// Data protection keys in the metadata database (<see cref="IKeyRingStore"/>), so a form rendered by one replica is
/// accepted by another and by the same server after a restart. Data protection reads its repository synchronously and
/// rarely (at start, when its cached ring expires, when it adds a key), so blocking on the store here is acceptable.
/// </summary>
internal sealed class KeyRingXmlRepository(IKeyRingStore store, TimeProvider time) : IXmlRepository
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. Wait(ct => store.ListAsync(ct)).Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        Wait(async ct =>
        {
            await store.AddAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            return true;
        });
    }

    private static T Wait<T>(Func<CancellationToken, Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        // Run off the caller's context so the wait can never deadlock on it.
        return Task.Run(() => call(timeout.Token)).GetAwaiter().GetResult();
    }
}

/// <summary>Keys in this process only, for hosts without a metadata store: a restart costs the open forms a reload.</summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            _elements.Add(new XElement(element));
        }
    }
}
