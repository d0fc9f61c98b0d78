using Keel.Core.Hosting;

namespace Keel.Storage;

/// <summary>A metadata store that can open the <see cref="IKeyRingStore"/> of its own database, shared by every replica on it.</summary>
internal interface IKeyRingStoreSource
{
    IKeyRingStore CreateKeyRingStore();
}
