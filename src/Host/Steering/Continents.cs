using System.Collections.Frozen;

namespace FlowBalance.Host.Steering;

/// <summary>
/// ISO 3166 country code → continent code (AF, AN, AS, EU, NA, OC, SA), as GeoNames assigns them,
/// for regions given by a header that carries only the country (CF-IPCountry).
/// </summary>
public static class Continents
{
    private static readonly FrozenDictionary<string, string> ByCountry = Build(new Dictionary<string, string>
    {
        ["AF"] = "DZ AO BJ BW BF BI CM CV CF TD KM CD CG CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW",
        ["AN"] = "AQ BV GS HM TF",
        ["AS"] = "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE IO CC CX",
        ["EU"] = "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE XK LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB",
        ["NA"] = "AI AG AW BS BB BZ BM BQ CA KY CR CU CW DM DO SV GL GD GP GT HT HN JM MQ MX MS NI PA PR BL KN LC MF PM VC SX TT TC US VG VI",
        ["OC"] = "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF UM",
        ["SA"] = "AR BO BR CL CO EC FK GF GY PY PE SR UY VE",
    });

    /// <summary>The continent of <paramref name="country"/> (any case), or null for an unknown code (e.g. XX, T1).</summary>
    public static string? Of(string country) => ByCountry.GetValueOrDefault(country);

    private static FrozenDictionary<string, string> Build(Dictionary<string, string> countriesByContinent) =>
        countriesByContinent
            .SelectMany(pair => pair.Value.Split(' ').Select(country => KeyValuePair.Create(country, pair.Key)))
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}
