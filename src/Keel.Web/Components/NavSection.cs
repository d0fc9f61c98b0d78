namespace Keel.Web.Components;

/// <summary>The main navigation's sections; a page names its own so the menu marks it current.</summary>
public enum NavSection
{
    None,
    Experiments,
    Models,
    Datasets,
    Deployments,
    Monitoring,
}
