using System.Security.Cryptography;

namespace Wharf.Server.Tracking;

/// <summary>Names for runs created without one, in MLflow's style: <c>&lt;adjective&gt;-&lt;noun&gt;-&lt;number&gt;</c>.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives = ["amber", "bold", "brave", "calm", "clever", "crisp", "eager", "fleet", "gentle", "keen", "lucid", "merry", "nimble", "quiet", "rapid", "shy", "sleek", "sturdy", "swift", "witty"];
    private static readonly string[] Nouns = ["ant", "bass", "crane", "deer", "eel", "finch", "gull", "hare", "ibis", "jay", "koi", "lark", "mole", "newt", "owl", "pike", "quail", "ram", "seal", "wren"];

    public static string New() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)]}-{RandomNumberGenerator.GetInt32(1000)}";
}
