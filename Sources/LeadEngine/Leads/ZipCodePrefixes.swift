/// Which states a ZIP Code's 3-digit prefix belongs to, so lead qualification can check
/// "the ZIP is 5 digits and belongs to the state" without a network call or a 42,000-row ZIP file.
///
/// Most prefixes belong to one state. The few that USPS really uses in more than one state
/// (see `shared`) list every one of them, so a real ZIP Code is never rejected; unassigned
/// prefixes belong to no state. States are upper-case USPS codes: the 50 states and DC, plus
/// territories and military codes (PR, VI, GU, AS, MP, FM, MH, PW, AA, AE, AP) where USPS assigns them.
public enum ZipCodePrefixes {
    /// Where the table comes from, for logs and documentation.
    public static let source: String =
        "USPS 3-digit ZIP Code prefix assignments (Domestic Mail Manual labeling list L002, \"3-Digit ZIP Code Prefix Matrix\", "
        + "https://pe.usps.com/text/LabelingLists/L002.htm), tabulated from USPS 5-digit ZIP Code city/state data "
        + "(USPS ZIP Locale Detail, https://postalpro.usps.com/ZIP_Locale_Detail, as bundled in the zipcodes 3.0.0 dataset, "
        + "https://github.com/seanpianka/zipcodes) and cross-checked against a USPS CityStateLookup extract "
        + "(https://github.com/pseudosavant/usps-zip-codes)."

    /// The states prefix `prefix` (0...999) is assigned to: usually one, several for a shared prefix,
    /// none when unassigned or out of range.
    public static func states(forPrefix prefix: Int) -> [String] {
        guard table.indices.contains(prefix) else { return [] }
        return table[prefix]
    }

    /// The states of a ZIP Code's prefix; `[]` unless `zip` is exactly 5 ASCII digits.
    public static func states(forZipCode zip: String) -> [String] {
        guard zip.utf8.count == 5 else { return [] }
        var prefix = 0
        for (position, byte) in zip.utf8.enumerated() {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return [] }
            if position < 3 { prefix = prefix * 10 + Int(byte - UInt8(ascii: "0")) }
        }
        return states(forPrefix: prefix)
    }

    /// Whether `zip` is a 5-digit ZIP Code whose prefix is used in `state` (an upper-case USPS code).
    public static func zipCode(_ zip: String, isIn state: String) -> Bool {
        states(forZipCode: zip).contains(state)
    }

    /// Runs of consecutive prefixes assigned to one state, in prefix order. Gaps are unassigned prefixes.
    private static let runs: [(ClosedRange<Int>, String)] = [
        (005...005, "NY"),  // Holtsville IRS (00501, 00544)
        (006...007, "PR"), (008...008, "VI"), (009...009, "PR"),
        (010...027, "MA"), (028...029, "RI"), (030...038, "NH"), (039...049, "ME"),
        (050...054, "VT"),
        (055...055, "MA"),  // Andover IRS (05501, 05544)
        (056...059, "VT"),
        (060...069, "CT"),  // 063 is shared with NY, see `shared`
        (070...089, "NJ"),
        (090...099, "AE"),  // Military, Europe/Middle East; some data tags 0990x/0998x NJ (the facility), not an address state
        (100...149, "NY"), (150...196, "PA"), (197...199, "DE"),
        (200...200, "DC"),
        (201...201, "VA"),  // Dulles and northern Virginia
        (202...205, "DC"),  // 205 is shared with MD and VA, see `shared`
        (206...212, "MD"), (214...219, "MD"),
        (220...246, "VA"), (247...268, "WV"), (270...289, "NC"), (290...299, "SC"), (300...319, "GA"),
        (320...339, "FL"),
        (340...340, "AA"),  // Military, Americas
        (341...342, "FL"), (344...344, "FL"), (346...347, "FL"), (349...349, "FL"),
        (350...352, "AL"), (354...369, "AL"), (370...385, "TN"), (386...397, "MS"),
        (398...399, "GA"),  // 398 southwest Georgia, 399 Atlanta IRS
        (400...418, "KY"), (420...427, "KY"),
        (430...459, "OH"),  // 459: 45999 Cincinnati
        (460...479, "IN"), (480...499, "MI"),
        (500...516, "IA"), (520...528, "IA"),
        (530...532, "WI"), (534...535, "WI"), (537...549, "WI"),
        (550...551, "MN"), (553...567, "MN"),
        (569...569, "DC"),  // Parcel Return Service
        (570...577, "SD"), (580...588, "ND"), (590...599, "MT"),
        (600...620, "IL"), (622...629, "IL"),
        (630...631, "MO"), (633...641, "MO"), (644...658, "MO"),
        (660...662, "KS"), (664...679, "KS"),
        (680...681, "NE"), (683...693, "NE"),
        (700...701, "LA"), (703...708, "LA"), (710...714, "LA"),
        (716...729, "AR"),
        (730...731, "OK"),
        (733...733, "TX"),  // Austin IRS (73301, 73344)
        (734...741, "OK"),  // 739 is shared with TX, see `shared`
        (743...749, "OK"),
        (750...770, "TX"), (772...799, "TX"),
        (800...816, "CO"), (820...831, "WY"),
        (832...838, "ID"),  // 834 is shared with WY, see `shared`
        (840...847, "UT"),
        (850...853, "AZ"), (855...857, "AZ"), (859...860, "AZ"), (863...865, "AZ"),
        (870...871, "NM"),
        (873...884, "NM"),  // 876: 87654 Spaceport City
        (885...885, "TX"),  // El Paso post office boxes
        (889...891, "NV"), (893...895, "NV"), (897...898, "NV"),
        (900...908, "CA"), (910...928, "CA"), (930...961, "CA"),
        (962...966, "AP"),  // Military, Pacific
        (967...968, "HI"),  // 967 is shared with AS, see `shared`
        (970...979, "OR"),
        (980...986, "WA"), (988...994, "WA"),
        (995...999, "AK"),
        // 888 is left unassigned on purpose: its only ZIP, 88888 ("North Pole", listed under DC), is a
        // novelty address with no residents and is missing from the USPS CityStateLookup cross-check.
    ]

    /// Prefixes with real ZIP Codes in more than one state; each replaces its run's single state.
    private static let shared: [(Int, [String])] = [
        (063, ["CT", "NY"]),  // 06390 Fishers Island, NY, reached by ferry from New London, CT
        (205, ["DC", "MD", "VA"]),  // unique ZIPs 20588 DHS (MD) and 20598 DHS (VA)
        (739, ["OK", "TX"]),  // 73960 Texhoma, TX across the line from Texhoma, OK
        (834, ["ID", "WY"]),  // 83414 Alta, WY, served from Driggs, ID
        (967, ["HI", "AS"]),  // 96799 Pago Pago, American Samoa
        (969, ["GU", "MP", "FM", "MH", "PW"]),  // Guam and the former Trust Territory
    ]

    /// All 1000 prefixes, built once from `runs` and `shared`.
    private static let table: [[String]] = {
        var table = [[String]](repeating: [], count: 1000)
        for (range, state) in runs {
            for prefix in range { table[prefix] = [state] }
        }
        for (prefix, states) in shared { table[prefix] = states }
        return table
    }()
}
