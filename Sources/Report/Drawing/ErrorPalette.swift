/// What a box on an image stands for.
public enum BoxRole: Sendable, Equatable {
    case groundTruth
    case truePositive
    /// A TIDE error type by its short name: "Cls", "Loc", "Both", "Dupe", "Bkg" or "Miss".
    case error(String)

    /// Ground truth, missed or not, is drawn dashed; predictions solid: the two read apart without colour.
    var isGroundTruth: Bool {
        switch self {
        case .groundTruth: true
        case .error(let type): type == "Miss"
        case .truePositive: false
        }
    }
}

/// The report's colours for boxes, error types and case statuses: one meaning, one colour, everywhere
/// (boxes, dAP bars, badges). Based on the Okabe–Ito palette, which stays distinct under colour blindness.
public enum ErrorPalette {
    public static func color(for role: BoxRole) -> RGBColor {
        switch role {
        case .groundTruth: RGBColor(hex: 0x009E73)  // bluish green
        case .truePositive: RGBColor(hex: 0x0072B2)  // blue
        case .error(let type): errorColors[type] ?? unknown
        }
    }

    /// For a case status of the failure set: "fixed", "still failing", "newly broken", "passing", "new",
    /// "failing" (a case's first iteration, with nothing to compare to) and "absent"; anything else is grey.
    public static func color(forStatus status: String) -> RGBColor {
        statusColors[status] ?? unknown
    }

    /// Statuses in the order a legend lists them: worst first.
    public static let statusOrder = ["newly broken", "still failing", "failing", "fixed", "passing", "new", "absent"]

    static let errorColors: [String: RGBColor] = [
        "Cls": RGBColor(hex: 0xE69F00),   // orange
        "Loc": RGBColor(hex: 0xCC79A7),   // reddish purple
        "Both": RGBColor(hex: 0x8C564B),  // brown
        "Dupe": RGBColor(hex: 0x56B4E9),  // sky blue
        "Bkg": RGBColor(hex: 0xD55E00),   // vermilion
        "Miss": RGBColor(hex: 0x7B52AE),  // violet
    ]

    static let statusColors: [String: RGBColor] = [
        "newly broken": RGBColor(hex: 0xD62728),
        "still failing": RGBColor(hex: 0xF0A030),
        "failing": RGBColor(hex: 0xF0A030),  // failing now, like "still failing", with no earlier verdict
        "fixed": RGBColor(hex: 0x2CA02C),
        "passing": RGBColor(hex: 0xA8D8A0),
        "new": RGBColor(hex: 0x6BAED6),
        "absent": RGBColor.empty,
    ]

    static let unknown = RGBColor(hex: 0x8A8A8A)
}

/// Colours for data series and classes: Tableau 10 (matplotlib's default cycle), then evenly spread hues.
enum SeriesPalette {
    static let tableau: [RGBColor] = [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
                                      0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF].map { RGBColor(hex: $0) }

    static func color(_ index: Int) -> RGBColor {
        if index < tableau.count { return tableau[index] }
        // Golden-angle hue steps never repeat and keep neighbours apart.
        let hue = (Double(index) * 0.381966).truncatingRemainder(dividingBy: 1)
        return hsv(hue, 0.65, 0.85)
    }

    static func hsv(_ h: Double, _ s: Double, _ v: Double) -> RGBColor {
        let i = Int(h * 6) % 6, f = h * 6 - Double(Int(h * 6))
        let p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s)
        switch i {
        case 0: return RGBColor(r: v, g: t, b: p)
        case 1: return RGBColor(r: q, g: v, b: p)
        case 2: return RGBColor(r: p, g: v, b: t)
        case 3: return RGBColor(r: p, g: q, b: v)
        case 4: return RGBColor(r: t, g: p, b: v)
        default: return RGBColor(r: v, g: p, b: q)
        }
    }
}
