namespace Blink.Workbench.Plots;

/// <summary>Marker symbols both back ends can draw (names map 1:1 to Plotly's marker symbols).</summary>
public enum MarkerShape
{
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
}
