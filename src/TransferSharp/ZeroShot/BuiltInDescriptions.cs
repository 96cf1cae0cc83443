namespace TransferSharp.ZeroShot;

/// <summary>
/// Attribute tables written for the built-in datasets: <c>fashion-mnist</c> (17 binary attributes of garments) and
/// <c>digits</c> (18 binary attributes of stroke shapes, for mnist, optdigits and mnist-m). Every attribute is
/// explained, class by class, in <c>data/attributes.md</c>; every class is a unique combination.
/// </summary>
/// <remarks>
/// They describe how a class usually looks, not every example: handwriting and product photos vary, and zero-shot
/// accuracy is bounded by how well such coarse attributes separate the classes.
/// </remarks>
public static class BuiltInDescriptions
{
    /// <summary>The built-in table names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "digits"];

    // Columns are explained in data/attributes.md; the order of rows follows the datasets' class order.
    private const string FashionMnist = """
        class,upper_body,legs,feet,sleeves,long_sleeves,front_opening,collar,knitted,one_piece,two_legs,taller_than_wide,heel,straps,covers_ankle,laces,carried,rectangular
        T-shirt/top,1,0,0,1,0,0,0,1,0,0,0,0,0,0,0,0,0
        Trouser,    0,1,0,0,0,0,0,0,0,1,1,0,0,0,0,0,0
        Pullover,   1,0,0,1,1,0,0,1,0,0,0,0,0,0,0,0,0
        Dress,      1,1,0,0,0,0,0,0,1,0,1,0,0,0,0,0,0
        Coat,       1,0,0,1,1,1,1,0,0,0,1,0,0,0,0,0,0
        Sandal,     0,0,1,0,0,0,0,0,0,0,0,1,1,0,0,0,0
        Shirt,      1,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0
        Sneaker,    0,0,1,0,0,0,0,0,0,0,0,0,0,0,1,0,0
        Bag,        0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,1,1
        Ankle boot, 0,0,1,0,0,0,0,0,0,0,0,1,0,1,0,0,0
        """;

    private const string Digits = """
        class,closed_loop,two_loops,loop_at_top,loop_at_bottom,curved_strokes,straight_strokes_only,vertical_stroke,bar_at_top,bar_in_middle,bar_at_bottom,diagonal_stroke,arc_at_top_open_left,bowl_at_bottom_open_left,arc_open_right,left_right_symmetric,top_bottom_symmetric,strokes_cross,narrow
        0,1,0,0,0,1,0,0,0,0,0,0,0,0,0,1,1,0,0
        1,0,0,0,0,0,1,1,0,0,0,0,0,0,0,1,1,0,1
        2,0,0,0,0,1,0,0,0,0,1,1,1,0,0,0,0,0,0
        3,0,0,0,0,1,0,0,0,0,0,0,1,1,0,0,1,0,0
        4,0,0,0,0,0,1,1,0,1,0,1,0,0,0,0,0,1,0
        5,0,0,0,0,0,0,0,1,0,0,0,0,1,0,0,0,0,0
        6,1,0,0,1,1,0,0,0,0,0,0,0,0,1,0,0,0,0
        7,0,0,0,0,0,1,0,1,0,0,1,0,0,0,0,0,0,0
        8,1,1,1,1,1,0,0,0,0,0,0,0,0,0,1,1,1,0
        9,1,0,1,0,1,0,1,0,0,0,0,0,0,0,0,0,0,0
        """;

    /// <summary>The table called <paramref name="name"/> (<c>fashion-mnist</c> or <c>digits</c>).</summary>
    public static ClassDescriptions Get(string name) => name switch
    {
        "fashion-mnist" => AttributeTable.Parse("builtin:fashion-mnist", FashionMnist),
        "digits" => AttributeTable.Parse("builtin:digits", Digits),
        _ => throw new ArgumentException($"no built-in descriptions named '{name}' (choose {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// The built-in table that describes every one of <paramref name="classNames"/>, reordered to them; fails, naming
    /// <paramref name="dataName"/>, when no table does.
    /// </summary>
    public static ClassDescriptions For(string dataName, IReadOnlyList<string> classNames)
    {
        foreach (var name in Names)
        {
            var table = Get(name);
            if (classNames.All(c => table.IndexOf(c) >= 0)) return table.For(classNames);
        }
        throw new ArgumentException(
            $"no built-in descriptions for dataset '{dataName}' (classes {string.Join(", ", classNames.Take(6))}{(classNames.Count > 6 ? ", ..." : "")}): " +
            "the built-ins describe fashion-mnist and the digit sets (mnist, optdigits, mnist-m); pass an attribute table (.csv) or word vectors instead");
    }
}
