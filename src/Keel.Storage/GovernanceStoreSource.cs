using Keel.Core.Registry.Governance;

namespace Keel.Storage;

/// <summary>
/// A registry store that can open the <see cref="IGovernanceStore"/> of its own database: alias moves must commit in
/// the same transaction as the alias change, so the two stores always share one database.
/// </summary>
internal interface IGovernanceStoreSource
{
    IGovernanceStore CreateGovernanceStore();
}
