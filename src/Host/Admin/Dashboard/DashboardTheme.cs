using MudBlazor;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>The dashboard's colours: MudBlazor's defaults with state colours an operator reads at a glance.</summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1565c0", AppbarBackground = "#1565c0" },
        PaletteDark = new PaletteDark { Primary = "#64b5f6" },
    };
}
