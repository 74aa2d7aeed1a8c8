/// One US area code (a NANP "NPA"): the state or territory it serves and every IANA time zone its
/// numbers can be in.
///
/// Lead qualification uses it to accept only real, geographic US numbers; the compliance calling
/// window uses `timeZones` to find the called party's local time. An area code that crosses a time
/// zone line lists every zone it is used in, and a call is allowed only while the window is open in
/// all of them: the table cannot tell which side of the line one number is on. The first zone is the
/// one most of the code's numbers are in.
public struct AreaCode: Sendable, Equatable {
    /// The three digits, 200...999.
    public let code: Int
    /// Two-letter USPS code: a state, "DC", or a territory ("PR", "VI", "GU", "AS", "MP").
    public let state: String
    /// IANA time zone identifiers, never empty, most-used first.
    public let timeZones: [String]

    public init(code: Int, state: String, timeZones: [String]) {
        self.code = code
        self.state = state
        self.timeZones = timeZones
    }
}

/// Every geographic area code in service in the 50 states, DC and the US territories (Puerto Rico,
/// US Virgin Islands, Guam, American Samoa, Northern Mariana Islands), with state and time zones.
///
/// Not here, so `lookUp` answers `nil`: non-geographic codes (toll-free 800/833/844/855/866/877/888,
/// premium 900, the 5XX personal-communications codes, 600, 700, 710), N11 service codes, codes
/// reserved for expansion (N9X, 37X, 96X), codes not yet in service, and the other NANP countries
/// (Canada, the Caribbean), none of which is a valid US lead phone.
///
/// Time zones follow the legal boundaries of 49 CFR Part 71, plus the Navajo Nation, which keeps
/// daylight saving time inside Arizona (928). Places that keep another zone unofficially
/// (Phenix City AL on Eastern time, Kenton OK and Jackpot NV on Mountain time) are not listed.
/// Overlay codes serve the same ground as the code they overlay, so they carry the same zones.
///
/// Data as of November 2026. New overlay codes open every year: refresh this table from NANPA's
/// NPA report when one is announced.
public enum AreaCodes {
    /// Where the table comes from, for audit.
    public static let source: String = """
        Area codes and their states: NANPA, the North American Numbering Plan Administrator \
        (https://www.nationalnanpa.com/reports/reports_npa.html, NPA database \
        https://www.nationalnanpa.com/nanp1/npa_report.csv, area code maps at https://www.nationalnanpa.com), \
        cross-checked against Google libphonenumber 9.0.43 metadata (https://github.com/google/libphonenumber) \
        and the state commissions' overlay announcements. Time zones: the US standard time zone boundaries \
        of 49 CFR Part 71 (https://www.ecfr.gov/current/title-49/subtitle-A/part-71), as IANA tz database \
        names (https://www.iana.org/time-zones). As of November 2026.
        """

    /// The area code's entry, or `nil` when `code` is not a geographic US area code in service.
    public static func lookUp(_ code: Int) -> AreaCode? {
        guard code >= 0, code < byCode.count else { return nil }
        return byCode[code]
    }

    /// Every entry, sorted by code.
    public static var all: [AreaCode] { sorted }

    /// Indexed by the code itself, so a look-up is one array access.
    private static let byCode: [AreaCode?] = {
        var slots = [AreaCode?](repeating: nil, count: 1000)
        for (code, state, zones) in table {
            precondition(slots[code] == nil, "area code \(code) is listed twice")
            slots[code] = AreaCode(code: code, state: state, timeZones: zones)
        }
        return slots
    }()

    private static let sorted: [AreaCode] = byCode.compactMap { $0 }

    private static let newYork = "America/New_York"
    private static let detroit = "America/Detroit"
    private static let indianapolis = "America/Indiana/Indianapolis"
    private static let louisville = "America/Kentucky/Louisville"
    private static let chicago = "America/Chicago"
    /// Michigan's four Upper Peninsula counties on Central time (Menominee, Dickinson, Iron, Gogebic).
    private static let menominee = "America/Menominee"
    private static let denver = "America/Denver"
    /// Southern Idaho, and Malheur County, Oregon, on Mountain time.
    private static let boise = "America/Boise"
    /// Arizona keeps Mountain Standard Time all year.
    private static let phoenix = "America/Phoenix"
    private static let losAngeles = "America/Los_Angeles"
    private static let anchorage = "America/Anchorage"
    /// The Aleutian Islands west of 169°30′ W.
    private static let adak = "America/Adak"
    private static let honolulu = "Pacific/Honolulu"
    private static let puertoRico = "America/Puerto_Rico"
    private static let stThomas = "America/St_Thomas"
    private static let guam = "Pacific/Guam"
    private static let pagoPago = "Pacific/Pago_Pago"
    private static let saipan = "Pacific/Saipan"

    /// (code, state, zones), grouped by state. Split codes:
    /// - 850 and its overlay 448 (FL): the panhandle west of the Apalachicola River is Central.
    /// - 423 and 729 (TN), 270 and 364, 606 (KY): the Eastern/Central line runs through them.
    /// - 219, 574, 812 and 930 (IN): the northwest and southwest corners of Indiana are Central.
    /// - 906 (MI): four Upper Peninsula counties on the Wisconsin line are Central.
    /// - 308 (NE), 605 (SD), 701 (ND), 620 and 785 (KS): their western parts are Mountain.
    /// - 915 (TX): El Paso and Hudspeth counties are Mountain; the rest of Texas is Central.
    /// - 928 (AZ): the Navajo Nation keeps daylight saving time (Mountain), the rest of Arizona does not.
    /// - 208 and 986 (ID): the panhandle north of the Salmon River is Pacific.
    /// - 541 and 458 (OR): most of Malheur County is Mountain.
    /// - 775 (NV): West Wendover is Mountain.
    /// - 907 (AK): the western Aleutians are Hawaii–Aleutian time.
    /// Codes in service but with few or no numbers assigned yet (the older code of the overlay is not
    /// exhausted): 357, 436, 483, 624, 679, 729, 837, 861, 924.
    private static let table: [(code: Int, state: String, zones: [String])] = [
        // Alabama
        (205, "AL", [chicago]), (251, "AL", [chicago]), (256, "AL", [chicago]), (334, "AL", [chicago]),
        (483, "AL", [chicago]), (659, "AL", [chicago]), (938, "AL", [chicago]),
        // Alaska
        (907, "AK", [anchorage, adak]),
        // Arizona
        (480, "AZ", [phoenix]), (520, "AZ", [phoenix]), (602, "AZ", [phoenix]), (623, "AZ", [phoenix]),
        (928, "AZ", [phoenix, denver]),
        // Arkansas
        (327, "AR", [chicago]), (479, "AR", [chicago]), (501, "AR", [chicago]), (870, "AR", [chicago]),
        // California
        (209, "CA", [losAngeles]), (213, "CA", [losAngeles]), (279, "CA", [losAngeles]), (310, "CA", [losAngeles]),
        (323, "CA", [losAngeles]), (341, "CA", [losAngeles]), (350, "CA", [losAngeles]), (357, "CA", [losAngeles]),
        (369, "CA", [losAngeles]), (408, "CA", [losAngeles]), (415, "CA", [losAngeles]), (424, "CA", [losAngeles]),
        (442, "CA", [losAngeles]), (510, "CA", [losAngeles]), (530, "CA", [losAngeles]), (559, "CA", [losAngeles]),
        (562, "CA", [losAngeles]), (619, "CA", [losAngeles]), (626, "CA", [losAngeles]), (628, "CA", [losAngeles]),
        (650, "CA", [losAngeles]), (657, "CA", [losAngeles]), (661, "CA", [losAngeles]), (669, "CA", [losAngeles]),
        (707, "CA", [losAngeles]), (714, "CA", [losAngeles]), (738, "CA", [losAngeles]), (747, "CA", [losAngeles]),
        (760, "CA", [losAngeles]), (805, "CA", [losAngeles]), (818, "CA", [losAngeles]), (820, "CA", [losAngeles]),
        (831, "CA", [losAngeles]), (837, "CA", [losAngeles]), (840, "CA", [losAngeles]), (858, "CA", [losAngeles]),
        (909, "CA", [losAngeles]), (916, "CA", [losAngeles]), (925, "CA", [losAngeles]), (949, "CA", [losAngeles]),
        (951, "CA", [losAngeles]),
        // Colorado
        (303, "CO", [denver]), (719, "CO", [denver]), (720, "CO", [denver]), (748, "CO", [denver]), (970, "CO", [denver]),
        (983, "CO", [denver]),
        // Connecticut
        (203, "CT", [newYork]), (475, "CT", [newYork]), (860, "CT", [newYork]), (959, "CT", [newYork]),
        // Delaware
        (302, "DE", [newYork]),
        // District of Columbia
        (202, "DC", [newYork]), (771, "DC", [newYork]),
        // Florida
        (239, "FL", [newYork]), (305, "FL", [newYork]), (321, "FL", [newYork]), (324, "FL", [newYork]),
        (352, "FL", [newYork]), (386, "FL", [newYork]), (407, "FL", [newYork]), (448, "FL", [chicago, newYork]),
        (561, "FL", [newYork]), (645, "FL", [newYork]), (656, "FL", [newYork]), (689, "FL", [newYork]),
        (727, "FL", [newYork]), (728, "FL", [newYork]), (754, "FL", [newYork]), (772, "FL", [newYork]),
        (786, "FL", [newYork]), (813, "FL", [newYork]), (850, "FL", [chicago, newYork]), (863, "FL", [newYork]),
        (904, "FL", [newYork]), (941, "FL", [newYork]), (954, "FL", [newYork]),
        // Georgia
        (229, "GA", [newYork]), (404, "GA", [newYork]), (470, "GA", [newYork]), (478, "GA", [newYork]),
        (678, "GA", [newYork]), (706, "GA", [newYork]), (762, "GA", [newYork]), (770, "GA", [newYork]),
        (912, "GA", [newYork]), (943, "GA", [newYork]),
        // Hawaii
        (808, "HI", [honolulu]),
        // Idaho
        (208, "ID", [boise, losAngeles]), (986, "ID", [boise, losAngeles]),
        // Illinois
        (217, "IL", [chicago]), (224, "IL", [chicago]), (309, "IL", [chicago]), (312, "IL", [chicago]),
        (331, "IL", [chicago]), (447, "IL", [chicago]), (464, "IL", [chicago]), (618, "IL", [chicago]),
        (630, "IL", [chicago]), (708, "IL", [chicago]), (730, "IL", [chicago]), (773, "IL", [chicago]),
        (779, "IL", [chicago]), (815, "IL", [chicago]), (847, "IL", [chicago]), (861, "IL", [chicago]),
        (872, "IL", [chicago]),
        // Indiana
        (219, "IN", [chicago, indianapolis]), (260, "IN", [indianapolis]), (317, "IN", [indianapolis]),
        (463, "IN", [indianapolis]), (574, "IN", [indianapolis, chicago]), (765, "IN", [indianapolis]),
        (812, "IN", [indianapolis, chicago]), (930, "IN", [indianapolis, chicago]),
        // Iowa
        (319, "IA", [chicago]), (515, "IA", [chicago]), (563, "IA", [chicago]), (641, "IA", [chicago]),
        (712, "IA", [chicago]),
        // Kansas
        (316, "KS", [chicago]), (620, "KS", [chicago, denver]), (785, "KS", [chicago, denver]), (913, "KS", [chicago]),
        // Kentucky
        (270, "KY", [chicago, newYork]), (364, "KY", [chicago, newYork]), (502, "KY", [louisville]),
        (606, "KY", [newYork, chicago]), (859, "KY", [newYork]),
        // Louisiana
        (225, "LA", [chicago]), (318, "LA", [chicago]), (337, "LA", [chicago]), (504, "LA", [chicago]),
        (985, "LA", [chicago]),
        // Maine
        (207, "ME", [newYork]),
        // Maryland
        (227, "MD", [newYork]), (240, "MD", [newYork]), (301, "MD", [newYork]), (410, "MD", [newYork]),
        (443, "MD", [newYork]), (667, "MD", [newYork]),
        // Massachusetts
        (339, "MA", [newYork]), (351, "MA", [newYork]), (413, "MA", [newYork]), (508, "MA", [newYork]),
        (617, "MA", [newYork]), (774, "MA", [newYork]), (781, "MA", [newYork]), (857, "MA", [newYork]),
        (978, "MA", [newYork]),
        // Michigan
        (231, "MI", [detroit]), (248, "MI", [detroit]), (269, "MI", [detroit]), (313, "MI", [detroit]),
        (517, "MI", [detroit]), (586, "MI", [detroit]), (616, "MI", [detroit]), (679, "MI", [detroit]),
        (734, "MI", [detroit]), (810, "MI", [detroit]), (906, "MI", [detroit, menominee]), (947, "MI", [detroit]),
        (989, "MI", [detroit]),
        // Minnesota
        (218, "MN", [chicago]), (320, "MN", [chicago]), (507, "MN", [chicago]), (612, "MN", [chicago]),
        (651, "MN", [chicago]), (763, "MN", [chicago]), (924, "MN", [chicago]), (952, "MN", [chicago]),
        // Mississippi
        (228, "MS", [chicago]), (601, "MS", [chicago]), (662, "MS", [chicago]), (769, "MS", [chicago]),
        // Missouri
        (235, "MO", [chicago]), (314, "MO", [chicago]), (417, "MO", [chicago]), (557, "MO", [chicago]),
        (573, "MO", [chicago]), (636, "MO", [chicago]), (660, "MO", [chicago]), (816, "MO", [chicago]),
        (975, "MO", [chicago]),
        // Montana
        (406, "MT", [denver]),
        // Nebraska
        (308, "NE", [chicago, denver]), (402, "NE", [chicago]), (531, "NE", [chicago]),
        // Nevada
        (702, "NV", [losAngeles]), (725, "NV", [losAngeles]), (775, "NV", [losAngeles, denver]),
        // New Hampshire
        (603, "NH", [newYork]),
        // New Jersey
        (201, "NJ", [newYork]), (551, "NJ", [newYork]), (609, "NJ", [newYork]), (640, "NJ", [newYork]),
        (732, "NJ", [newYork]), (848, "NJ", [newYork]), (856, "NJ", [newYork]), (862, "NJ", [newYork]),
        (908, "NJ", [newYork]), (973, "NJ", [newYork]),
        // New Mexico
        (505, "NM", [denver]), (575, "NM", [denver]),
        // New York
        (212, "NY", [newYork]), (315, "NY", [newYork]), (329, "NY", [newYork]), (332, "NY", [newYork]),
        (347, "NY", [newYork]), (363, "NY", [newYork]), (516, "NY", [newYork]), (518, "NY", [newYork]),
        (585, "NY", [newYork]), (607, "NY", [newYork]), (624, "NY", [newYork]), (631, "NY", [newYork]),
        (646, "NY", [newYork]), (680, "NY", [newYork]), (716, "NY", [newYork]), (718, "NY", [newYork]),
        (838, "NY", [newYork]), (845, "NY", [newYork]), (914, "NY", [newYork]), (917, "NY", [newYork]),
        (929, "NY", [newYork]), (934, "NY", [newYork]),
        // North Carolina
        (252, "NC", [newYork]), (336, "NC", [newYork]), (472, "NC", [newYork]), (704, "NC", [newYork]),
        (743, "NC", [newYork]), (828, "NC", [newYork]), (910, "NC", [newYork]), (919, "NC", [newYork]),
        (980, "NC", [newYork]), (984, "NC", [newYork]),
        // North Dakota
        (701, "ND", [chicago, denver]),
        // Ohio
        (216, "OH", [newYork]), (220, "OH", [newYork]), (234, "OH", [newYork]), (283, "OH", [newYork]),
        (326, "OH", [newYork]), (330, "OH", [newYork]), (380, "OH", [newYork]), (419, "OH", [newYork]),
        (436, "OH", [newYork]), (440, "OH", [newYork]), (513, "OH", [newYork]), (567, "OH", [newYork]),
        (614, "OH", [newYork]), (740, "OH", [newYork]), (937, "OH", [newYork]),
        // Oklahoma
        (405, "OK", [chicago]), (539, "OK", [chicago]), (572, "OK", [chicago]), (580, "OK", [chicago]),
        (918, "OK", [chicago]),
        // Oregon
        (458, "OR", [losAngeles, boise]), (503, "OR", [losAngeles]), (541, "OR", [losAngeles, boise]),
        (971, "OR", [losAngeles]),
        // Pennsylvania
        (215, "PA", [newYork]), (223, "PA", [newYork]), (267, "PA", [newYork]), (272, "PA", [newYork]),
        (412, "PA", [newYork]), (445, "PA", [newYork]), (484, "PA", [newYork]), (570, "PA", [newYork]),
        (582, "PA", [newYork]), (610, "PA", [newYork]), (717, "PA", [newYork]), (724, "PA", [newYork]),
        (814, "PA", [newYork]), (835, "PA", [newYork]), (878, "PA", [newYork]),
        // Rhode Island
        (401, "RI", [newYork]),
        // South Carolina
        (803, "SC", [newYork]), (821, "SC", [newYork]), (839, "SC", [newYork]), (843, "SC", [newYork]),
        (854, "SC", [newYork]), (864, "SC", [newYork]),
        // South Dakota
        (605, "SD", [chicago, denver]),
        // Tennessee
        (423, "TN", [newYork, chicago]), (615, "TN", [chicago]), (629, "TN", [chicago]), (729, "TN", [newYork, chicago]),
        (731, "TN", [chicago]), (865, "TN", [newYork]), (901, "TN", [chicago]), (931, "TN", [chicago]),
        // Texas
        (210, "TX", [chicago]), (214, "TX", [chicago]), (254, "TX", [chicago]), (281, "TX", [chicago]),
        (325, "TX", [chicago]), (346, "TX", [chicago]), (361, "TX", [chicago]), (409, "TX", [chicago]),
        (430, "TX", [chicago]), (432, "TX", [chicago]), (469, "TX", [chicago]), (512, "TX", [chicago]),
        (682, "TX", [chicago]), (713, "TX", [chicago]), (726, "TX", [chicago]), (737, "TX", [chicago]),
        (806, "TX", [chicago]), (817, "TX", [chicago]), (830, "TX", [chicago]), (832, "TX", [chicago]),
        (903, "TX", [chicago]), (915, "TX", [denver]), (936, "TX", [chicago]), (940, "TX", [chicago]),
        (945, "TX", [chicago]), (956, "TX", [chicago]), (972, "TX", [chicago]), (979, "TX", [chicago]),
        // Utah
        (385, "UT", [denver]), (435, "UT", [denver]), (801, "UT", [denver]),
        // Vermont
        (802, "VT", [newYork]),
        // Virginia
        (276, "VA", [newYork]), (434, "VA", [newYork]), (540, "VA", [newYork]), (571, "VA", [newYork]),
        (686, "VA", [newYork]), (703, "VA", [newYork]), (757, "VA", [newYork]), (804, "VA", [newYork]),
        (826, "VA", [newYork]), (948, "VA", [newYork]),
        // Washington
        (206, "WA", [losAngeles]), (253, "WA", [losAngeles]), (360, "WA", [losAngeles]), (425, "WA", [losAngeles]),
        (509, "WA", [losAngeles]), (564, "WA", [losAngeles]),
        // West Virginia
        (304, "WV", [newYork]), (681, "WV", [newYork]),
        // Wisconsin
        (262, "WI", [chicago]), (274, "WI", [chicago]), (353, "WI", [chicago]), (414, "WI", [chicago]),
        (534, "WI", [chicago]), (608, "WI", [chicago]), (715, "WI", [chicago]), (920, "WI", [chicago]),
        // Wyoming
        (307, "WY", [denver]),
        // Puerto Rico
        (787, "PR", [puertoRico]), (939, "PR", [puertoRico]),
        // U.S. Virgin Islands
        (340, "VI", [stThomas]),
        // Guam
        (671, "GU", [guam]),
        // American Samoa
        (684, "AS", [pagoPago]),
        // Northern Mariana Islands
        (670, "MP", [saipan]),
    ]
}
